"""`segment-lists doctor`: is everything in place to build the library, and if not, what to fix.

Checks the token (present, accepted), connectivity, each scope by one cheap read per area (a missing
scope comes back as HubSpot's 403 naming it), the rate limits HubSpot reports in its answers'
X-HubSpot-RateLimit-* headers (the configured tier only when it sends none), the journal, and the portal's
prerequisites (the planner's warnings and open questions). A check fails only when the workflow
cannot work; what merely degrades it is a warning.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, SecretStr

from segment_lists.boundary.text import clean
from segment_lists.data.hubspot_limits import TIER_BURST
from segment_lists.data.hubspot_scopes import how_to_connect, scope_words, where_to_add
from segment_lists.domain.interview import Answers
from segment_lists.portal import (
    AuthenticationFailed,
    MissingScope,
    Portal,
    PortalError,
    PortalSettings,
    PortalUnavailable,
)
from segment_lists.portal.errors import TOKEN_REJECTED_FIX
from segment_lists.workflow.environment import TOKEN_VARIABLES, Settings
from segment_lists.workflow.failures import NoToken
from segment_lists.workflow.gather import per_list_access_of
from segment_lists.workflow.next_steps import PLAIN_STEPS, NextSteps, Step
from segment_lists.workflow.runtime import Runtime, open_runtime, sandbox_token

Verdict = Literal["ok", "warning", "fail"]


class Check(BaseModel):
    area: str
    verdict: Verdict
    detail: str
    fix: str | None = None
    missing_scope: str | None = None  # the scope to add, when that is the problem


class DoctorReport(BaseModel):
    checks: list[Check]
    portal_id: str | None = None
    seconds: float

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.verdict == "fail"]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.verdict == "warning"]


# (area, the scope to ask for, required?, the probe, what it is for). Property definitions need no scope of
# their own: HubSpot accepts the object's read scope (or any of ~100 others) for `GET /crm/properties/...`.
Probe = tuple[str, str, bool, Callable[[Runtime], Any], str]
PROBES: tuple[Probe, ...] = (
    ("segments: read", "crm.lists.read", True, lambda rt: next(rt.portal.iter_lists(), None), "inventory and verify"),
    ("contacts: read", "crm.objects.contacts.read", True, lambda rt: rt.portal.count("contacts"), "estimates"),
    ("companies: read", "crm.objects.companies.read", True, lambda rt: rt.portal.count("companies"), "ICP tiers"),
    ("contact properties", "crm.objects.contacts.read", True, lambda rt: rt.portal.properties("contacts"), "plan"),
    ("company properties", "crm.objects.companies.read", True, lambda rt: rt.portal.properties("companies"), "plan"),
    ("users", "settings.users.read", False, lambda rt: rt.portal.user_email_domains(), "your own email domains"),
    ("teams", "settings.users.teams.read", False, lambda rt: rt.portal.teams(), "edit access for teams"),
    ("workflows", "automation", False, lambda rt: rt.portal.workflows(), "the check before deleting a segment"),
    ("marketing emails", "content", False, lambda rt: rt.portal.marketing_emails(), "the check before deleting"),
)


def _token_check(settings: Settings, next_steps: NextSteps) -> Check:
    """Which token is used and where it came from (never the token itself)."""
    if settings.token is None:
        return Check(
            area="token",
            verdict="fail",
            detail=f"no HubSpot token configured: none of {', '.join(TOKEN_VARIABLES)} is set in the environment "
            "or in .env",
            fix=f"{how_to_connect()} Or, {next_steps(Step.SANDBOX)}.",
        )
    source = settings.token_source or "given by the program that started this check"
    if settings.sandbox:
        return Check(area="token", verdict="ok", detail=f"used: {source}")
    if settings.token.get_secret_value() == sandbox_token().get_secret_value():
        return Check(
            area="token",
            verdict="warning",
            detail=f"no token is set: {source}",
            fix="If the portal refuses it, set HUBSPOT_ACCESS_TOKEN to the token it expects (for a "
            "`segment-lists sandbox`, the one it was started with --token).",
        )
    # Never judged by its shape: service keys, private-app and OAuth tokens all work, and HubSpot
    # documents no format for any of them. The scope probes below say whether it can do the job.
    return Check(area="token", verdict="ok", detail=f"used: the token from {source} (not shown)")


def _probe(rt: Runtime, probe: Probe) -> Check:
    area, scope, required, call, purpose = probe
    try:
        call(rt)
    except MissingScope as error:
        # HubSpot names every scope that would do (any one is enough): ask for the one this tool
        # documents when it is among them, else HubSpot's first (the narrowest, read before write).
        named = error.scopes or [scope]
        wanted = scope if scope in named else named[0]
        others = [s for s in named if s != wanted]
        alternatives = f" (or any of {', '.join(others[:4])}{', ...' if len(others) > 4 else ''})" if others else ""
        return Check(
            area=f"scope: {area}",
            verdict="fail" if required else "warning",
            detail=f"the token lacks {scope_words(wanted)}{alternatives}, needed for {purpose}",
            fix=f"{where_to_add(wanted)}; then run doctor again.",
            missing_scope=wanted,
        )
    except PortalError as error:
        return Check(
            area=f"scope: {area}",
            verdict="fail" if required else "warning",
            detail=f"the probe failed: {clean(str(error), limit=300)}",
            fix="Run doctor again; if it persists, check HubSpot's status page.",
        )
    return Check(area=f"scope: {area}", verdict="ok", detail=f"{scope_words(scope)}: granted")


def diagnose(
    settings: Settings,
    answers: Answers | None = None,
    *,
    prerequisites: bool = True,
    next_steps: NextSteps = PLAIN_STEPS,
) -> DoctorReport:
    started = time.monotonic()
    checks = [_token_check(settings, next_steps)]
    if checks[0].verdict == "fail":
        return DoctorReport(checks=checks, seconds=round(time.monotonic() - started, 2))
    try:
        rt = open_runtime(settings, next_steps=next_steps)
    except NoToken as error:
        checks.append(Check(area="token", verdict="fail", detail=str(error)))
        return DoctorReport(checks=checks, seconds=round(time.monotonic() - started, 2))
    except AuthenticationFailed as error:
        checks.append(
            Check(
                area="token accepted",
                verdict="fail",
                detail=f"HubSpot refused the token: {clean(str(error), limit=300)}",
                fix=f"The token is wrong, expired or revoked. {TOKEN_REJECTED_FIX}",
            )
        )
        return DoctorReport(checks=checks, seconds=round(time.monotonic() - started, 2))
    except PortalUnavailable as error:
        checks.append(
            Check(
                area="connectivity",
                verdict="fail",
                detail=f"cannot reach {settings.base_url}: {clean(str(error), limit=300)}",
                fix="Check the network, a proxy (HTTPS_PROXY) or HUBSPOT_BASE_URL.",
            )
        )
        return DoctorReport(checks=checks, seconds=round(time.monotonic() - started, 2))
    except PortalError as error:
        checks.append(
            Check(
                area="connectivity",
                verdict="fail",
                detail=f"{settings.base_url} answered with an error: {clean(str(error), limit=300)}",
                fix="Check HUBSPOT_BASE_URL and the token.",
            )
        )
        return DoctorReport(checks=checks, seconds=round(time.monotonic() - started, 2))
    try:
        checks.append(
            Check(
                area="connectivity",
                verdict="ok",
                detail=f"{rt.ref.notice}; time zone {rt.time_zone}; it accepted the token",
            )
        )
        checks += [_probe(rt, probe) for probe in PROBES]
        checks.append(
            Check(
                area="scope: segments: write",
                verdict="ok" if settings.sandbox else "warning",
                detail="crm.lists.write cannot be checked without writing; apply says so at once if it is missing",
                fix=None if settings.sandbox else f"Make sure the token has {scope_words('crm.lists.write')}.",
            )
        )
        checks.append(_rate_check(rt, settings))
        checks.append(_access_check(rt))
        checks.append(Check(area="journal", verdict="ok", detail=f"writable at {settings.state_dir}"))
        if prerequisites and not any(c.verdict == "fail" for c in checks):
            checks += _prerequisites(rt, answers or Answers())
        return DoctorReport(checks=checks, portal_id=rt.portal_id, seconds=round(time.monotonic() - started, 2))
    finally:
        rt.close()


def credential_status(settings: Settings) -> list[str]:
    """What `init` says about the HubSpot token: how to get one, or which scopes it lacks, in HubSpot's
    words (the same checks as `doctor`, without the prerequisites)."""
    if settings.token is None and not settings.sandbox:
        return [f"No HubSpot token yet. {how_to_connect()}"]
    checks = diagnose(settings, prerequisites=False).checks
    unreachable = [c for c in checks if c.verdict == "fail" and not c.area.startswith("scope:")]
    if unreachable:
        return [f"Could not check the token: {unreachable[0].detail}.", f"  fix: {unreachable[0].fix}"]
    missing = [c for c in checks if c.missing_scope]
    if not missing:
        return ["The HubSpot token has every scope this tool uses."]
    lines = ["The HubSpot token is missing scopes:"]
    for check in missing:
        need = "needed" if check.verdict == "fail" else "optional"
        lines += [f"  {need}: {check.detail}", f"    fix: {check.fix}"]
    return lines


def _rate_check(rt: Runtime, settings: Settings) -> Check:
    stats = rt.portal.stats()
    learned = rt.portal.learned_limits()
    calls = f"{stats.total_calls} calls so far, {stats.rate_limited} answered 429"
    if learned.burst is not None:
        window = f"{learned.window_seconds:g} s" if learned.window_seconds else "10 s"
        daily = (
            f", {learned.daily:,} a day ({learned.daily_remaining:,} left today)"
            if learned.daily is not None and learned.daily_remaining is not None
            else " (no daily figure: an OAuth token has no daily limit)"
        )
        tier = f"; that is HubSpot's {learned.tier.replace('-', ' ')} allowance" if learned.tier else ""
        detail = (
            f"HubSpot reports {learned.burst} calls per {window}{daily}{tier}; the client paces itself by "
            f"these figures; {calls}"
        )
        verdict: Verdict = "warning" if stats.rate_limited else "ok"
        fix = "Another integration shares the portal's limits: run when it is quiet." if stats.rate_limited else None
        return Check(area="rate limits", verdict=verdict, detail=detail, fix=fix)
    burst = TIER_BURST[settings.rate_tier]
    detail = (
        f"HubSpot sent no rate-limit headers; assuming rate tier '{settings.rate_tier}': the client paces itself "
        f"below {burst} calls per 10 s; {calls}"
    )
    if stats.rate_limited:
        return Check(
            area="rate limits",
            verdict="warning",
            detail=detail,
            fix="Another integration shares the portal's limit, or the tier is set too high: set HUBSPOT_RATE_TIER "
            "to your subscription (free, starter, professional, enterprise, api-limit-increase).",
        )
    return Check(
        area="rate limits",
        verdict="ok",
        detail=detail + " (set HUBSPOT_RATE_TIER to your subscription for faster runs)",
    )


def _access_check(rt: Runtime) -> Check:
    available, how = per_list_access_of(rt)
    if available is None:
        return Check(
            area="per-list access",
            verdict="warning",
            detail=f"could not tell whether lists can be restricted to teams ({how})",
            fix="Set SEGMENT_LISTS_PER_LIST_ACCESS=yes on an Enterprise portal, =no otherwise.",
        )
    said = "lists can be restricted to teams" if available else "every list is visible to everyone (Enterprise only)"
    return Check(area="per-list access", verdict="ok", detail=f"{said} ({how})")


def _prerequisites(rt: Runtime, answers: Answers) -> list[Check]:
    from segment_lists.workflow.proposal import propose

    try:
        plan = propose(rt, answers, estimate=False)
    except PortalError as error:
        return [Check(area="prerequisites", verdict="warning", detail=f"could not plan: {clean(str(error))}")]
    checks = [
        Check(area="prerequisites", verdict="warning", detail=clean(w.message, limit=600), fix=_fix_for(w.code))
        for w in plan.warnings
    ]
    checks += [
        Check(
            area="segments file",
            verdict="warning",
            detail=clean(question, limit=600),
            fix="Answer it in the segments file (see `segment-lists init`).",
        )
        for question in plan.open_questions
    ]
    if not checks:
        checks.append(Check(area="prerequisites", verdict="ok", detail=f"plan {plan.plan_id} has no warnings"))
    return checks


FIXES = {
    "icp-property-missing": "Set the ICP tier on your companies in HubSpot (see the message), or name the "
    "property as icp_marker in the segments file.",
    "icp-tiers-unknown": "Give icp_marker.tier_values in the segments file.",
    "lifecycle-cleanup": "Set a lifecycle stage for the contacts without one in HubSpot (see the message).",
    "no-customer-stage": "Restore the Customer lifecycle stage in HubSpot (Settings > Objects > Contacts).",
    "property-sparse": "Fill the property (imports, workflows) or accept that lists miss those records.",
    "property-missing": "Create the property in HubSpot or leave that family out of the segments file.",
    "own-domains-assumed": "Confirm them as own_domains in the segments file.",
    "industry-unmapped": "Use HubSpot's industry words in the segments file's industries.",
    "team-unknown": "Fix the team names in edit_teams.",
}


def _fix_for(code: str) -> str | None:
    return FIXES.get(code)


def probe_portal(base_url: str, token: str) -> list[str]:
    """A few reads through the portal client (the official SDK), as proof that a portal answers like
    HubSpot: `segment-lists sandbox --check` runs them against the sandbox it started."""
    portal = Portal(PortalSettings(token=SecretStr(token), base_url=base_url))
    lines = [
        f"contacts (CRM search total): {portal.count('contacts')}",
        f"contact properties: {len(portal.properties('contacts'))}",
        f"lists: {len(portal.all_lists())}",
    ]
    learned = portal.learned_limits()
    if learned.burst is not None:
        daily = f", {learned.daily:,} a day" if learned.daily is not None else ""
        lines.append(
            f"rate limits (X-HubSpot-RateLimit-* headers): {learned.burst} per {learned.window_seconds:g} s{daily}"
        )
    return lines
