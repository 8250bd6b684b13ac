"""HubSpot's HTTP surface: the Starlette app, request plumbing, auth and realism middleware, and
one route module per API area. Routes parse a call and delegate to `crm/` or `lists/`."""
