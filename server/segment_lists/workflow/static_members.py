"""Who a static list gains, and why: the contacts each competitor domain and each listed email adds.

A confirmation of a static list's members must show what it binds (a CSV that adds `icloud.com` adds
every contact at icloud.com), so the same computation feeds the preview and the write: `StaticAdds`
holds the exact record ids to add and, per domain, where it came from (the interview, the CSV, a custom
list) and how many contacts it adds. Contacts already in the list add nothing and are not counted.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from segment_lists.boundary.text import clean, counted, quoted
from segment_lists.workflow.runtime import Runtime

EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[^@\s]+)$")
DOMAIN = re.compile(r"@?[a-z0-9-]+(\.[a-z0-9-]+)+")
SEARCH_CHUNK = 100  # values per IN filter
SHOWN_IGNORED = 10

Source = Literal["interview", "CSV", "request"]


class CsvEntries(BaseModel):
    emails: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)
    ignored: list[str] = Field(default_factory=list)  # cells that are neither (a header, junk)


def parse_competitor_csv(text: str | None) -> CsvEntries:
    """Emails and domains from a CSV (any column); other non-empty cells are kept as `ignored`."""
    found = CsvEntries()
    for row in csv.reader(io.StringIO(text or "")):
        for cell in row:
            value = clean(cell).lower()
            if not value:
                continue
            if EMAIL.match(value):
                found.emails.append(value)
            elif DOMAIN.fullmatch(value):
                found.domains.append(value.removeprefix("@"))
            else:
                found.ignored.append(value)
    return CsvEntries(
        emails=list(dict.fromkeys(found.emails)),
        domains=list(dict.fromkeys(found.domains)),
        ignored=list(dict.fromkeys(found.ignored)),
    )


class DomainAdds(BaseModel):
    domain: str
    source: Source
    emails: int = 0  # 0: every contact at the domain; else only these listed addresses at it
    contacts: int  # contacts it adds (not already members, not added by an earlier line)


class StaticAdds(BaseModel):
    """What filling one static list adds: the record ids, and the same broken down for the user."""

    record_ids: list[str] = Field(default_factory=list)
    by_domain: list[DomainAdds] = Field(default_factory=list)
    by_id: list[str] = Field(default_factory=list)  # record ids given directly (custom lists)
    ignored: list[str] = Field(default_factory=list)
    already_members: int = 0

    def lines(self) -> list[str]:
        """The additions in plain words, one per domain (and one for ids given directly)."""
        said = []
        for entry in self.by_domain:
            who = (
                f"{entry.emails} listed address(es) at {entry.domain}"
                if entry.emails
                else f"every contact at {entry.domain}"
            )
            said.append(f"{who} (from the {entry.source}): {counted(entry.contacts, 'contact')}")
        if self.by_id:
            said.append(f"{counted(len(self.by_id), 'contact')} by record id: {id_ranges(self.by_id)}")
        if self.already_members:
            are = "is a member" if self.already_members == 1 else "are members"
            said.append(f"{counted(self.already_members, 'matching contact')} {are} already (not counted)")
        if self.ignored:
            shown = ", ".join(quoted(cell, limit=60) for cell in self.ignored[:SHOWN_IGNORED])
            more = f" and {len(self.ignored) - SHOWN_IGNORED} more" if len(self.ignored) > SHOWN_IGNORED else ""
            count = len(self.ignored)
            said.append(f"ignored in the CSV ({counted(count, 'cell')} neither an email nor a domain): {shown}{more}")
        return said


def static_additions(
    rt: Runtime,
    *,
    domains: Sequence[tuple[str, Source]] = (),
    csv_entries: CsvEntries | None = None,
    record_ids: Sequence[str] = (),
    current: Iterable[str] = (),
) -> StaticAdds:
    """The contacts a static list gains from these domains (each with its source), the CSV's emails
    and domains, and record ids given directly; `current`: its members now."""
    entries = csv_entries or CsvEntries()
    wanted: list[tuple[str, Source]] = list(dict.fromkeys([*domains, *((d, "CSV") for d in entries.domains)]))
    seen_domains: set[str] = set()
    sources: list[tuple[str, Source]] = []
    for domain, source in wanted:
        if domain not in seen_domains:
            seen_domains.add(domain)
            sources.append((domain, source))
    at_domain = _by_property(rt, "hs_email_domain", [d for d, _ in sources])
    by_email = _by_property(rt, "email", entries.emails)
    members = set(current)
    taken: set[str] = set()
    adds = StaticAdds(ignored=entries.ignored)
    matched: set[str] = set()

    def gain(ids: Iterable[str]) -> int:
        fresh = [i for i in ids if i not in members and i not in taken]
        taken.update(fresh)
        return len(fresh)

    for domain, source in sources:
        ids = at_domain.get(domain, [])
        matched.update(ids)
        adds.by_domain.append(DomainAdds(domain=domain, source=source, contacts=gain(ids)))
    email_domains: dict[str, list[str]] = {}
    for email in entries.emails:
        email_domains.setdefault(email.rsplit("@", 1)[1], []).append(email)
    for domain, emails in email_domains.items():
        ids = [i for email in emails for i in by_email.get(email, [])]
        matched.update(ids)
        adds.by_domain.append(DomainAdds(domain=domain, source="CSV", emails=len(emails), contacts=gain(ids)))
    given = list(dict.fromkeys(record_ids))
    if given:
        adds.by_id = given
        matched.update(given)
        gain(given)
    adds.record_ids = sorted(taken, key=int)
    adds.already_members = len(matched & members)
    return adds


def _by_property(rt: Runtime, name: str, values: Sequence[str]) -> dict[str, list[str]]:
    """Contact ids per value of `name` (lower case, as HubSpot stores emails and their domains)."""
    found: dict[str, list[str]] = {}
    for start in range(0, len(values), SEARCH_CHUNK):
        chunk = [v.lower() for v in values[start : start + SEARCH_CHUNK]]
        groups = [{"filters": [{"propertyName": name, "operator": "IN", "values": chunk}]}]
        for record in rt.portal.search_records("contacts", groups, properties=[name]):
            value = (record.properties.get(name) or "").lower()
            found.setdefault(value, []).append(record.id)
    return found


def id_ranges(ids: Sequence[str], *, limit: int = 4000) -> str:
    """Record ids as ranges ("101-105, 200"), every id accounted for; past `limit` characters the rest
    is counted, not listed."""
    numbers = sorted({int(i) for i in ids})
    parts: list[str] = []
    start = previous = None
    for number in [*numbers, None]:
        if number is not None and previous is not None and number == previous + 1:
            previous = number
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = number
    text = ""
    for index, part in enumerate(parts):
        if len(text) + len(part) > limit:
            rest = len(parts) - index
            return text + f", and {counted(rest, 'more range')} of ids"
        text = f"{text}, {part}" if text else part
    return text
