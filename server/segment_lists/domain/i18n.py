"""Languages: list names and the report's words, in English and Chinese (the prompt texts are files:
`prompts/*.zh.md`, served by `mcp.prompt_files`).

The source skill ships in both; the Chinese names come from its Chinese text (e.g. `[核心] - 所有客户`,
`[ICP] - 层级 1`). Only the words a person reads are translated: segment keys, filter JSON and
property names stay the same in every language, so a plan's meaning never depends on it.
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")

CATEGORIES_ZH: dict[str, str] = {
    "Core": "核心",
    "ICP": "ICP",
    "Industry": "行业",
    "Size": "规模",
    "Region": "区域",
    "Engagement": "互动",
}

# Fixed segment names. Names with numbers in them (engagement windows) are matched by pattern below.
SEGMENTS_ZH: dict[str, str] = {
    "All Customers": "所有客户",
    "All Partners": "所有合作伙伴",
    "Competitors": "竞争对手",
    "Internal Employees": "内部员工",
    "Suppressed Contacts": "已排除联系人",
    "Tier 1": "层级 1",
    "Tier 2": "层级 2",
    "Tier 3": "层级 3",
    "Non-ICP": "非 ICP",
    "Enterprise": "企业级",
    "Mid-Market": "中端市场",
    "SMB": "中小企业",
    "Unknown Size": "规模未知",
    "Other or Unknown Size": "其他或未知规模",
    "North America": "北美",
    "EMEA": "欧洲、中东和非洲",
    "APAC": "亚太",
    "LATAM": "拉丁美洲",
    "Other or Unknown": "其他或未知",
    "Never Engaged": "从未互动",
    "<Name>": "<名称>",
}
PATTERNS_ZH: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Highly Engaged \((\d+) days\)$"), r"高度活跃(\1天内)"),
    (re.compile(r"^Disengaged \((\d+)\+ months\)$"), r"不活跃(\1个月以上)"),
)


def category_name(category: str, language: Language) -> str:
    return CATEGORIES_ZH.get(category, category) if language == "zh" else category


def segment_name(segment: str, language: Language) -> str:
    """A catalog segment's display name. Words the user typed (industries, own regions) stay as typed."""
    if language != "zh":
        return segment
    if segment in SEGMENTS_ZH:
        return SEGMENTS_ZH[segment]
    for pattern, replacement in PATTERNS_ZH:
        if pattern.match(segment):
            return pattern.sub(replacement, segment)
    return segment


def language_of(value: str | None) -> Language:
    """'zh', 'zh-CN', 'Chinese', '中文' -> zh; anything else -> en."""
    if not value:
        return "en"
    lowered = value.strip().lower()
    if lowered.startswith("zh") or lowered in {"cn", "chinese", "中文", "汉语", "简体中文"}:
        return "zh"
    return "en"


# --- the report's words --------------------------------------------------------------------------

REPORT_WORDS: dict[Language, dict[str, str]] = {
    "en": {
        "title": "Segment library",
        "portal": "Portal",
        "generated": "Generated",
        "lists": "Lists",
        "list": "List",
        "id": "Id",
        "type": "Type",
        "members": "Members",
        "estimate": "Estimate",
        "expected": "Expected",
        "trend": "Trend",
        "status": "Status",
        "definition": "Definition",
        "active": "active",
        "static": "static",
        "exclusivity": "Exclusivity groups",
        "heatmap_note": "Each cell: contacts in both lists (the diagonal: the list's size). Red = overlap.",
        "no_groups": "No exclusivity groups among the lists.",
        "uncovered": "contacts are in none of these lists",
        "prerequisites": "Prerequisites",
        "warnings": "Warnings",
        "no_warnings": "No warnings.",
        "icp": "ICP tier",
        "fill_rates": "Property fill rates",
        "lifecycle": "Lifecycle stages in use",
        "not_created": "not created",
        "sandbox": "SANDBOX portal: demo data, not a HubSpot account",
        "overlapping_pairs": "overlapping pairs",
        "summary": "Summary",
        "open_questions": "Open questions",
        "role": "Role",
        "own_domains": "Own email domains",
        "filled_for": "{property} filled for {share}",
        "contact_property": "Contact",
        "company_property": "Company",
        "memberships": "List memberships",
        "memberships_note": "members of all lists added up: a contact in two lists counts twice",
        "portal_contacts": "Contacts in the portal",
        "one_point": "one measurement so far",
        "drifted": "drifted",
        "access": "Access",
    },
    "zh": {
        "title": "细分列表库",
        "portal": "门户",
        "generated": "生成时间",
        "lists": "列表",
        "list": "列表",
        "id": "ID",
        "type": "类型",
        "members": "成员数",
        "estimate": "预估",
        "expected": "预期范围",
        "trend": "趋势",
        "status": "状态",
        "definition": "定义",
        "active": "动态",
        "static": "静态",
        "exclusivity": "互斥组",
        "heatmap_note": "每个单元格：同时在两个列表中的联系人数(对角线为列表大小)。红色 = 有重叠。",
        "no_groups": "这些列表之间没有互斥组。",
        "uncovered": "个联系人不在任何一个列表中",
        "prerequisites": "前提条件",
        "warnings": "警告",
        "no_warnings": "没有警告。",
        "icp": "ICP 层级",
        "fill_rates": "属性填充率",
        "lifecycle": "使用中的生命周期阶段",
        "not_created": "未创建",
        "sandbox": "沙盒门户：演示数据，不是 HubSpot 账户",
        "overlapping_pairs": "对重叠",
        "summary": "摘要",
        "open_questions": "待回答的问题",
        "role": "角色",
        "own_domains": "自有邮箱域名",
        "filled_for": "{property} 填充率 {share}",
        "contact_property": "联系人",
        "company_property": "公司",
        "memberships": "列表成员总数",
        "memberships_note": "所有列表的成员数相加：同时在两个列表中的联系人计两次",
        "portal_contacts": "门户中的联系人",
        "one_point": "目前只有一次测量",
        "drifted": "已偏离",
        "access": "访问权限",
    },
}


def words(language: Language) -> dict[str, str]:
    return REPORT_WORDS[language]
