"""The MCP tools' names, defined once.

They live below the faces because the workflow's own messages name them as the next step ("call
propose_segments first", "restore_list can bring it back"); the MCP face registers its tools under
them and the tests list them from here.
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
