"""Account details, users and teams of a sandbox portal (the `users` and `teams` tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from segment_lists.sandbox.store import dumps, loads

if TYPE_CHECKING:
    from segment_lists.sandbox.instance import Sandbox

# Not in SandboxConfig: HubSpot's values for a standard North-America-hosted account.
UI_DOMAIN = "app.hubspot.com"
DATA_HOSTING_LOCATION = "na1"
ACCOUNT_TYPE = "STANDARD"

_TEAMS = ((101, "Marketing"), (102, "Sales"), (103, "RevOps"))
# (user id, local part, primary team, secondary teams, super admin)
_USERS = (
    (1001, "admin", None, (), True),
    (1002, "maria.marketing", 101, (), False),
    (1003, "sam.sales", 102, (), False),
    (1004, "riley.revops", 103, (101,), False),
    (1005, "devon.demand", 101, (102,), False),
)


def ensure_users_and_teams(sandbox: Sandbox) -> None:
    """Seed a few users and teams once (idempotent)."""
    store = sandbox.store
    if store.meta_get("settings:seeded") == "1":
        return
    domain = sandbox.config.company_domain
    with store.transaction() as db:
        for user_id, local, primary, secondary, admin in _USERS:
            user: dict[str, Any] = {
                "id": str(user_id),
                "email": f"{local}@{domain}",
                "roleIds": [],
                "secondaryTeamIds": [str(t) for t in secondary],
                "superAdmin": admin,
            }
            if primary is not None:
                user["primaryTeamId"] = str(primary)
            db.execute("INSERT OR IGNORE INTO users (id, data) VALUES (?, ?)", (user_id, dumps(user)))
        for team_id, name in _TEAMS:
            members = [str(u[0]) for u in _USERS if u[2] == team_id]
            secondary_members = [str(u[0]) for u in _USERS if team_id in u[3]]
            team = {
                "id": str(team_id),
                "name": name,
                "userIds": members,
                "secondaryUserIds": secondary_members,
            }
            db.execute("INSERT OR IGNORE INTO teams (id, data) VALUES (?, ?)", (team_id, dumps(team)))
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('settings:seeded', '1')")


def users(sandbox: Sandbox) -> list[dict[str, Any]]:
    ensure_users_and_teams(sandbox)
    with sandbox.store.read() as db:
        return [loads(r["data"]) for r in db.execute("SELECT data FROM users ORDER BY id")]


def teams(sandbox: Sandbox) -> list[dict[str, Any]]:
    ensure_users_and_teams(sandbox)
    with sandbox.store.read() as db:
        return [loads(r["data"]) for r in db.execute("SELECT data FROM teams ORDER BY id")]


def account_details(sandbox: Sandbox) -> dict[str, Any]:
    offset = sandbox.clock.now().astimezone(sandbox.clock.zone).utcoffset()
    offset_ms = int(offset.total_seconds() * 1000) if offset is not None else 0
    sign = "-" if offset_ms < 0 else "+"
    minutes = abs(offset_ms) // 60000
    return {
        "portalId": sandbox.config.portal_id,
        "accountType": ACCOUNT_TYPE,
        "timeZone": sandbox.config.time_zone,
        "companyCurrency": sandbox.config.currency,
        "additionalCurrencies": [],
        "utcOffset": f"{sign}{minutes // 60:02d}:{minutes % 60:02d}",
        "utcOffsetMilliseconds": offset_ms,
        "uiDomain": UI_DOMAIN,
        "dataHostingLocation": DATA_HOSTING_LOCATION,
    }
