"""Answers + portal facts -> a Plan: what to create, reuse, rename, or ask about, and why.

A pure function of its inputs. The workflow gathers the facts (`facts_needed` says which), calls
`build_plan`, then fills in size estimates. The plan id depends only on the portal, the answers and
the planned definitions and actions, so the same situation always gets the same id.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from segment_lists.boundary.text import clean, quoted
from segment_lists.domain.catalog import (
    SIGNAL_PROPERTIES,
    CatalogContext,
    ExclusivityGroup,
    IcpLocation,
    IndustryMapping,
    Segment,
    catalog_segments,
    choose_regions,
    choose_sizes,
    exclusivity_groups,
)
from segment_lists.domain.clashes import Evidence, decide
from segment_lists.domain.definitions import definition_issues, refusal
from segment_lists.domain.facts import PortalFacts
from segment_lists.domain.industries import map_industries
from segment_lists.domain.interview import Answers
from segment_lists.domain.plan import APPLICABLE_ACTIONS, ListAccess, Plan, PlanItem, PlanWarning, Prerequisites
from segment_lists.filters import describe

# Where ICP tiers are usually kept, most likely first (DESIGN.md section 4).
ICP_CANDIDATES: tuple[tuple[Literal["contact", "company"], str], ...] = (
    ("company", "hs_ideal_customer_profile"),
    ("company", "icp_tier"),
    ("company", "company_segment"),
    ("contact", "icp_tier"),
    ("contact", "company_segment"),
    ("contact", "hs_ideal_customer_profile"),
)
SPARSE_FILL_RATE = 0.5
FREE_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "yahoo.com",
        "icloud.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "live.com",
    }
)


class FactsRequest(BaseModel):
    """Which counts the planner wants: `object.property` names (`values`: which option values are in
    use, for the options `values_worth_counting` names)."""

    fill: list[str] = Field(default_factory=list)
    values: list[str] = Field(default_factory=list)


def facts_needed(answers: Answers, properties: dict[str, set[str]] | None = None) -> FactsRequest:
    """The counts `build_plan` uses. `properties` (object -> names present) skips what does not exist."""
    fill = ["contact.lifecyclestage", "contact.associatedcompanyid"]
    values = ["contact.lifecyclestage"]
    if "icp" in answers.families:
        if answers.icp_marker is not None:
            fill.append(f"{answers.icp_marker.object}.{answers.icp_marker.property}")
        else:
            fill += [f"{obj}.{name}" for obj, name in ICP_CANDIDATES]
    if "industries" in answers.families:
        fill.append("company.industry")
        if answers.industries:
            values.append("company.industry")
    if "size" in answers.families:
        fill.append("company.numberofemployees")
    if "regions" in answers.families:
        fill.append("contact.country")
    if "engagement" in answers.families:
        fill += [f"contact.{SIGNAL_PROPERTIES[signal.kind]}" for signal in answers.signals]
    if "core" in answers.families and answers.partner_marker is not None:
        fill.append(f"{answers.partner_marker.object}.{answers.partner_marker.property}")
    if properties is not None:

        def exists(name: str) -> bool:
            obj, prop = name.split(".", 1)
            return prop in properties.get(obj, set())

        fill = [name for name in fill if exists(name)]
        values = [name for name in values if exists(name)]
    return FactsRequest(fill=list(dict.fromkeys(fill)), values=values)


def values_worth_counting(key: str, options: dict[str, str], answers: Answers) -> list[str]:
    """The option values of `key` whose counts the plan uses, not every option: the customer stage(s)
    (the All Customers list) and custom lifecycle stages (numeric ids, named in the cleanup warning);
    the industries the user's words map to (an empty industry list is warned about)."""
    if key == "contact.lifecyclestage":
        return list(dict.fromkeys([*_stage_values(options), *(value for value in options if value.isdigit())]))
    if key == "company.industry":
        return [value for mapping in map_industries(answers.industries, options) for value in mapping.values]
    return list(options)


def _stage_values(options: dict[str, str]) -> list[str]:
    """The lifecycle stage value(s) meaning Customer: `customer`, else an option labelled so."""
    if not options or "customer" in options:
        return ["customer"]
    return [value for value, label in options.items() if label.strip().lower() == "customer"]


def build_plan(answers: Answers, facts: PortalFacts, evidence: dict[str, Evidence] | None = None) -> Plan:
    """`evidence`: what the workflow found out about the existing lists that clash with items (who uses
    them, how a merge changes their members), by list id; it shapes the recommendations, never the
    actions, so the plan id does not depend on it."""
    warnings: list[PlanWarning] = []
    icp, icp_how = _detect_icp(answers, facts, warnings)
    industries = _map_industries(answers, facts, warnings)
    own_domains, own_source = _own_domains(answers, facts, warnings)
    customer_stages = _customer_stages(facts, warnings)
    context = CatalogContext(
        zone=facts.time_zone,
        icp=icp,
        industries=industries,
        own_domains=own_domains,
        customer_stages=customer_stages,
        partner_candidates=_partner_candidates(facts),
    )
    segments = catalog_segments(answers, context)
    groups = exclusivity_groups(segments)
    prerequisites = Prerequisites(
        icp=icp,
        icp_how=icp_how,
        own_domains=own_domains,
        own_domains_source=own_source,
        lifecycle_stages_in_use=facts.value_counts.get("contact.lifecyclestage", {}),
        lifecycle_stage_labels=_stage_labels(facts),
        fill_rates=_fill_rates(facts),
    )
    _lifecycle_warnings(facts, warnings)
    _fill_warnings(answers, facts, icp, warnings)
    items = [_item(segment, facts, groups, answers, evidence) for segment in segments]
    _dedupe_planned_names(items)
    _check_definitions(items, facts, warnings)
    _partial_family_notes(answers, warnings)
    unknown = sorted(set(answers.choices) - {item.key for item in items})
    if unknown:
        warnings.append(
            PlanWarning(
                code="choice-unknown-item",
                message=f"The choices name no item of this plan: {', '.join(unknown)} (items: "
                + ", ".join(item.key for item in items)
                + "). Nothing was done with them; check the keys.",
            )
        )
    team_ids = _team_ids(answers, facts, warnings)
    access_note = _access(items, answers, facts, team_ids, warnings)
    open_questions = [item.question for item in items if item.question]
    plan = Plan(
        plan_id="",
        portal_id=facts.portal_id,
        is_sandbox=facts.is_sandbox,
        answers=answers,
        items=items,
        groups=groups,
        prerequisites=prerequisites,
        industry_mapping=industries,
        warnings=warnings,
        open_questions=list(dict.fromkeys(open_questions)),
        folder=answers.folder,
        edit_team_ids=team_ids,
        access_note=access_note,
    )
    plan.plan_id = plan_id(plan)
    return plan


def plan_id(plan: Plan) -> str:
    """Stable across estimates and wording: portal, answers, and each item's name, definition and action."""
    material = {
        "portal": plan.portal_id,
        "answers": plan.answers.model_dump(mode="json"),
        "items": [
            [
                item.key,
                item.name,
                item.processing_type,
                item.filter_branch,
                item.static_domains,
                item.action,
                item.existing_list_id,
                item.access.team_ids,
                item.rename_existing_to,
            ]
            for item in plan.items
        ],
    }
    digest = hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
    return f"plan-{digest[:16]}"


# --- prerequisites ---------------------------------------------------------------------------------


def _tier_values(options: dict[str, str]) -> list[str] | None:
    found = []
    for number in (1, 2, 3):
        pattern = re.compile(rf"tier[\s_\-]*{number}\b|\bt{number}\b", re.IGNORECASE)
        match = next(
            (value for value, label in options.items() if pattern.search(value) or pattern.search(label)),
            None,
        )
        if match is None:
            return None
        found.append(match)
    return found


def _detect_icp(answers: Answers, facts: PortalFacts, warnings: list[PlanWarning]) -> tuple[IcpLocation | None, str]:
    if "icp" not in answers.families:
        return None, ""
    marker = answers.icp_marker
    if marker is not None:
        prop = facts.properties(marker.object).get(marker.property)
        if prop is None:
            warnings.append(
                PlanWarning(
                    code="icp-property-missing",
                    segment_keys=["icp"],
                    message=f"The {marker.object} property {quoted(marker.property)} you named for "
                    "the ICP tier does not exist in this portal.",
                )
            )
            return None, ""
        values = marker.tier_values or _tier_values(prop.options)
        if values is None:
            warnings.append(
                PlanWarning(
                    code="icp-tiers-unknown",
                    segment_keys=["icp"],
                    message=f"Could not tell which options of {quoted(marker.property)} are Tier 1, "
                    "2 and 3; give them as tier_values.",
                )
            )
            return None, ""
        return IcpLocation(
            property=marker.property,
            object=marker.object,
            tier_values=values,
            tier_labels=[prop.options.get(v, v) for v in values],
        ), "named in the interview"
    for obj, name in ICP_CANDIDATES:
        prop = facts.properties(obj).get(name)
        if prop is None or not facts.fill_counts.get(f"{obj}.{name}"):
            continue
        values = _tier_values(prop.options)
        if values is None:
            continue
        return (
            IcpLocation(
                property=name,
                object=obj,
                tier_values=values,
                tier_labels=[prop.options.get(v, v) for v in values],
            ),
            f"detected: the {obj} property {quoted(prop.label)} ({name}) is filled and has Tier 1-3 options",
        )
    warnings.append(
        PlanWarning(
            code="icp-property-missing",
            segment_keys=["icp"],
            message=_icp_missing(facts),
        )
    )
    return None, ""


def _icp_missing(facts: PortalFacts) -> str:
    """What is wrong with the ICP tier, with counts, and what to do in HubSpot. HubSpot's default company
    property 'Ideal Customer Profile Tier' (hs_ideal_customer_profile, Tier 1-3) is the usual home:
    https://knowledge.hubspot.com/properties/hubspots-default-company-properties"""
    found = []
    for obj, name in ICP_CANDIDATES:
        prop = facts.properties(obj).get(name)
        if prop is None:
            continue
        if _tier_values(prop.options) is None:
            found.append(f"the {obj} property {quoted(prop.label)} ({name}) has no Tier 1/2/3 options")
            continue
        total = facts.total_companies if obj == "company" else facts.total_contacts
        filled = facts.fill_counts.get(f"{obj}.{name}", 0)
        records = "companies" if obj == "company" else "contacts"
        found.append(f"the {obj} property {quoted(prop.label)} ({name}) is set on {filled} of {total} {records}")
    what = (
        "No ICP tier is set in this portal: " + "; ".join(found)
        if found
        else "No ICP tier property exists in this portal (looked for "
        + ", ".join(f"{obj}.{name}" for obj, name in ICP_CANDIDATES)
        + ")"
    )
    return (
        what + ". In HubSpot, give each company its tier in the company property 'Ideal Customer Profile Tier' "
        "(hs_ideal_customer_profile: Tier 1, 2, 3) by hand, by import or with a workflow, or create your own "
        "dropdown property with Tier 1/2/3 options (Settings > Properties) and name it as icp_marker. "
        "The ICP lists wait for it; every other list is planned now."
    )


def _map_industries(answers: Answers, facts: PortalFacts, warnings: list[PlanWarning]) -> list[IndustryMapping]:
    if "industries" not in answers.families or not answers.industries:
        return []
    prop = facts.company_properties.get("industry")
    options = prop.options if prop is not None else {}
    mappings = map_industries(answers.industries, options)
    # Counted only for the mapped values; absent when not counted (e.g. a plan without estimates' facts).
    counted = "company.industry" in facts.value_counts
    counts = facts.value_counts.get("company.industry", {})
    for mapping in mappings:
        if not mapping.values:
            warnings.append(
                PlanWarning(
                    code="industry-unmapped",
                    segment_keys=[f"industry.{mapping.word}"],
                    message=f"{quoted(mapping.word)} matches none of the portal's industry values.",
                )
            )
        elif counted and not any(counts.get(value) for value in mapping.values):
            warnings.append(
                PlanWarning(
                    code="industry-empty",
                    message=(
                        f"No company has an industry mapped from {quoted(mapping.word)} "
                        f"({', '.join(mapping.labels)}); the list would be empty."
                    ),
                )
            )
    return mappings


def _own_domains(
    answers: Answers, facts: PortalFacts, warnings: list[PlanWarning]
) -> tuple[list[str], Literal["answers", "portal users", "none"]]:
    if answers.own_domains:
        return list(answers.own_domains), "answers"
    if "users" in facts.unread and "core" in answers.families:
        warnings.append(
            PlanWarning(
                code="users-unread",
                segment_keys=["core.internal"],
                message=(
                    f"Could not read the portal's users ({facts.unread['users']}), so your own email domains "
                    "cannot be suggested from them: give own_domains for the Internal Employees list, or add "
                    "the scope settings.users.read and propose again."
                ),
            )
        )
    candidates = [domain for domain in facts.user_email_domains if domain not in FREE_EMAIL_DOMAINS]
    if candidates and "core" in answers.families:
        warnings.append(
            PlanWarning(
                code="own-domains-assumed",
                segment_keys=["core.internal"],
                message=(
                    "Your own email domains were taken from the portal's users: "
                    + ", ".join(candidates)
                    + ". Confirm them, or give own_domains."
                ),
            )
        )
        return candidates, "portal users"
    return [], "none"


def _stage_labels(facts: PortalFacts) -> dict[str, str]:
    """The portal's label of each stage in use (custom stages' values are numeric ids)."""
    prop = facts.contact_properties.get("lifecyclestage")
    options = prop.options if prop is not None else {}
    in_use = facts.value_counts.get("contact.lifecyclestage", {})
    return {value: options[value] for value in in_use if options.get(value)}


def _customer_stages(facts: PortalFacts, warnings: list[PlanWarning]) -> list[str]:
    prop = facts.contact_properties.get("lifecyclestage")
    by_label = _stage_values(prop.options if prop is not None else {})
    if by_label:
        return by_label
    warnings.append(
        PlanWarning(
            code="no-customer-stage",
            segment_keys=["core.customers"],
            message=(
                "The lifecycle stage 'Customer' is not among this portal's lifecycle stages, so the All Customers "
                "list would match no one. In HubSpot, restore the Customer stage (Settings > Objects > Contacts > "
                "Lifecycle stage), then plan again; every other list is planned now."
            ),
        )
    )
    return ["customer"]


def _partner_candidates(facts: PortalFacts) -> list[str]:
    """Enumeration options that look like a partner marker: proposed to the user, never applied silently."""
    found = []
    for obj in ("contact", "company"):
        for prop in facts.properties(obj).values():
            for value, label in prop.options.items():
                if re.search(r"partner|reseller", label, re.IGNORECASE) and prop.name != "lifecyclestage":
                    found.append(f"{obj} property {quoted(prop.label)} ({prop.name}) = {quoted(label)} ({value})")
    return found


def _fill_rates(facts: PortalFacts) -> dict[str, float]:
    rates = {}
    for key in facts.fill_counts:
        obj, prop = key.split(".", 1)
        rate = facts.fill_rate(obj, prop)
        if rate is not None:
            rates[key] = round(rate, 4)
    return rates


def _lifecycle_warnings(facts: PortalFacts, warnings: list[PlanWarning]) -> None:
    in_use = facts.value_counts.get("contact.lifecyclestage")
    filled = facts.fill_counts.get("contact.lifecyclestage")
    if (in_use is None and filled is None) or facts.total_contacts == 0:
        return
    in_use = in_use or {}
    prop = facts.contact_properties.get("lifecyclestage")
    labels = prop.options if prop else {}
    total = facts.total_contacts
    # Contacts with no stage: the fill count says it exactly (only some stages are counted).
    missing = total - (filled if filled is not None else sum(in_use.values()))
    problems = []
    fixes = []
    if missing > 0:
        problems.append(f"{missing} of {total} contacts ({missing / total:.0%}) have no lifecycle stage")
        fixes.append(
            "filter the contacts view by 'Lifecycle stage is unknown' and set their stage (bulk edit, an import "
            "or a workflow)"
        )
    custom = {value: count for value, count in in_use.items() if value.isdigit() and count}
    for value, count in custom.items():
        problems.append(f"{count} contacts are in the custom stage {quoted(labels.get(value, value))}")
    if custom:
        fixes.append(
            "check that the custom stages are meant as stages, and move contacts that are customers to Customer "
            "(Settings > Objects > Contacts > Lifecycle stage)"
        )
    if problems:
        # https://knowledge.hubspot.com/object-settings/create-and-customize-lifecycle-stages
        warnings.append(
            PlanWarning(
                code="lifecycle-cleanup",
                segment_keys=["core.customers"],
                message=(
                    "Lifecycle stages need cleanup: "
                    + "; ".join(problems)
                    + ". In HubSpot, "
                    + "; and ".join(fixes)
                    + ". Until then '[Core] - All Customers' holds only contacts whose stage is Customer; "
                    "the plan goes ahead."
                ),
            )
        )


def _fill_warnings(answers: Answers, facts: PortalFacts, icp: IcpLocation | None, warnings: list[PlanWarning]) -> None:
    checks: list[tuple[str, str, list[str]]] = [("contact", "lifecyclestage", ["core.customers"])]
    if icp is not None:
        checks.append((icp.object, icp.property, ["icp"]))
    if "industries" in answers.families:
        checks.append(("company", "industry", ["industries"]))
    if "size" in answers.families:
        checks.append(("company", "numberofemployees", ["size"]))
    if "regions" in answers.families:
        checks.append(("contact", "country", ["regions"]))
    for obj, name, keys in checks:
        prop = facts.properties(obj).get(name)
        if prop is None:
            warnings.append(
                PlanWarning(
                    code="property-missing",
                    segment_keys=keys,
                    message=f"The {obj} property {quoted(name)} does not exist in this portal.",
                )
            )
            continue
        rate = facts.fill_rate(obj, name)
        if rate is not None and rate < SPARSE_FILL_RATE:
            warnings.append(
                PlanWarning(
                    code="property-sparse",
                    segment_keys=keys,
                    message=(
                        f"Only {rate:.0%} of {obj}s have {quoted(prop.label)} ({name}) filled; "
                        "lists that depend on it will miss the rest."
                    ),
                )
            )


def _team_ids(answers: Answers, facts: PortalFacts, warnings: list[PlanWarning]) -> list[int]:
    ids: list[int] = []
    if answers.edit_teams and "teams" in facts.unread:
        warnings.append(
            PlanWarning(
                code="teams-unread",
                message=(
                    f"Could not read the portal's teams ({facts.unread['teams']}), so the lists will be created "
                    f"without edit access for {', '.join(quoted(t) for t in answers.edit_teams)}. Add the scope "
                    "settings.users.teams.read and propose again to give those teams access."
                ),
            )
        )
        return ids
    lowered = {name.lower(): team_id for name, team_id in facts.teams.items()}
    for team in answers.edit_teams:
        team_id = lowered.get(team.strip().lower())
        if team_id is None:
            warnings.append(
                PlanWarning(
                    code="team-unknown",
                    message=(
                        f"No team named {quoted(team)} in this portal "
                        f"(teams: {', '.join(quoted(t) for t in sorted(facts.teams)) or 'none'})."
                    ),
                )
            )
        else:
            ids.append(team_id)
    return ids


# --- what the portal accepts ---------------------------------------------------------------------------

# Actions whose definition would be sent: a new list's (create, move-aside), an existing list's new
# filters (merge), and a clash still open (its options may create or merge).
SENT_ACTIONS = frozenset({"create", "move-aside", "merge", "conflict"})


def _check_definitions(items: list[PlanItem], facts: PortalFacts, warnings: list[PlanWarning]) -> None:
    """A definition this portal would refuse becomes `needs-input`: the exact reason, and what to answer."""
    for item in items:
        if item.filter_branch is None or item.action not in SENT_ACTIONS:
            continue
        issues = definition_issues(item.filter_branch, facts, item.object_type_id)
        if not issues:
            continue
        reason = clean(refusal(issues), limit=1500)  # names the portal's own option values: CRM text
        item.action, item.reason = "needs-input", reason
        item.question = f"{item.name}: {reason}. {_fix_question(item, facts)}"
        warnings.append(
            PlanWarning(code="definition-refused", segment_keys=[item.key], message=f"{item.name}: {reason}.")
        )


def _fix_question(item: PlanItem, facts: PortalFacts) -> str:
    if item.key == "core.partners":
        candidates = _partner_candidates(facts)
        found = f" Candidates found in this portal: {'; '.join(candidates)}." if candidates else ""
        return (
            "Which property marks partners here? Name it and its partner value(s) as partner_marker: a contact "
            "property, or a company property such as HubSpot's 'Type' (type) = Partner (PARTNER) with "
            'object = "company".' + found
        )
    if item.family == "icp":
        return "Name the ICP tier property this portal has, with its Tier 1/2/3 option values, as icp_marker."
    if item.family == "industries":
        return "Name industries that match the portal's industry values."
    return "Create the missing property in HubSpot, or leave this family out of the answers."


def _access(
    items: list[PlanItem], answers: Answers, facts: PortalFacts, team_ids: list[int], warnings: list[PlanWarning]
) -> str:
    """Who will see and edit each list, in HubSpot's modes, and the plan's sentence about it. Access is
    set only where the portal has per-list access (Enterprise), and lists every team needs as
    exclusions are never restricted silently."""
    how = f" ({facts.per_list_access_how})" if facts.per_list_access_how else ""
    if facts.per_list_access is False:
        if team_ids:
            warnings.append(
                PlanWarning(
                    code="per-list-access-unavailable",
                    message="Edit access for teams cannot be set: per-list access is an Enterprise feature and "
                    f"this portal does not have it{how}. Nothing about access is sent.",
                )
            )
        return f"This portal has no per-list access{how}: every list is visible to and editable by everyone."
    if facts.per_list_access is None:
        if team_ids:
            warnings.append(
                PlanWarning(
                    code="per-list-access-unknown",
                    message="Could not tell whether this portal has per-list access (an Enterprise feature); "
                    "access is not set. Set it in HubSpot (the segment's Access tab), or set "
                    "SEGMENT_LISTS_PER_LIST_ACCESS=yes if this portal is on Enterprise.",
                )
            )
        return f"Per-list access could not be confirmed for this portal{how}: lists stay visible to everyone."
    if not team_ids:
        return f"This portal has per-list access{how}; no teams were named, so every list stays visible to everyone."
    names = {team_id: name for name, team_id in facts.teams.items()}
    restricted = ListAccess(mode="teams", team_ids=team_ids, team_names=[names.get(i, str(i)) for i in team_ids])
    kept: list[str] = []
    for item in items:
        if item.action in TAKEN_OVER:
            continue  # an existing list keeps the access it has: nothing about access is sent for it
        shared = item.key in EXCLUSION_LISTS
        if shared and not answers.restrict_exclusion_lists:
            kept.append(item.name)
            continue
        item.access = restricted
        if shared:
            warnings.append(
                PlanWarning(
                    code="exclusion-list-restricted",
                    segment_keys=[item.key],
                    message=f"{item.name} will be hidden from every team but {', '.join(restricted.team_names)}: "
                    "other teams' emails and workflows can then no longer exclude it.",
                )
            )
    note = f"Per-list access{how}: {restricted.describe()}."
    if kept:
        note += (
            f" {', '.join(kept)} stay visible to everyone: every team's sends need them as exclusions "
            "(answer restrict_exclusion_lists: true to restrict them too)."
        )
    return note


# Lists every team's sends need as exclusions: restricting them hides them from the other teams.
EXCLUSION_LISTS = frozenset({"core.suppressed", "core.internal"})
# Actions that create no list: access is only ever set on a list this tool creates.
TAKEN_OVER = frozenset({"reuse", "adopt", "merge", "skip"})


# --- matching against what exists ------------------------------------------------------------------


def _item(
    segment: Segment,
    facts: PortalFacts,
    groups: list[ExclusivityGroup],
    answers: Answers,
    evidence: dict[str, Evidence] | None,
) -> PlanItem:
    # Labels under plain and object-qualified names ("0-2.industry"): the company's `industry` is an
    # enumeration with labels (MACHINERY reads "Machinery") while the contact's is free text, so the
    # qualified name keeps a company branch in the company's words (contact labels win the plain name).
    labels: dict[str, str] = {}
    options: dict[str, dict[str, str]] = {}
    for qualifier, properties in (("0-2", facts.company_properties), ("0-1", facts.contact_properties)):
        for name, prop in properties.items():
            for key in (name, f"{qualifier}.{name}"):
                labels[key] = prop.label
                if prop.options:
                    options[key] = prop.options

    def words(branch: dict[str, Any] | None) -> str:
        return describe(branch, property_labels=labels, option_labels=options) if branch else "no filters"

    if segment.filter_branch is not None:
        description = words(segment.filter_branch)
    elif segment.processing_type == "MANUAL":
        description = (
            "static list of contacts whose email domain is " + ", ".join(segment.static_domains)
            if segment.static_domains
            else "static list, members added by hand"
        )
    else:
        description = "to be defined"
    expected = None
    if facts.total_contacts:
        low, high = segment.expected_share
        expected = (int(low * facts.total_contacts), int(round(high * facts.total_contacts)))
    choice = answers.choices.get(segment.key)
    if segment.needs_input:
        decision = None
    else:
        decision = decide(segment, facts.existing_lists, choice, describe=words, evidence=evidence)
    acts_on_existing = decision is not None and decision.action in {"reuse", "adopt", "merge", "move-aside", "conflict"}
    return PlanItem(
        key=segment.key,
        family=segment.family,
        category=segment.category,
        segment=segment.segment,
        name=(decision.name if decision is not None and decision.name else segment.name),
        catalog_name=segment.name,
        processing_type=segment.processing_type,
        filter_branch=segment.filter_branch,
        description=description,
        static_domains=segment.static_domains,
        action=decision.action if decision is not None else "needs-input",
        reason=decision.reason if decision is not None else segment.needs_input or "",
        existing_list_id=decision.existing.list_id if acts_on_existing and decision and decision.existing else None,
        clash=decision.clash if decision is not None else None,
        choice=choice,
        rename_existing_to=decision.rename_existing_to if decision is not None else None,
        question=segment.needs_input or (decision.reason if decision and decision.action == "conflict" else None),
        expected_range=expected,
        notes=segment.notes,
        exclusivity_groups=[group.name for group in groups if segment.key in group.members],
    )


def _claims(item: PlanItem) -> list[str]:
    """The names applying this item gives lists: a new list's, and an existing list's new name."""
    names = [item.name] if item.action in {"create", "move-aside"} else []
    return names + ([item.rename_existing_to] if item.rename_existing_to else [])


def _dedupe_planned_names(items: list[PlanItem]) -> None:
    """Two items must not end up with one name, nor act on one existing list: the later one waits."""
    claimed: dict[str, str] = {}
    taken_over: dict[str, str] = {}
    for item in items:
        if item.action not in APPLICABLE_ACTIONS:
            continue
        names = [name.strip().casefold() for name in _claims(item)]
        target = item.existing_list_id
        other = next((claimed[name] for name in names if name in claimed), None)
        if other is not None:
            reason = f"item {other} already plans the name {quoted(item.name)}; answer one of them differently"
        elif target is not None and target in taken_over:
            reason = f"list {target} is already planned for item {taken_over[target]}; answer one of them differently"
        else:
            claimed.update(dict.fromkeys(names, item.key))
            if target is not None:
                taken_over[target] = item.key
            continue
        item.action, item.reason, item.question = "conflict", reason, reason


def _partial_family_notes(answers: Answers, warnings: list[PlanWarning]) -> None:
    """Say when a partition family was asked for in part: its remainder list keeps it a partition."""
    regions = choose_regions(answers.regions) if "regions" in answers.families else None
    if regions is not None and regions.partial and regions.regions:
        warnings.append(
            PlanWarning(
                code="family-partial",
                segment_keys=["region.other"],
                message=f"Regions: you asked for {', '.join(regions.regions)}. '[Region] - Other or Unknown' holds "
                "everyone else (the other regions, other countries, no country), so every contact is still in "
                "exactly one region list.",
            )
        )
    sizes = choose_sizes(answers.sizes) if "size" in answers.families else None
    if sizes is not None and sizes.partial and sizes.bands:
        warnings.append(
            PlanWarning(
                code="family-partial",
                segment_keys=["size.other"],
                message=f"Size: you asked for {len(sizes.bands)} of 3 bands. The remainder list 'Other or Unknown "
                "Size' holds the other band(s) and contacts without an employee count, so every contact is still "
                "in exactly one size list.",
            )
        )
