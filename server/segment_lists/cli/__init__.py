"""The command line: `segment-lists` (entry point `cli.main:main`).

Verbs: `sandbox`, `serve`, `demo`, `plan`, `apply`, `verify`, `rollback`, `report`, `doctor`, `init`.
Each turns its arguments into workflow calls and their results into text or JSON and an exit code;
none touches the journal or the portal itself.
"""
