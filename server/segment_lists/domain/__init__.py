"""The segment domain: pure functions and models, no I/O.

The interview's answers, the catalog of segments, the industry mapping, what is known about a portal,
the planner and its Plan, translations, CRM text sanitising, and list definition -> CRM search.
"""
