"""The workflow commands in-process: segments file errors, init, doctor, languages, JSON, exit codes.

Each command really talks HTTP to a sandbox portal (embedded with --sandbox, or a test's own).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import hubspot
from segment_lists.cli.main import build_parser
from segment_lists.cli.session import Exit
from segment_lists.sandbox import Credential, RunningSandbox, SandboxConfig

SEGMENTS = Path(__file__).resolve().parents[1] / "docs" / "segments.example.toml"
TOKEN = "pat-na1-00000000-full"
SERVICE_KEY = "svc-eu1-0a1b2c3d-service-key"  # HubSpot documents no format for service keys


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("HUBSPOT_ACCESS_TOKEN", "HUBSPOT_API_TOKEN", "HUBSPOT_BASE_URL", "HUBSPOT_RATE_TIER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SEGMENT_LISTS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)  # no stray .env


def run(*argv: str) -> int:
    args = build_parser().parse_args([*argv])
    return int(args.run(args))


def test_a_segments_file_with_a_typo_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "segments.toml"
    bad.write_text('familes = ["core"]\n', encoding="utf-8")
    assert run("plan", str(bad), "--sandbox", "--contacts", "0", "--no-progress") == Exit.USAGE
    err = capsys.readouterr().err
    assert '"familes" is not a key of the segments file (did you mean families)' in err

    bad.write_text('competitor_domains = ["not a domain"]\n', encoding="utf-8")
    assert run("plan", str(bad), "--no-progress") == Exit.USAGE
    err = capsys.readouterr().err
    assert "competitor_domains: 'not a domain' is not a domain name" in err
    assert "Value error" not in err and "pydantic" not in err


def test_init_writes_a_file_plan_accepts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.toml"
    assert run("init", str(path), "--language", "zh") == Exit.OK
    assert run("init", str(path)) == Exit.USAGE  # never overwrites without --force
    from segment_lists.cli.segments_file import load_segments

    answers = load_segments(path)
    assert answers.language == "zh" and answers.families == ["core", "icp", "engagement"]


def test_plan_on_the_embedded_sandbox_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zh = tmp_path / "zh.toml"
    zh.write_text(SEGMENTS.read_text(encoding="utf-8").replace('language = "en"', 'language = "zh"'), "utf-8")
    code = run("plan", str(zh), "--sandbox", "--contacts", "200", "--no-estimate", "--json", "--check")
    assert code == Exit.PENDING
    body = json.loads(capsys.readouterr().out)
    names = [item["name"] for item in body["plan"]["items"]]
    assert "[核心] - 所有客户" in names and "[ICP] - 层级 1" in names and "[互动] - 高度活跃(90天内)" in names
    assert len({n.casefold() for n in names}) == len(names)
    assert body["plan"]["portal_id"] and body["status"]["portal"]["is_sandbox"] is True


@pytest.fixture
def limited_portal() -> RunningSandbox:
    config = SandboxConfig(
        tokens={
            TOKEN: None,
            "pat-na1-limited": ["crm.lists.read", "crm.objects.contacts.read", "crm.schemas.contacts.read"],
        }
    )
    with RunningSandbox(config) as running:
        yield running


def test_doctor_names_the_missing_scopes_and_the_fix(
    limited_portal: RunningSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUBSPOT_BASE_URL", limited_portal.base_url)
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-na1-limited")
    assert run("doctor", "--no-progress", "--skip-prerequisites") == Exit.DOCTOR
    out = capsys.readouterr().out
    assert "[ok  ] scope: segments: read" in out
    assert "[FAIL] scope: companies: read: the token lacks crm.objects.companies.read" in out
    # A legacy private app's token still works; the fix names the service key first, in HubSpot's words.
    assert 'fix: Add crm.objects.companies.read ("View company records") to your service key' in out
    assert "pat-na1-limited" not in out  # never the token

    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-na1-wrong")
    assert run("doctor", "--no-progress", "--json") == Exit.DOCTOR
    report = json.loads(capsys.readouterr().out)
    failed = [c for c in report["report"]["checks"] if c["verdict"] == "fail"]
    assert failed[0]["area"] == "token accepted" and "Development > Keys > Service keys" in failed[0]["fix"]

    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    assert run("doctor", "--no-progress", "--skip-prerequisites") == Exit.OK
    out = capsys.readouterr().out
    # The limits HubSpot reports in its headers (this portal: Professional), not the assumed tier.
    assert "[ok  ] rate limits: HubSpot reports 190 calls per 10 s, 625,000 a day (" in out
    assert "that is HubSpot's professional allowance" in out
    assert "[ok  ] per-list access: every list is visible to everyone (Enterprise only)" in out


@pytest.fixture
def service_key_portal() -> RunningSandbox:
    """A portal whose only credential is a service key without the company and workflow scopes."""
    granted = ["crm.lists.read", "crm.lists.write", "crm.objects.contacts.read", "settings.users.read", "content"]
    config = SandboxConfig(tokens={SERVICE_KEY: Credential(kind="service-key", scopes=granted)})
    with RunningSandbox(config) as running:
        yield running


def test_doctor_with_a_service_key_names_the_missing_scopes_in_hubspots_words(
    service_key_portal: RunningSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUBSPOT_BASE_URL", service_key_portal.base_url)
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", SERVICE_KEY)
    assert run("doctor", "--no-progress", "--skip-prerequisites", "--json") == Exit.DOCTOR
    checks = {c["area"]: c for c in json.loads(capsys.readouterr().out)["report"]["checks"]}
    # Not judged by its shape: a service key's format is undocumented (this one has no `pat-` prefix).
    assert checks["token"]["verdict"] == "ok"
    granted = {"segments: read", "contacts: read", "contact properties", "users", "marketing emails"}
    assert {area.removeprefix("scope: ") for area, c in checks.items() if c["verdict"] == "ok"} >= granted
    missing = {area.removeprefix("scope: "): c for area, c in checks.items() if c.get("missing_scope")}
    assert {area: c["missing_scope"] for area, c in missing.items()} == {
        "companies: read": "crm.objects.companies.read",
        "company properties": "crm.objects.companies.read",
        "teams": "settings.users.teams.read",
        "workflows": "automation",
    }
    assert missing["companies: read"]["verdict"] == "fail" and missing["workflows"]["verdict"] == "warning"
    assert 'lacks crm.objects.companies.read ("View company records")' in missing["companies: read"]["detail"]
    assert 'lacks automation ("Workflows")' in missing["workflows"]["detail"]
    fix = missing["companies: read"]["fix"]
    assert fix.startswith('Add crm.objects.companies.read ("View company records") to your service key')
    assert "Development > Keys > Service keys" in fix
    assert all("create a private app" not in (c.get("fix") or "").lower() for c in checks.values())

    # `init` checks the same token and names the same scopes, in the same words.
    assert run("init", "segments.toml") == Exit.OK
    out = capsys.readouterr().out
    assert "The HubSpot token is missing scopes:" in out
    assert 'needed: the token lacks crm.objects.companies.read ("View company records")' in out
    assert 'optional: the token lacks automation ("Workflows")' in out
    assert SERVICE_KEY not in out

    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "another-key")  # unknown to the portal: 401
    assert run("doctor", "--no-progress", "--json") == Exit.DOCTOR
    failed = [c for c in json.loads(capsys.readouterr().out)["report"]["checks"] if c["verdict"] == "fail"]
    assert failed[0]["area"] == "token accepted" and "service key" in failed[0]["fix"]


def test_doctor_without_a_token_says_how_to_get_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("doctor", "--no-progress") == Exit.DOCTOR
    out = capsys.readouterr().out
    assert "no HubSpot token configured" in out and "HUBSPOT_ACCESS_TOKEN" in out
    assert "Create a service key in HubSpot (Development > Keys > Service keys" in out
    assert 'crm.lists.write ("Create or update segments")' in out
    assert "private app" not in out.lower().replace("private-app token", "")

    assert run("init", "fresh.toml") == Exit.OK
    out = capsys.readouterr().out
    assert "No HubSpot token yet. Create a service key" in out and 'crm.lists.read ("View segments")' in out


def test_doctor_on_the_sandbox_reports_prerequisites(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("doctor", "--sandbox", "--contacts", "200", "--no-progress") == Exit.OK
    out = capsys.readouterr().out
    assert "[warn] prerequisites: Lifecycle stages need cleanup" in out
    assert "fix: Set a lifecycle stage for the contacts without one in HubSpot" in out
    assert "/fix-lifecycle-stages" not in out
    assert "ready" in out


@pytest.mark.slow
def test_apply_in_chinese_creates_chinese_names_and_verify_counts_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zh = tmp_path / "zh.toml"
    zh.write_text('families = ["engagement"]\nlanguage = "zh"\n', encoding="utf-8")
    config = SandboxConfig(processing_seconds=0.2)
    with RunningSandbox(config) as running:
        from segment_lists.sandbox import seed_demo

        seed_demo(running.sandbox, contacts=150, seed=3)
        common = ["--base-url", running.base_url, "--state-dir", str(tmp_path / "state"), "--no-progress"]
        assert run("apply", str(zh), "--yes", "--no-estimate", *common) == Exit.OK
        client = hubspot.HubSpot(access_token="x", host=running.base_url, base_url=running.base_url)
        names = {lst.name for lst in client.crm.lists.lists_api.do_search({"query": "", "count": 100}).lists}
        assert {"[互动] - 高度活跃(90天内)", "[互动] - 不活跃(6个月以上)", "[互动] - 从未互动"} <= names
        capsys.readouterr()
        assert run("verify", str(zh), "--json", *common) == Exit.OK  # engagement lists are disjoint
        body = json.loads(capsys.readouterr().out)
        assert len(body["counts"]["counts"]) == 3 and all(c["verdict"] != "not-found" for c in body["counts"]["counts"])
        assert body["exclusivity"]["overlapping_pairs"] == 0


# --- --json: one JSON object, errors included --------------------------------------------------------


def json_run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    """Run through `main` (argument errors included); stdout must be exactly one JSON object."""
    from segment_lists.cli.main import main

    with pytest.raises(SystemExit) as exited:
        main([*argv, "--json"])
    captured = capsys.readouterr()
    body = json.loads(captured.out)  # one object, nothing before or after it
    assert isinstance(body, dict)
    return int(exited.value.code or 0), body, captured.err


ERROR_KEYS = {"error", "what_did_not_happen", "fix", "exit_code"}


def test_json_errors_are_one_object_with_the_documented_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No token (HubSpot itself): a setup failure, exit 1, and the fix names the sandbox in CLI words.
    code, body, err = json_run(capsys, "plan", "--no-progress")
    assert code == Exit.FAILED and set(body) >= ERROR_KEYS and body["exit_code"] == code
    assert (
        "Not connected to HubSpot: no HUBSPOT_ACCESS_TOKEN" in body["error"]
        and body["what_did_not_happen"] == "nothing was changed"
    )
    assert "add --sandbox" in body["fix"]

    # Bad arguments (argparse): exit 2, still JSON.
    code, body, err = json_run(capsys, "restore", "not-an-id")
    assert code == Exit.USAGE and set(body) >= ERROR_KEYS and "list id" in body["error"]
    assert "usage: segment-lists restore" in err
    # An alias of a list id (issue 10: one id, one truth) is refused with the accepted form before any
    # portal call (no token is set here, so a call would have failed with "Not connected" instead).
    for alias, why in (("09", "leading zero"), ("\uff19", "not ASCII"), ("9 ", "spaces"), ("+9", "sign")):
        code, body, err = json_run(capsys, "restore", alias)
        assert code == Exit.USAGE and why in body["error"] and "ASCII digits without a leading zero" in body["error"]
        assert "Not connected" not in body["error"] + err

    # A bad segments file: exit 2.
    bad = tmp_path / "bad.toml"
    bad.write_text('familes = ["core"]\n', encoding="utf-8")
    code, body, _ = json_run(capsys, "plan", str(bad), "--no-progress")
    assert code == Exit.USAGE and "familes" in body["error"]

    # A run the journal does not know: exit 2, in the command line's words.
    code, body, _ = json_run(capsys, "rollback", "run-nope", "--sandbox", "--contacts", "30", "--no-progress")
    assert code == Exit.USAGE and "no apply run 'run-nope'" in body["error"]
    assert body["what_did_not_happen"] == "nothing more was deleted"

    # Not confirmed (no terminal, no --yes): exit 7 and an object that says so; nothing was created.
    zh = tmp_path / "engagement.toml"
    zh.write_text('families = ["engagement"]\n', encoding="utf-8")
    code, body, _ = json_run(capsys, "apply", str(zh), "--sandbox", "--no-estimate", "--no-progress")
    assert code == Exit.DECLINED and body["error"] == "not confirmed" and "--yes" in body["fix"]
    code, body, _ = json_run(capsys, "apply", str(zh), "--sandbox", "--yes", "--no-estimate", "--no-progress")
    assert code == Exit.OK and [item["outcome"] for item in body["result"]["items"]] == ["created"] * 3

    # Nothing to apply is not an error, and is still an object.
    code, body, _ = json_run(capsys, "apply", str(zh), "--sandbox", "--yes", "--no-estimate", "--no-progress")
    assert code == Exit.OK and body["result"] is None and "Nothing to apply" in body["message"]


def test_a_rate_limit_says_when_to_retry_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from segment_lists.cli.session import Exit as E
    from segment_lists.cli.session import report_failure
    from segment_lists.workflow.failures import Failure

    code = report_failure(
        argparse.Namespace(command="verify", json=True),
        Failure("HubSpot's rate limit was hit", "nothing was counted", "Retry in about 7 s.", 7.0, "portal"),
        E.FAILED,
    )
    body = json.loads(capsys.readouterr().out)
    assert code == 1 and body["retry_after"] == 7.0 and body["exit_code"] == 1


# --- honest status lines ---------------------------------------------------------------------------


def test_no_done_before_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    # No token: the failure comes before any "connecting" line.
    assert run("plan") == Exit.FAILED
    err = capsys.readouterr().err
    assert "Not connected to HubSpot: no HUBSPOT_ACCESS_TOKEN" in err and "connecting" not in err and "done:" not in err

    # A portal that does not answer: the step says it stopped, never "done".
    import socket

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    assert run("plan", "--base-url", f"http://127.0.0.1:{port}") == Exit.FAILED
    err = capsys.readouterr().err
    assert "stopped: connecting to the portal" in err and "done:" not in err


# --- doctor: which token, from where ------------------------------------------------------------------


def test_doctor_says_which_token_it_used_and_where_from(
    limited_portal: RunningSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HUBSPOT_BASE_URL", limited_portal.base_url)
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    assert run("doctor", "--no-progress", "--skip-prerequisites") == Exit.OK
    out = capsys.readouterr().out
    assert "[ok  ] token: used: the token from the environment variable HUBSPOT_ACCESS_TOKEN (not shown)" in out

    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN")
    (tmp_path / ".env").write_text(f"HUBSPOT_API_TOKEN={TOKEN}\n", encoding="utf-8")
    assert run("doctor", "--no-progress", "--skip-prerequisites") == Exit.OK
    out = capsys.readouterr().out
    assert f"used: the token from HUBSPOT_API_TOKEN in {(tmp_path / '.env').resolve()} (not shown)" in out

    # A portal that only takes its own token, and none is set: never "a token is configured".
    (tmp_path / ".env").unlink()
    assert run("doctor", "--no-progress", "--skip-prerequisites") == Exit.DOCTOR
    out = capsys.readouterr().out
    assert "[warn] token: no token is set" in out and "placeholder" in out
    assert "[FAIL] token accepted" in out and "[ok  ] token" not in out
    assert TOKEN not in out


def test_doctor_on_the_sandbox_names_its_own_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("doctor", "--sandbox", "--contacts", "30", "--no-progress", "--skip-prerequisites") == Exit.OK
    out = capsys.readouterr().out
    assert "[ok  ] token: used: the sandbox portal's own local token" in out
    assert "sandbox-local-token" not in out
