"""Settings from the environment and a `.env` file.

The HubSpot token is read here and nowhere else: never from a tool argument, never echoed. It is a
`SecretStr`, so it prints as `**********` in reprs, logs and validation errors.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from segment_lists.data.hubspot_limits import HUBSPOT_API, RateTier, is_hubspot_api
from segment_lists.portal.endpoints import ApiVersion
from segment_lists.workflow.dotenv import dotenv_path, is_yes, merged_environment

TOKEN_VARIABLES = ("HUBSPOT_ACCESS_TOKEN", "HUBSPOT_API_TOKEN")  # the second is the seed skill's name

ConfirmationPolicy = Literal["auto", "elicitation", "token", "refuse"]
# `serve` without a token: `auto` stands in the embedded sandbox (labelled in every result), `never`
# answers every tool with how to connect, `always` serves the sandbox even when a token is set.
SandboxMode = Literal["auto", "always", "never"]


class Settings(BaseModel):
    token: SecretStr | None = None
    # Where the token came from, said to the user (never the token): "the environment variable
    # HUBSPOT_ACCESS_TOKEN", "HUBSPOT_ACCESS_TOKEN in /path/.env", the sandbox's own, or a placeholder.
    token_source: str | None = None
    base_url: str = HUBSPOT_API
    state_dir: Path = Field(default_factory=lambda: default_state_dir())
    confirmation: ConfirmationPolicy = "auto"
    read_only: bool = False
    rate_tier: RateTier = "starter"
    # Which HubSpot API paths to call: "latest" (each API at its latest GA date version, e.g.
    # /crm/lists/2026-09) or "legacy" (the v3/v4 paths HubSpot stops supporting in 2027).
    api_version: ApiVersion = "latest"
    # Whether the portal has per-list team access (Enterprise): "auto" infers it from the daily API
    # allowance HubSpot reports; "yes" / "no" say so when that cannot tell (OAuth tokens get no Daily header).
    per_list_access: Literal["auto", "yes", "no"] = "auto"
    sandbox: bool = False
    sandbox_mode: SandboxMode = "auto"
    # The sandbox stands in because no token is set (serve's first run): results say how to connect.
    no_token_sandbox: bool = False
    # Streamable HTTP: the bearer token clients must send (never the HubSpot token), and host names
    # besides loopback that the DNS-rebinding check accepts (e.g. behind a reverse proxy).
    http_token: SecretStr | None = None
    http_allowed_hosts: list[str] = Field(default_factory=list)

    @property
    def is_hubspot(self) -> bool:
        return is_hubspot_api(self.base_url)


def default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "hubspot-segment-lists"


def load_settings(env: dict[str, str] | None = None, dotenv: Path | None = None, **overrides: object) -> Settings:
    """The process environment wins over `.env` (in the working directory unless given)."""
    environment = os.environ if env is None else env
    merged = merged_environment(environment, dotenv)
    token_name = next((name for name in TOKEN_VARIABLES if merged.get(name)), None)
    fields: dict[str, object] = {"token": SecretStr(merged[token_name]) if token_name else None}
    if token_name is not None:
        fields["token_source"] = (
            f"the environment variable {token_name}"
            if environment.get(token_name)
            else f"{token_name} in {dotenv_path(dotenv).resolve()}"
        )
    if merged.get("HUBSPOT_BASE_URL"):
        fields["base_url"] = merged["HUBSPOT_BASE_URL"]
    if merged.get("SEGMENT_LISTS_STATE_DIR"):
        fields["state_dir"] = Path(merged["SEGMENT_LISTS_STATE_DIR"])
    if merged.get("SEGMENT_LISTS_CONFIRMATION"):
        fields["confirmation"] = merged["SEGMENT_LISTS_CONFIRMATION"]
    if merged.get("SEGMENT_LISTS_READ_ONLY"):
        fields["read_only"] = is_yes(merged["SEGMENT_LISTS_READ_ONLY"])
    if merged.get("SEGMENT_LISTS_HTTP_TOKEN"):
        fields["http_token"] = SecretStr(merged["SEGMENT_LISTS_HTTP_TOKEN"])
    if merged.get("SEGMENT_LISTS_HTTP_ALLOWED_HOSTS"):
        fields["http_allowed_hosts"] = [h.strip() for h in merged["SEGMENT_LISTS_HTTP_ALLOWED_HOSTS"].split(",") if h]
    if merged.get("SEGMENT_LISTS_SANDBOX"):
        fields["sandbox_mode"] = merged["SEGMENT_LISTS_SANDBOX"].strip().lower()
    if merged.get("HUBSPOT_RATE_TIER"):
        fields["rate_tier"] = merged["HUBSPOT_RATE_TIER"]
    if merged.get("HUBSPOT_API_VERSION"):
        fields["api_version"] = merged["HUBSPOT_API_VERSION"].strip().lower()
    if merged.get("SEGMENT_LISTS_PER_LIST_ACCESS"):
        fields["per_list_access"] = merged["SEGMENT_LISTS_PER_LIST_ACCESS"].strip().lower()
    fields.update(overrides)
    return Settings.model_validate(fields)
