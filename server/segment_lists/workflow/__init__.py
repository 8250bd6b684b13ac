"""The segment-list workflow: inventory, plan, apply, verify, exclusivity, dependencies, rollback.

Plain domain code used by the MCP tools and the command line alike. It reaches HubSpot only
through `segment_lists.portal` and records every write in the journal before making it.
"""
