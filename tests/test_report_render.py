"""`segment-lists report` as a person sees it: the page rendered by headless Chromium.

The report is made for a fresh embedded sandbox (the README's one-liner), then opened in Chromium:
the DOM after layout (a probe script measures what is visible) and a screenshot (its pixels show the
heat map's colours). Sizes are checked against HubSpot's own answer, read with the official SDK.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from png_pixels import read_png
from segment_lists.cli.main import build_parser
from segment_lists.workflow.report_data import ReportData

SEGMENTS = Path(__file__).resolve().parents[1] / "docs" / "segments.example.toml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
WIDTH, HEIGHT = 1280, 2600

PROBE = """<script>
const rows = [...document.querySelectorAll('tr.list')].map(tr => {
  const box = tr.getBoundingClientRect();
  return {name: tr.querySelector('.name').innerText, size: tr.querySelector('.size').innerText,
          visible: box.width > 0 && box.height > 0 && box.right <= innerWidth + 1};
});
const cells = [...document.querySelectorAll('svg.heatmap g.cell')].map(g => {
  const rect = g.querySelector('rect'), box = rect.getBoundingClientRect();
  return {group: g.closest('svg').dataset.group, row: +g.dataset.row, col: +g.dataset.col,
          value: g.dataset.value, fill: getComputedStyle(rect).fill,
          x: box.left + box.width * 0.15, y: box.top + box.height * 0.15 + scrollY, w: box.width};
});
const probe = document.createElement('pre');
probe.id = 'probe';
probe.textContent = JSON.stringify({rows, cells, text: document.body.innerText,
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


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("report")
    args = build_parser().parse_args(
        ["report", str(SEGMENTS), "--sandbox", "--contacts", "300", "-o", str(out / "library.html")]
        + ["--state-dir", str(out / "state"), "--no-progress", "--json"]
    )
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert args.run(args) == 0
    return out, json.loads(buffer.getvalue())


def test_markdown_summary_matches_the_data(report: tuple[Path, dict]) -> None:
    out, body = report
    data = ReportData.model_validate(body["report"])
    markdown = (out / "library.md").read_text(encoding="utf-8")
    assert data.portal.is_sandbox
    for item in data.lists:
        assert item.list_id, f"{item.name} was not created in the sandbox"
        assert f"| {item.name} | {item.list_id} |" in markdown
    assert "⚠️ **customers-vs-competitors**" in markdown  # the planted overlap
    assert "✅ **engagement**" in markdown
    # Who can see the lists, said plainly (the demo portal has no per-list access).
    access = next(line for line in data.prerequisites if line.startswith("Access: "))
    assert "This portal has no per-list access" in access and access in markdown


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_the_page_shows_the_lists_the_numbers_and_the_heat_map(report: tuple[Path, dict], tmp_path: Path) -> None:
    out, body = report
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

    # The lists, with the sizes HubSpot reports, visible in the table.
    rows = {row["name"]: row for row in seen["rows"]}
    for item in data.lists:
        assert rows[item.name]["visible"], item.name
        assert rows[item.name]["size"] == str(item.size)
    assert all(item.size is not None for item in data.lists)
    assert f"{len(data.lists)}/{len(data.lists)}" in seen["text"]

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
