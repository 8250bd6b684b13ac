"""`segment-lists report` as a person sees it: the page rendered by headless Chromium.

The library is applied to the command line's sandbox portal and reported (the README's sequence),
then the page is opened in Chromium: the DOM after layout (a probe script measures what is drawn:
heat-map labels, sparklines, the table) and a screenshot (its pixels show the heat map's colours).
Names and sizes are checked against HubSpot's own answer, read with the official SDK.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import hubspot
from png_pixels import read_png
from segment_lists.cli.main import build_parser
from segment_lists.cli.report_render import sparkline
from segment_lists.sandbox import RunningSandbox, Sandbox, SandboxConfig
from segment_lists.workflow.report_data import ReportData, TrendPoint

# slow: a report on a seeded sandbox, rendered twice by headless Chromium (`-m "not slow"` skips it)
pytestmark = pytest.mark.slow

SEGMENTS = Path(__file__).resolve().parents[1] / "docs" / "segments.example.toml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
WIDTH, HEIGHT = 1280, 2600

PROBE = """<script>
const rows = [...document.querySelectorAll('tr.list')].map(tr => {
  const box = tr.getBoundingClientRect();
  return {name: tr.querySelector('.list-name').innerText, role: tr.querySelector('.role').innerText,
          size: tr.querySelector('.size').innerText,
          visible: box.width > 0 && box.height > 0 && box.right <= innerWidth + 1};
});
const labels = [...document.querySelectorAll('svg.heatmap text.label')].map(t => {
  const svg = t.closest('svg'), box = t.getBBox();
  return {group: svg.dataset.group, row: +t.dataset.row, labelWidth: +svg.dataset.labelWidth,
          lines: [...t.querySelectorAll('tspan.label-line')].map(s => s.textContent),
          role: (t.querySelector('tspan.label-role') || {}).textContent || '',
          hover: t.querySelector('title').textContent,
          x: box.x, y: box.y, right: box.x + box.width, bottom: box.y + box.height};
});
const sparks = [...document.querySelectorAll('svg.spark')].map(svg => ({
  list: svg.dataset.list, points: +svg.dataset.points, title: svg.querySelector('title').textContent,
  drawn: svg.querySelector('polyline').points.numberOfItems}));
const prerequisites = [...document.querySelectorAll('h2')].find(h => h.textContent === 'Prerequisites')
  .nextElementSibling.innerText;
const cells = [...document.querySelectorAll('svg.heatmap g.cell')].map(g => {
  const rect = g.querySelector('rect'), box = rect.getBoundingClientRect();
  return {group: g.closest('svg').dataset.group, row: +g.dataset.row, col: +g.dataset.col,
          value: g.dataset.value, fill: getComputedStyle(rect).fill,
          x: box.left + box.width * 0.15, y: box.top + box.height * 0.15 + scrollY, w: box.width};
});
const probe = document.createElement('pre');
probe.id = 'probe';
probe.textContent = JSON.stringify({rows, cells, labels, sparks, prerequisites, text: document.body.innerText,
  scrollWidth: document.documentElement.scrollWidth, external: [...document.querySelectorAll(
  'link[href], script[src], img[src]')].length});
document.body.appendChild(probe);
</script>"""


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


CONTACTS_SEEDED = 300
RENAMED = "Partners (renamed in HubSpot)"


def cli(*argv: str) -> tuple[int, str]:
    import contextlib
    import io

    args = build_parser().parse_args(list(argv))
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = args.run(args)
    return code, buffer.getvalue()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict[str, tuple[str, int]]]:
    """apply -> verify -> report on the sandbox portal; then HubSpot's own answer: list id -> (name, size)."""
    out = tmp_path_factory.mktemp("report")
    common = ["--sandbox", "--contacts", str(CONTACTS_SEEDED), "--state-dir", str(out / "state"), "--no-progress"]
    assert cli("apply", str(SEGMENTS), "--yes", "--no-estimate", *common)[0] == 0
    # Someone renames a list in HubSpot: the report must show it under the name HubSpot has now.
    portal = Sandbox(SandboxConfig(db_path=str(out / "state" / "sandbox" / "portal.sqlite3")))
    with RunningSandbox(sandbox=portal) as running:
        api = hubspot.HubSpot(access_token="any", host=running.base_url, base_url=running.base_url).crm.lists.lists_api
        partners = api.get_by_name(list_name="[Core] - All Partners", object_type_id="0-1").list
        api.update_name(list_id=str(partners.list_id), list_name=RENAMED)
    portal.store.close()
    assert cli("verify", str(SEGMENTS), *common)[0] == 3  # measured once before the report: trends get a point
    code, printed = cli("report", str(SEGMENTS), "-o", str(out / "library.html"), "--json", *common)
    assert code == 0
    portal = Sandbox(SandboxConfig(db_path=str(out / "state" / "sandbox" / "portal.sqlite3")))
    with RunningSandbox(sandbox=portal) as running:
        sdk = hubspot.HubSpot(access_token="any", host=running.base_url, base_url=running.base_url)
        lists = sdk.crm.lists.lists_api.do_search({"query": "", "count": 500, "offset": 0}).lists
        hubspot_says = {str(lst.list_id): (lst.name, int(lst.additional_properties["hs_list_size"])) for lst in lists}
    portal.store.close()
    return out, json.loads(printed), hubspot_says


def test_markdown_summary_matches_the_data(report: tuple[Path, dict, dict[str, tuple[str, int]]]) -> None:
    out, body, hubspot_says = report
    data = ReportData.model_validate(body["report"])
    markdown = (out / "library.md").read_text(encoding="utf-8")
    assert data.portal.is_sandbox
    for item in data.lists:
        assert item.list_id, f"{item.name} was not created in the sandbox"
        assert item.name == hubspot_says[item.list_id][0]  # the name HubSpot has now
        assert f"| {item.name} | {item.role} | {item.list_id} |" in markdown
    # Each list under HubSpot's name, with its catalog role beside it (the example file adopts the old
    # customers list, so HubSpot's name is the catalog's now).
    assert all(item.role for item in data.lists)
    customers = next(item for item in data.lists if item.key == "core.customers")
    assert (customers.name, customers.role) == ("[Core] - All Customers", "Core · All Customers")
    assert "⚠️ **customers-vs-competitors**" in markdown  # the planted overlap
    assert "✅ **engagement**" in markdown
    # Who can see the lists, said plainly (the demo portal has no per-list access).
    access = next(line for line in data.prerequisites if line.startswith("Access: "))
    assert "This portal has no per-list access" in access and access in markdown
    assert f"List memberships: {data.memberships:,} (" in markdown and "counts twice" in markdown
    assert f"Contacts in the portal: {CONTACTS_SEEDED}" in markdown
    assert "Churned Customer" in markdown and "2497212665" not in markdown  # stage labels, not ids
    assert "company.hs_" not in markdown and "contact.lifecyclestage" not in markdown


def test_a_trend_needs_two_measurements() -> None:
    one = [TrendPoint(at="2026-01-01T00:00:00Z", size=5)]
    assert "<svg" not in sparkline("[Core] - X", one, "one measurement so far")
    assert "one measurement so far" in sparkline("[Core] - X", one, "one measurement so far")
    assert sparkline("[Core] - X", [], "one measurement so far") == ""
    two = [*one, TrendPoint(at="2026-02-01T00:00:00Z", size=9)]
    assert 'data-points="2"' in sparkline("[Core] - X", two, "one measurement so far")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_the_page_shows_the_lists_the_numbers_and_the_heat_map(
    report: tuple[Path, dict, dict[str, tuple[str, int]]], tmp_path: Path
) -> None:
    out, body, hubspot_says = report
    data = ReportData.model_validate(body["report"])
    page = (out / "library.html").read_text(encoding="utf-8")
    assert "http://" not in page.replace(data.portal.base_url, "") and "https://" not in page  # self-contained
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")

    dom = chromium("--dump-dom", probed.as_uri(), profile=tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert match, "the probe did not run"
    seen = json.loads(html.unescape(match.group(1)))
    assert seen["external"] == 0
    assert seen["scrollWidth"] <= WIDTH  # nothing runs off the side of the page

    # The lists under the names HubSpot has now, each with its role, the sizes HubSpot reports, visible.
    rows = {row["name"]: row for row in seen["rows"]}
    assert len(rows) == len(data.lists)
    for item in data.lists:
        name, size = hubspot_says[item.list_id]  # type: ignore[index]
        assert rows[name]["visible"], name
        assert rows[name]["size"] == str(size) == str(item.size)
        assert rows[name]["role"] == item.role and item.role
    assert RENAMED in rows  # a list renamed in HubSpot is under its new name...
    assert rows[RENAMED]["role"] == "Core · All Partners"  # ...with its role beside it
    # The example file adopts the old customers list: renamed to the convention, its role beside it.
    assert rows["[Core] - All Customers"]["role"] == "Core · All Customers" and "Customers (2023 import)" not in rows
    assert not any(name.endswith("(2)") for name in rows)  # a clash is answered, never a "(2)" copy
    assert f"{len(data.lists)}/{len(data.lists)}" in seen["text"]
    # The cards: list memberships are called that (they are summed), beside the portal's contacts.
    assert f"{data.memberships:,}\nList memberships" in seen["text"] and data.memberships > CONTACTS_SEEDED
    assert f"{CONTACTS_SEEDED}\nContacts in the portal" in seen["text"]

    # Heat-map labels: the table's names (the same everywhere), whole, with their numbers, inside their column.
    assert seen["labels"]
    for label in seen["labels"]:
        text = " ".join(label["lines"])
        number, _, name = text.partition(". ")
        assert number == str(label["row"] + 1) and name in rows, text  # nothing cut off, no other name
        assert label["role"] == rows[name]["role"]
        assert label["hover"].startswith(f"{number}. {name}")
        assert label["x"] >= 0 and label["right"] <= label["labelWidth"], label  # fits beside the cells
    for group in {label["group"] for label in seen["labels"]}:
        mine = sorted((lb for lb in seen["labels"] if lb["group"] == group), key=lambda lb: lb["row"])
        assert all(a["bottom"] <= b["y"] for a, b in zip(mine, mine[1:], strict=False)), group  # no overlap
    assert any(len(label["lines"]) > 1 for label in seen["labels"])  # long names wrap, not cut

    # Trends: only from two measurements or more, under the same names.
    assert seen["sparks"]
    for spark in seen["sparks"]:
        assert spark["points"] >= 2 and spark["drawn"] == spark["points"] and spark["list"] in rows
        assert spark["title"].startswith(spark["list"])

    # Prerequisites in the portal's words: labels, not ids or internal property paths.
    prerequisites = seen["prerequisites"]
    assert "Churned Customer" in prerequisites and "Company: Ideal Customer Profile Tier filled for" in prerequisites
    assert not re.search(r"\b\d{6,}\b", prerequisites), prerequisites  # no raw option ids
    assert not re.search(r"\b(company|contact)\.[a-z_]+", prerequisites), prerequisites

    # The heat map: symmetric, the sizes on the diagonal, red where lists overlap, green where not.
    cells = [c for c in seen["cells"] if c["group"] == "customers-vs-competitors"]
    assert len(cells) == 4
    overlap = next(c for c in cells if c["row"] == 0 and c["col"] == 1)
    mirror = next(c for c in cells if c["row"] == 1 and c["col"] == 0)
    assert overlap["value"] == mirror["value"] and int(overlap["value"]) > 0
    r, g, b = (int(v) for v in re.findall(r"\d+", overlap["fill"])[:3])
    assert r > g + 60 and r > b + 60, overlap["fill"]
    quiet = next(c for c in seen["cells"] if c["group"] == "engagement" and c["row"] != c["col"])
    assert quiet["value"] == "0"

    shot = tmp_path / "report.png"
    taken = chromium(f"--screenshot={shot}", (out / "library.html").as_uri(), profile=tmp_path / "profile2")
    assert taken.returncode == 0 and shot.exists(), taken.stderr[-2000:]
    image = read_png(shot, max_rows=int(max(c["y"] for c in seen["cells"])) + 2)
    red = image.pixel(overlap["x"], overlap["y"])
    green = image.pixel(quiet["x"], quiet["y"])
    assert red[0] > red[1] + 60 and red[0] > red[2] + 60, red
    assert green[1] > green[0] and green[1] > green[2], green
