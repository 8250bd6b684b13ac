"""The command line's workflow commands: plan, apply, verify, rollback, report, doctor, init.

Each is a thin layer over the same workflow code as the MCP tools; `common` holds what they share
(opening a portal session, progress bars, confirmation, JSON output, exit codes).
"""
