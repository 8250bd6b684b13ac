"""Answers at the user's granularity (issue 12): regions and size bands by name (the rest of a
partition family in one remainder list), Q2 in the user's words, and nothing asked for is dropped:
what cannot be mapped comes back as a question. Through the MCP server and through the segments file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mcp_support import SeededPortal, call, confirmed, full_plan, seeded_portal
from segment_lists.cli.main import build_parser
from segment_lists.cli.segments_file import parse_segments
from segment_lists.domain.catalog import CatalogContext, catalog_segments
from segment_lists.domain.interview import Answers

ROOT = Path(__file__).resolve().parents[1]
REGIONS_AND_SIZES = {"regions": ["North America", "EMEA"], "sizes": ["Enterprise", "SMB"]}
EXPECTED = {
    "region.north_america": "[Region] - North America",
    "region.emea": "[Region] - EMEA",
    "region.other": "[Region] - Other or Unknown",
    "size.enterprise": "[Size] - Enterprise",
    "size.smb": "[Size] - SMB",
    "size.other": "[Size] - Other or Unknown Size",
}


def _family_items(items: list[dict[str, Any]]) -> dict[str, str]:
    return {item["key"]: item["name"] for item in items if item["family"] in {"regions", "size"}}


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[SeededPortal]:
    with seeded_portal(tmp_path) as seeded:
        yield seeded


@pytest.mark.anyio
async def test_regions_and_sizes_by_name_through_mcp(portal: SeededPortal) -> None:
    async with portal.client("auto") as client:
        proposed = await call(client, "propose_segments", {"answers": REGIONS_AND_SIZES, "estimate": False})
        plan = await full_plan(client, proposed["plan"]["plan_id"])
        # Naming regions and sizes asks for those families; exactly the chosen lists plus each remainder.
        assert _family_items(plan["items"]) == EXPECTED
        items = {item["key"]: item for item in plan["items"]}
        assert "APAC, LATAM" in " ".join(items["region.other"]["notes"])
        assert "Mid-Market" in " ".join(items["size.other"]["notes"])
        assert sum(w["code"] == "family-partial" for w in plan["warnings"]) == 2
        groups = {group["name"]: group for group in plan["groups"]}
        assert set(groups["regions"]["members"]) == {"region.north_america", "region.emea", "region.other"}
        assert groups["regions"]["partition"] and groups["size-bands"]["partition"]

        _, created = await confirmed(client, "create_list", {"plan_id": plan["plan_id"], "items": sorted(EXPECTED)})
        assert {item["name"] for item in created["items"]} == set(EXPECTED.values())
        report = await call(client, "check_exclusivity", {"run_id": created["run_id"]})
        regions = next(group for group in report["groups"] if group["group"] == "regions")
        # The remainder keeps the partition: every contact in exactly one region list.
        assert regions["exclusive"] and regions["uncovered"] == 0
        sizes = next(group for group in report["groups"] if group["group"] == "size-bands")
        assert sizes["uncovered"] == 0


def test_regions_and_sizes_by_name_through_the_segments_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    segments = tmp_path / "segments.toml"
    segments.write_text(
        'families = ["core"]\nown_domains = ["acme.com"]\ncompetitor_domains = ["rival.com"]\n'
        'regions = ["North America", "EMEA"]\nsizes = ["Enterprise", "SMB"]\n'
        '[partner_marker]\nproperty = "contact_type"\nvalues = ["partner"]\n'
        '[choices]\ncore.customers = "reuse"\n"core.suppressed" = "move-aside"\n',
        encoding="utf-8",
    )
    args = build_parser().parse_args(
        ["plan", str(segments), "--sandbox", "--contacts", "200", "--no-estimate", "--json", "--no-progress"]
    )
    assert int(args.run(args)) == 0
    out = json.loads(capsys.readouterr().out)
    assert _family_items(out["plan"]["items"]) == EXPECTED
    status = {item["key"]: item["status"] for item in out["status"]["items"]}
    # The choices table, dotted or quoted, answers the clashes.
    assert status["core.customers"] == "reuse" and status["core.suppressed"] == "move-aside"


def test_a_region_or_band_that_is_not_known_is_asked_back_never_dropped() -> None:
    answers = Answers(regions=["North America", "DACH"], sizes=["Enterprise", "Large-ish"])
    segments = {s.key: s for s in catalog_segments(answers, CatalogContext())}
    assert (
        segments["region.dach"].needs_input and "Which countries make up 'DACH'" in segments["region.dach"].needs_input
    )
    # The remainder waits: it holds everyone outside the chosen regions, DACH's countries included.
    assert segments["region.other"].needs_input and segments["region.other"].filter_branch is None
    assert segments["size.large_ish"].needs_input and "not a size band" in segments["size.large_ish"].needs_input
    assert segments["size.other"].needs_input
    # Own regions with countries, and known names in other words (aliases, Chinese) work.
    custom = Answers(families=["regions"], regions={"DACH": ["Germany", "Austria", "Switzerland"], "apac": []})
    names = {s.key: s.name for s in catalog_segments(custom, CatalogContext())}
    assert names == {
        "region.dach": "[Region] - DACH",
        "region.apac": "[Region] - APAC",
        "region.other": "[Region] - Other or Unknown",
    }
    assert [
        s.name
        for s in catalog_segments(Answers(families=["regions"], regions=["北美"], language="zh"), CatalogContext())
    ][0] == "[区域] - 北美"


@pytest.mark.parametrize(
    ("words", "signals", "unmapped"),
    [
        ("email open or click in the last 90 days", [("email_open", 90), ("email_click", 90)], []),
        (
            "website visit in the last 60 days, form submission in the last 30 days",
            [("website_visit", 60), ("form_submission", 30)],
            [],
        ),
        ("meeting booked in the last 90 days", [("meeting_booked", 90)], []),
        ("any email engagement within 2 months", [("email_open", 60), ("email_click", 60)], []),
        ("过去60天内访问网站或提交表单", [("website_visit", 60), ("form_submission", 60)], []),
        (
            "webinar attendance in 30 days or an email click in 2 weeks",
            [("email_click", 14)],
            ["webinar attendance in 30 days"],
        ),
    ],
)
def test_q2_in_the_users_words(words: str, signals: list[tuple[str, int]], unmapped: list[str]) -> None:
    answers = Answers(active_means=words)
    assert [(s.kind, s.window_days) for s in answers.signals] == signals
    assert answers.unmapped_activity == unmapped
    assert Answers.model_validate(answers.model_dump(mode="json")) == answers  # a saved plan reads back the same


def test_q2_words_that_map_to_nothing_become_a_question_on_the_engagement_lists() -> None:
    answers = Answers(families=["engagement"], active_means="purchased in the last 30 days")
    segments = catalog_segments(answers, CatalogContext())
    assert all(s.needs_input and "'purchased in the last 30 days'" in s.needs_input for s in segments)
    assert all(s.filter_branch is None for s in segments)
    window = Answers(families=["engagement"], active_means="website visit in the last 60 days")
    engaged = catalog_segments(window, CatalogContext())[0]
    assert engaged.name == "[Engagement] - Highly Engaged (60 days)" and engaged.needs_input is None
    with pytest.raises(ValueError, match="not both"):
        Answers(active_means="website visit in 60 days", signals=[{"kind": "email_open", "window_days": 90}])


def test_the_segments_file_reads_dotted_choice_keys_and_refuses_unknown_choices() -> None:
    answers = parse_segments('[choices]\ncore.customers = "adopt"\n"core.suppressed" = "merge"\n')
    assert answers.choices == {"core.customers": "adopt", "core.suppressed": "merge"}
    with pytest.raises(Exception, match="choices.core.customers"):
        parse_segments('[choices]\n"core.customers" = "rename"\n')


def test_no_text_points_at_a_command_that_does_not_exist() -> None:
    """The source skill's prerequisites name /create-icp-tiers and /fix-lifecycle-stages; this project has
    neither, so nothing it ships may send a user there."""
    shipped = [ROOT / "SKILL.md", ROOT / "README.md", *(ROOT / "prompts").glob("*.md"), *(ROOT / "docs").glob("*.md")]
    shipped += list((ROOT / "server").rglob("*.py"))
    offenders = [
        str(path.relative_to(ROOT))
        for path in shipped
        if "/create-icp-tiers" in path.read_text(encoding="utf-8")
        or "/fix-lifecycle-stages" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
