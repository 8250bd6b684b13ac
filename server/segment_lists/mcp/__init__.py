"""The MCP face: tools, prompts and resources over the workflow. Thin on purpose."""
