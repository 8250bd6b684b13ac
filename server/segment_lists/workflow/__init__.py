"""Every use case of the product, used by the MCP tools and the command line alike.

Inventory, planning, applying, verifying, exclusivity, dependencies, deletion and rollback, drift,
the library and its report, doctor; the session they run in (runtime, settings, journal,
confirmation tokens) and the one error catalogue (failures). It reaches HubSpot only through
`segment_lists.portal` and records every write in the journal before making it. The faces call
these functions; they never reach the journal or the portal themselves (docs/DESIGN.md section 2).
"""
