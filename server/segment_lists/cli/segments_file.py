"""The segments file: the interview's answers as TOML, kept in version control.

The keys are the fields of `interview.Answers` (every one optional: a missing key takes the
interview's default), plus `competitor_csv_file`, a CSV path read relative to the file. Unknown keys
are refused with the valid ones named, so a typo never silently falls back to a default. The
`[choices]` table answers clashes per plan item key; its keys may be quoted ("core.suppressed") or
dotted (core.suppressed = ...), which TOML reads as nested tables.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from segment_lists.domain.interview import Answers
from segment_lists.workflow.failures import argument_problems, unknown_key_problem

FILE_ONLY_KEYS = {"competitor_csv_file"}


class SegmentsFileError(Exception):
    """The segments file cannot be read or does not hold valid answers; the message says where and why."""


def parse_segments(text: str, *, base_dir: Path | None = None, source: str = "segments file") -> Answers:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SegmentsFileError(f"{source} is not valid TOML: {error}") from None
    known = sorted(set(Answers.model_fields) | FILE_ONLY_KEYS)
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise SegmentsFileError(
            f"{source}: " + "; ".join(unknown_key_problem("the segments file", key, known) for key in unknown)
        )
    if isinstance(data.get("choices"), dict):
        data["choices"] = _flat(data["choices"])
    csv_file = data.pop("competitor_csv_file", None)
    if csv_file is not None:
        if "competitor_csv" in data:
            raise SegmentsFileError(f"{source}: give competitor_csv or competitor_csv_file, not both")
        path = (base_dir or Path.cwd()) / str(csv_file)
        try:
            data["competitor_csv"] = path.read_text(encoding="utf-8")
        except OSError as error:
            raise SegmentsFileError(f"{source}: cannot read competitor_csv_file {path}: {error.strerror}") from None
    try:
        return Answers.model_validate(data)
    except ValidationError as error:
        raise SegmentsFileError(f"{source}: {'; '.join(argument_problems(error))}") from None


def _flat(table: dict[str, object], prefix: str = "") -> dict[str, object]:
    """{"core": {"suppressed": "merge"}} (TOML's reading of core.suppressed = "merge") -> {"core.suppressed": ...}."""
    flat: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def load_segments(path: Path | None) -> Answers:
    """The answers in `path`; the interview's defaults when no file is given."""
    if path is None:
        return Answers()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SegmentsFileError(f"cannot read the segments file {path}: {error.strerror}") from None
    return parse_segments(text, base_dir=path.parent, source=str(path))


TEMPLATE = """\
# Segment library as code: the answers to the segment interview.
# Every key is optional; a missing key takes the default shown in the comment.
# Check it with `segment-lists plan {name}`, create with `segment-lists apply {name}`.

# Q1: which segment families (core, icp, industries, size, regions, engagement).
families = ["core", "icp", "engagement"]

# Language of the list names: "en" ([Core] - All Customers) or "zh" ([核心] - 所有客户).
language = "{language}"

# Your own email domains (the Internal Employees list); default: your portal users' domains.
# own_domains = ["acme.com"]

# The static Competitors list: contacts at these email domains (and/or a CSV of emails or domains).
competitor_domains = []
# competitor_csv_file = "competitors.csv"

# How partners are marked (a contact or company enumeration property and its partner values).
# HubSpot's own: the company property "Type" (type) = Partner (PARTNER). The plan checks that the
# property and values exist in your portal before anything is created.
# [partner_marker]
# property = "type"
# values = ["PARTNER"]
# object = "company"

# Where the ICP tier lives, if not detected (hs_ideal_customer_profile, icp_tier, company_segment...).
# [icp_marker]
# property = "icp_tier"
# object = "company"

# industries = ["Manufacturing", "Retail"]          # naming industries adds the family
# Regions and size bands by name; the rest of each goes into one remainder list ("... - Other or Unknown").
# regions = ["North America", "EMEA"]                # of North America, EMEA, APAC, LATAM; or your own:
# [regions]                                          #   DACH = ["Germany", "Austria", "Switzerland"]
# sizes = ["Enterprise", "SMB"]                      # of Enterprise, Mid-Market, SMB
# size_bands = [100, 1000]                           # SMB < 100 <= Mid-Market < 1000 <= Enterprise (employees)
# naming = "[{{category}}] - {{name}}"
# folder = "Segment Library"
# edit_teams = ["Marketing"]                       # Enterprise only: these teams view and edit, others none
# restrict_exclusion_lists = false                 # also restrict Suppressed / Internal (hidden from others)
# company_association = "primary"                  # ICP tiers and size bands by the primary company, or "any"

# When an existing list clashes with a planned one, `plan` asks; answer here, per item key:
# reuse, adopt (rename it to the plan's name), merge (give it the plan's filters; same id),
# move-aside (rename it, create the new one), create-anyway (under a free name), or skip.
# [choices]
# "core.customers" = "adopt"
# "core.suppressed" = "merge"

# Q2: what "active" means (default: a marketing email open or click within 90 days), in words...
# active_means = "email open or click in the last 90 days, website visit in the last 60 days"
# ...or as signals:
# [[signals]]
# kind = "email_open"          # email_open, email_click, website_visit, form_submission, meeting_booked
# window_days = 90
# disengaged_after_days = 180
# never_engaged_min_age_days = 30
"""


def template(name: str = "segments.toml", language: str = "en") -> str:
    return TEMPLATE.format(name=name, language=language)
