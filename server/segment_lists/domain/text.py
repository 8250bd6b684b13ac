"""Moved to `segment_lists.boundary.text` (the portal cleans CRM text where it enters, and the portal
may not import the domain). Kept as a re-export so code written against this path still imports;
new code imports `segment_lists.boundary.text`."""

from segment_lists.boundary.text import clean, display_name, markdown_cell, quoted

__all__ = ["clean", "display_name", "markdown_cell", "quoted"]
