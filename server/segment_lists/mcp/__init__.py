"""The MCP face: tools (read and write), prompts and resources, each a thin layer over the workflow."""
