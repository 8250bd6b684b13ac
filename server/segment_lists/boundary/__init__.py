"""What crosses the product's edge, made safe once: CRM text (`text`), HubSpot ids (`ids`) and secrets
(`redaction`). Pure functions with no I/O and no imports from the rest of the package, so every layer
that meets outside data (the portal reading HubSpot's answers, the domain, the workflow, both faces)
uses the same rules."""
