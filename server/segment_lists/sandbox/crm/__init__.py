"""HubSpot's CRM: object types, property definitions and values, records, associations, CRM search."""
