"""The MCP tools' names, defined once.

They live below the faces because a confirmation names the write it confirms by its tool (the
command line's writes are confirmed under the same names); the MCP face registers its tools under
them and the tests list them from here. Messages never spell them: they name a `next_steps.Step`,
which each face says in its own words.
"""

from __future__ import annotations

from enum import StrEnum


class ToolName(StrEnum):
    LIST_EXISTING_LISTS = "list_existing_lists"
    PROPOSE_SEGMENTS = "propose_segments"
    COUNT_MEMBERS = "count_members"
    CHECK_EXCLUSIVITY = "check_exclusivity"
    EXPORT_LIBRARY = "export_library"
    CREATE_LIST = "create_list"
    DELETE_LIST = "delete_list"
    RESTORE_LIST = "restore_list"
    ROLLBACK_RUN = "rollback_run"
