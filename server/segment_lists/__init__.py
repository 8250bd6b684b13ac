"""hubspot-segment-lists: build a HubSpot segment-list library, safely."""

__version__ = "0.1.0"
