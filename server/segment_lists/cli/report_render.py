"""The segment library at a glance: one self-contained HTML page, and the same summary as Markdown.

Pure functions of `ReportData` (gathered by `workflow.report_data`). The HTML page has no external
assets at all (inline CSS and SVG, no scripts), so it can be mailed, attached to a ticket or opened
offline.
"""

from __future__ import annotations

import html

from segment_lists.boundary.text import markdown_cell
from segment_lists.domain.i18n import words
from segment_lists.workflow.report_data import ReportData, ReportGroup, TrendPoint

# --- Markdown ------------------------------------------------------------------------------------


def _cell(text: object) -> str:
    """Text (CRM names and definitions among it) as Markdown shows it literally: no HTML, no markup."""
    return markdown_cell(text)


def render_markdown(data: ReportData) -> str:
    w = words(data.language)
    lines = [
        f"# {w['title']}",
        "",
        f"{w['portal']}: {data.portal.notice} · {w['generated']}: {data.generated_at} · plan `{data.plan_id}`",
        "",
        f"## {w['lists']}",
        "",
        f"| {w['list']} | {w['id']} | {w['type']} | {w['members']} | {w['estimate']} | {w['trend']} | "
        f"{w['status']} | {w['definition']} |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for item in data.lists:
        kind = w["active"] if item.kind == "DYNAMIC" else w["static"]
        trend = " → ".join(str(p.size) for p in _thin(item.trend, 4)) if len(item.trend) > 1 else ""
        lines.append(
            f"| {_cell(item.name)} | {_cell(item.list_id or w['not_created'])} | {kind} | {_cell(item.size)} | "
            f"{_cell(item.estimate)} | {trend} | {_cell(item.status)} | {_cell(item.definition)} |"
        )
    lines += ["", f"## {w['exclusivity']}", ""]
    if not data.groups:
        lines.append(w["no_groups"])
    for group in data.groups:
        mark = "✅" if group.exclusive and not group.uncovered else "⚠️"
        lines.append(f"- {mark} **{_cell(group.name)}**: {_cell(group.message)}")
    lines += ["", f"## {w['prerequisites']}", ""]
    lines += [f"- {_cell(line)}" for line in data.prerequisites] or ["-"]
    lines += ["", f"## {w['warnings']}", ""]
    lines += [f"- {_cell(line)}" for line in data.warnings + data.open_questions] or [w["no_warnings"]]
    return "\n".join(lines) + "\n"


def _thin(points: list[TrendPoint], most: int) -> list[TrendPoint]:
    if len(points) <= most:
        return points
    step = (len(points) - 1) / (most - 1)
    return [points[round(n * step)] for n in range(most)]


# --- HTML ----------------------------------------------------------------------------------------

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans CJK SC","Noto Sans",sans-serif;
margin:0;color:#1f2933;background:#f5f7fa}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}
.meta{color:#52606d;margin-bottom:8px}.sandbox{background:#fff3c4;border:1px solid #f0b429;padding:6px 10px;
border-radius:6px;display:inline-block;margin:6px 0}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:14px 0}
.card{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:22px}
table.lists{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d9e2ec}
.lists th,.lists td{padding:6px 8px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}
.lists th{background:#f0f4f8;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}
.def{color:#3e4c59;font-size:12.5px;max-width:420px}
.st{font-size:12px;padding:1px 6px;border-radius:10px;white-space:nowrap}
.st-in-sync{background:#e3f9e5;color:#05400a}.st-drifted{background:#ffe3e3;color:#8a041a}
.st-missing,.st-name-taken,.st-adopt{background:#e6f0ff;color:#0b3c7a}
.st-needs-input,.st-conflict{background:#fff3c4;color:#513c06}
.groups{display:flex;flex-wrap:wrap;gap:18px}
.group{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:12px}
.group h3{font-size:15px;margin:0 0 4px}.group p{margin:4px 0;color:#52606d;max-width:640px}
.bad{color:#ab091e;font-weight:600}.good{color:#0e7c19;font-weight:600}
ul{margin:6px 0 0 18px;padding:0}li{margin:3px 0}
"""


def _e(text: object) -> str:
    return html.escape(str("" if text is None else text))


def sparkline(points: list[TrendPoint], width: int = 120, height: int = 28) -> str:
    """A small inline SVG of the size over time (journal snapshots and HubSpot's history)."""
    if not points:
        return ""
    sizes = [p.size for p in points]
    low, high = min(sizes), max(sizes)
    span = (high - low) or 1
    pad = 3
    if len(points) == 1:
        coords = [(width / 2, height / 2)]
    else:
        coords = [
            (pad + n * (width - 2 * pad) / (len(points) - 1), height - pad - (s - low) * (height - 2 * pad) / span)
            for n, s in enumerate(sizes)
        ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    last_x, last_y = coords[-1]
    title = _e(f"{points[0].at[:10]}: {sizes[0]} → {points[-1].at[:10]}: {sizes[-1]}")
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
        f"<title>{title}</title>"
        f'<polyline points="{path}" fill="none" stroke="#2680c2" stroke-width="1.6"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.4" fill="#2680c2"/></svg>'
    )


def heat_color(overlap: int | None, first: int | None, second: int | None) -> str:
    """White-green for no overlap, pale to deep red as the overlap's share of the smaller list grows."""
    if overlap is None:
        return "#e4e7eb"
    if overlap == 0:
        return "#e3f9e5"
    smaller = min((s for s in (first, second) if s), default=overlap) or 1
    share = min(1.0, overlap / smaller)
    lightness = 78 - 40 * share
    return f"hsl(355, 78%, {lightness:.0f}%)"


def heatmap(group: ReportGroup) -> str:
    n = len(group.names)
    cell, label_width, top = 64, 250, 24
    width, height = label_width + n * cell + 4, top + n * cell + 4
    parts = [
        f'<svg class="heatmap" data-group="{_e(group.name)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(group.name)} overlap matrix">'
    ]
    for col in range(n):
        x = label_width + col * cell + cell / 2
        parts.append(f'<text x="{x:.0f}" y="16" text-anchor="middle" font-size="12" fill="#52606d">{col + 1}</text>')
    for row, name in enumerate(group.names):
        y = top + row * cell
        short = name if len(name) <= 34 else name[:33] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + cell / 2 + 4:.0f}" text-anchor="end" font-size="12" '
            f'fill="#1f2933"><title>{_e(name)}</title>{row + 1}. {_e(short)}</text>'
        )
        for col in range(n):
            value = group.overlaps[row][col]
            x = label_width + col * cell
            diagonal = row == col
            fill = "#d9e2ec" if diagonal else heat_color(value, group.sizes[row], group.sizes[col])
            dark = not diagonal and value and fill.startswith("hsl") and float(fill.split(",")[2][:-2]) < 55
            text_fill = "#ffffff" if dark else "#1f2933"
            shown = "" if value is None else str(value)
            tip = f"{group.names[row]} ∩ {group.names[col]}: {shown}" if not diagonal else f"{name}: {shown}"
            parts.append(
                f'<g class="cell" data-row="{row}" data-col="{col}" data-value="{shown}">'
                f"<title>{_e(tip)}</title>"
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" rx="4" fill="{fill}"/>'
                f'<text x="{x + cell / 2:.0f}" y="{y + cell / 2 + 5:.0f}" text-anchor="middle" font-size="14" '
                f'font-weight="{600 if not diagonal else 400}" fill="{text_fill}">{_e(shown)}</text></g>'
            )
    parts.append("</svg>")
    return "".join(parts)


def render_html(data: ReportData) -> str:
    w = words(data.language)
    created = [item for item in data.lists if item.list_id]
    members = sum(item.size or 0 for item in created)
    drifted = sum(1 for item in data.lists if item.status == "drifted")
    rows = []
    for item in data.lists:
        kind = w["active"] if item.kind == "DYNAMIC" else w["static"]
        expected = f"{item.expected_range[0]}–{item.expected_range[1]}" if item.expected_range else ""
        rows.append(
            f'<tr class="list" data-key="{_e(item.key)}"><td class="name">{_e(item.name)}</td>'
            f'<td class="num">{_e(item.list_id or "—")}</td><td>{kind}</td>'
            f'<td class="num size">{_e(item.size if item.size is not None else "—")}</td>'
            f'<td class="num">{_e(item.estimate if item.estimate is not None else "")}</td>'
            f'<td class="num">{_e(expected)}</td><td>{sparkline(item.trend)}</td>'
            f'<td><span class="st st-{_e(item.status)}" title="{_e(item.status_message)}">{_e(item.status)}</span></td>'
            f'<td class="def">{_e(item.definition)}</td></tr>'
        )
    groups = []
    for group in data.groups:
        verdict = (
            f'<p class="good">{_e(group.message)}</p>'
            if group.exclusive and not group.uncovered
            else f'<p class="bad">{_e(group.message)}</p>'
        )
        groups.append(
            f'<section class="group"><h3>{_e(group.name)}</h3><p>{_e(group.description)}</p>'
            f"{heatmap(group)}{verdict}</section>"
        )
    notices = [f'<li class="warning">{_e(text)}</li>' for text in data.warnings + data.open_questions]
    sandbox = f'<div class="sandbox">{_e(w["sandbox"])}</div>' if data.portal.is_sandbox else ""
    return f"""<!DOCTYPE html>
<html lang="{"zh-CN" if data.language == "zh" else "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(w["title"])} · {_e(data.portal.portal_id)}</title><style>{CSS}</style></head>
<body><main>
<h1>{_e(w["title"])}</h1>
<div class="meta">{_e(w["portal"])}: {_e(data.portal.notice)} · {_e(w["generated"])}: {_e(data.generated_at)} ·
plan <code>{_e(data.plan_id)}</code></div>{sandbox}
<div class="cards"><div class="card"><b id="lists-count">{len(created)}/{len(data.lists)}</b>{_e(w["lists"])}</div>
<div class="card"><b id="members-total">{members}</b>{_e(w["members"])}</div>
<div class="card"><b id="overlap-count">{data.overlapping_pairs}</b>{_e(w["overlapping_pairs"])}</div>
<div class="card"><b id="drift-count">{drifted}</b>drifted</div></div>
<h2>{_e(w["lists"])}</h2>
<table class="lists"><thead><tr><th>{_e(w["list"])}</th><th>{_e(w["id"])}</th><th>{_e(w["type"])}</th>
<th>{_e(w["members"])}</th><th>{_e(w["estimate"])}</th><th>{_e(w["expected"])}</th><th>{_e(w["trend"])}</th>
<th>{_e(w["status"])}</th><th>{_e(w["definition"])}</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>{_e(w["exclusivity"])}</h2><p class="meta">{_e(w["heatmap_note"])}</p>
<div class="groups">{"".join(groups) or _e(w["no_groups"])}</div>
<h2>{_e(w["prerequisites"])}</h2><ul>{"".join(f"<li>{_e(line)}</li>" for line in data.prerequisites)}</ul>
<h2>{_e(w["warnings"])}</h2><ul>{"".join(notices) or f"<li>{_e(w['no_warnings'])}</li>"}</ul>
</main></body></html>
"""
