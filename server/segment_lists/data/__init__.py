"""Reference data about HubSpot shared by the product and the sandbox: its default property definitions
(here) and its published limits (`hubspot_limits`)."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.cache
def default_properties() -> dict[str, Any]:
    """HubSpot's default contact and company properties (see the file's `_source`)."""
    text = resources.files("segment_lists.data").joinpath("hubspot-default-properties.json").read_text("utf-8")
    return json.loads(text)
