"""Exact counts of a few option values, learning which are in use from sampled pages.

One search per option (the former way) costs as many calls as the property has options: 148 for
HubSpot's company industry. Here one search asks for all wanted values at once (`IN [...]`) and reads
the first page of matches with the property: when the page holds every match, it is the whole
answer; otherwise each value seen on it is counted exactly (one search each, remembered on the
runtime, so an estimate that asks the same question later pays nothing), and the values not seen are
asked again together. Values nobody uses cost nothing beyond the first search. Multi-valued
properties (checkboxes, `a;b`) are read the same way: a record counts for each value it holds.
"""

from __future__ import annotations

from segment_lists.data.hubspot_limits import CRM_SEARCH_PAGE
from segment_lists.workflow.runtime import Runtime

IN_VALUES_LIMIT = 100  # values per IN filter HubSpot's search accepts


def eq_groups(prop: str, value: str) -> list[dict[str, object]]:
    return [{"filters": [{"propertyName": prop, "operator": "EQ", "value": value}]}]


def count_values(rt: Runtime, object_type: str, prop: str, values: list[str], *, multi: bool = False) -> dict[str, int]:
    """value -> number of records holding it, for every value in `values` that is in use (exact).
    `multi`: a record may hold several values (a checkbox property)."""
    counts: dict[str, int] = {}
    remaining = list(dict.fromkeys(values))
    while remaining:
        chunk, rest = remaining[:IN_VALUES_LIMIT], remaining[IN_VALUES_LIMIT:]
        groups = [{"filters": [{"propertyName": prop, "operator": "IN", "values": chunk}]}]
        total, page = rt.portal.search_page(object_type, groups, limit=CRM_SEARCH_PAGE, properties=[prop])
        rt.remember_count(object_type, groups, total)
        on_page: dict[str, int] = {}
        for record in page:
            for value in set((record.properties.get(prop) or "").split(";")) & set(chunk):
                on_page[value] = on_page.get(value, 0) + 1
        if total <= len(page):
            # The page is every match: its tally is exact, and the other values are unused.
            counts.update(on_page)
            for value, count in on_page.items():
                rt.remember_count(object_type, eq_groups(prop, value), count)
            remaining = rest
            continue
        seen = sorted(on_page)
        found = rt.map(lambda v: rt.count(object_type, eq_groups(prop, v)), seen)
        counts.update((value, count) for value, count in zip(seen, found, strict=True) if count)
        unseen = [value for value in chunk if value not in on_page]
        # One value per record: when the seen values add up to every match, the others are unused.
        settled = not multi and sum(found) >= total
        remaining = rest if settled or not seen else unseen + rest  # `not seen`: never loop
    return counts
