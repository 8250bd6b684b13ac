"""Languages: list names per language (unique whatever the language), prompt texts, the report's words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from segment_lists.cli.report_render import render_html, render_markdown
from segment_lists.domain.catalog import CatalogContext, IcpLocation, catalog_segments
from segment_lists.domain.i18n import LANGUAGES, language_of, segment_name
from segment_lists.domain.industries import IndustryMapping
from segment_lists.domain.interview import Answers
from segment_lists.mcp.prompts import load_prompt, prompt_file
from segment_lists.workflow.report_data import ReportData
from segment_lists.workflow.runtime import PortalRef

ICP = IcpLocation(property="hs_ideal_customer_profile", object="company", tier_values=["tier_1", "tier_2", "tier_3"])
ALL = ["core", "icp", "industries", "size", "regions", "engagement"]


def names(answers: Answers, industries: list[IndustryMapping] | None = None) -> list[str]:
    context = CatalogContext(icp=ICP, own_domains=["acme.com"], industries=industries or [])
    return [segment.name for segment in catalog_segments(answers, context)]


def test_chinese_names_follow_the_source_skill() -> None:
    zh = names(Answers(language="zh", families=ALL, industries=["制造业"], competitor_domains=["rival.com"]))
    # The names of the skill's Chinese text, with its naming convention [类别] - 细分名称.
    for expected in [
        "[核心] - 所有客户",
        "[核心] - 所有合作伙伴",
        "[核心] - 竞争对手",
        "[核心] - 内部员工",
        "[核心] - 已排除联系人",
        "[ICP] - 层级 1",
        "[ICP] - 非 ICP",
        "[行业] - 制造业",
        "[互动] - 高度活跃(90天内)",
        "[互动] - 不活跃(6个月以上)",
        "[互动] - 从未互动",
        "[规模] - 企业级",
        "[区域] - 亚太",
    ]:
        assert expected in zh
    en = names(Answers(families=ALL, industries=["Manufacturing"], competitor_domains=["rival.com"]))
    assert "[Core] - All Customers" in en and "[ICP] - Tier 1" in en
    assert segment_name("Highly Engaged (30 days)", "zh") == "高度活跃(30天内)"
    assert segment_name("Disengaged (12+ months)", "zh") == "不活跃(12个月以上)"


words = st.text(alphabet="亚太北美APCacpe -", min_size=1, max_size=6).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(
    language=st.sampled_from(LANGUAGES),
    families=st.lists(st.sampled_from(ALL), min_size=1, unique=True),
    regions=st.one_of(st.none(), st.dictionaries(words, st.just(["Japan"]), min_size=1, max_size=4)),
    naming=st.sampled_from(["[{category}] - {name}", "{name}", "{name} ({category})"]),
)
def test_list_names_are_unique_in_every_language(
    language: str, families: list[str], regions: dict[str, list[str]] | None, naming: str
) -> None:
    # Region names a user typed can collide with translated ones ("亚太" and "APAC" -> 亚太), and a
    # template without {category} can make two families' names equal: names must stay unique anyway.
    answers = Answers(language=language, families=families, regions=regions, naming=naming)
    planned = names(answers)
    assert len({name.casefold() for name in planned}) == len(planned), planned


def test_a_collision_keeps_the_english_name_instead_of_a_conflict() -> None:
    planned = names(Answers(language="zh", families=["regions"], regions={"亚太": ["Japan"], "APAC": ["China"]}))
    assert "[区域] - 亚太" in planned and "[区域] - APAC" in planned


def test_every_prompt_has_a_chinese_text_with_the_same_name() -> None:
    for file_name in ["create-segment-lists.md", "segment-interview.md", "quarterly-review.md", "rollback.md"]:
        english, chinese = load_prompt(file_name, "en"), load_prompt(file_name, "zh")
        assert chinese.language == "zh" and english.language == "en"
        assert chinese.name == english.name and chinese.title != english.title
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.body)
        # The placeholders the server fills are kept.
        for placeholder in ("{focus_line}", "{run_clause}"):
            assert (placeholder in english.body) == (placeholder in chinese.body)
    assert prompt_file("create-segment-lists.md", "zh").name == "create-segment-lists.zh.md"
    assert prompt_file("no-such-prompt.md", "zh").name == "no-such-prompt.md"  # falls back to English


def test_language_setting_words() -> None:
    assert [language_of(v) for v in ("zh", "zh-CN", "Chinese", "中文", "en", None, "fr")] == [
        "zh",
        "zh",
        "zh",
        "zh",
        "en",
        "en",
        "en",
    ]


def test_the_report_speaks_the_chosen_language() -> None:
    portal = PortalRef(portal_id="1", base_url="http://x", is_sandbox=True, time_zone="UTC", notice="SANDBOX")
    data = ReportData(
        portal=portal,
        language="zh",
        generated_at="2026-01-01 00:00 UTC",
        plan_id="plan-1",
        lists=[],
        groups=[],
        prerequisites=[],
        warnings=[],
        open_questions=[],
    )
    page, markdown = render_html(data), render_markdown(data)
    assert '<html lang="zh-CN">' in page and "细分列表库" in page and "沙盒门户" in page
    assert markdown.startswith("# 细分列表库") and "## 互斥组" in markdown
    assert "Segment library" in render_html(data.model_copy(update={"language": "en"}))
