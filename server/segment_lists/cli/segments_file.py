"""The segments file: the interview's answers as TOML, kept in version control.

The keys are the fields of `interview.Answers` (every one optional: a missing key takes the
interview's default), plus `competitor_csv_file`, a CSV path read relative to the file. Unknown keys
are refused with the valid ones named, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from segment_lists.domain.interview import Answers

FILE_ONLY_KEYS = {"competitor_csv_file"}


class SegmentsFileError(Exception):
    """The segments file cannot be read or does not hold valid answers; the message says where and why."""


def parse_segments(text: str, *, base_dir: Path | None = None, source: str = "segments file") -> Answers:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SegmentsFileError(f"{source} is not valid TOML: {error}") from None
    known = set(Answers.model_fields) | FILE_ONLY_KEYS
    unknown = sorted(set(data) - known)
    if unknown:
        raise SegmentsFileError(
            f"{source}: unknown key(s) {', '.join(unknown)}; valid keys: {', '.join(sorted(known))}"
        )
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
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or '(top level)'}: {issue['msg']}"
            for issue in error.errors()
        )
        raise SegmentsFileError(f"{source}: {problems}") from None


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

# industries = ["Manufacturing", "Retail"]          # with families = [..., "industries"]
# naming = "[{{category}}] - {{name}}"
# folder = "Segment Library"
# edit_teams = ["Marketing"]                       # Enterprise only: these teams view and edit, others none
# restrict_exclusion_lists = false                 # also restrict Suppressed / Internal (hidden from others)
# company_association = "primary"                  # ICP tiers and size bands by the primary company, or "any"

# Q2: what "active" means (default: a marketing email open or click within 90 days).
# [[signals]]
# kind = "email_open"          # email_open, email_click, website_visit, form_submission, meeting_booked
# window_days = 90
# disengaged_after_days = 180
# never_engaged_min_age_days = 30
"""


def template(name: str = "segments.toml", language: str = "en") -> str:
    return TEMPLATE.format(name=name, language=language)
