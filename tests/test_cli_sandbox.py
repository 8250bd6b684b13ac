"""The README's first command, as a new user runs it."""

from __future__ import annotations

import subprocess
import sys


def test_sandbox_check_serves_the_official_sdk() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "segment_lists", "sandbox", "--check", "--contacts", "300"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Sandbox HubSpot portal serving at http://127.0.0.1:" in out
    assert "Any bearer token is accepted" in out
    assert "contacts (CRM search total): 300" in out
    assert "lists: 3" in out  # the demo portal's pre-existing lists


def test_sandbox_with_token_says_so() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "segment_lists", "sandbox", "--check", "--contacts", "0", "--token", "t-123"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Only the bearer token given with --token is accepted." in result.stdout
    assert "t-123" not in result.stdout  # the token is never printed back
