"""HubSpot's Lists v3: the lists tables, the operations, filterBranch checks, the evaluator and the list engine."""
