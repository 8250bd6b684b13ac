"""What goes into a portal in-process rather than over the API: generated CRM data, the demo portal,
workflows and marketing emails, users and teams (the API serves the last two read-only)."""
