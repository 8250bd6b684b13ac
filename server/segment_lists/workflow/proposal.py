"""propose_segments: gather facts, build the plan, estimate sizes, and journal it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from segment_lists.domain.interview import Answers
from segment_lists.domain.plan import Plan
from segment_lists.domain.planner import build_plan
from segment_lists.workflow.clash_evidence import gather_evidence
from segment_lists.workflow.estimate import estimate_plan
from segment_lists.workflow.failures import UnknownPlan
from segment_lists.workflow.gather import gather_facts
from segment_lists.workflow.next_steps import Step
from segment_lists.workflow.runtime import Runtime


def propose(rt: Runtime, answers: Answers, *, estimate: bool = True) -> Plan:
    facts = gather_facts(rt, answers)
    plan = build_plan(answers, facts)
    # A clash's recommendation rests on who uses the existing list and what a merge would change:
    # find out, then plan again with that (the same plan id: evidence changes advice, not actions).
    # The estimates do not depend on it: both are read at once (their round trips overlap).
    with ThreadPoolExecutor(max_workers=1) as pool:
        estimated = pool.submit(estimate_plan, rt, plan) if estimate else None
        evidence = gather_evidence(rt, plan, measure=estimate)
        sized = estimated.result() if estimated is not None else None
    if evidence:
        plan = build_plan(answers, facts, evidence)
    if sized is not None:
        plan = _with_estimates(rt, plan, sized)
    rt.journal.save_plan(rt.portal_id, plan.plan_id, plan.model_dump(mode="json"))
    return plan


def _with_estimates(rt: Runtime, plan: Plan, sized: Plan) -> Plan:
    """`plan` with the estimates made for `sized`, item by item where the definition is the same;
    any other item (evidence changed it) is estimated now."""
    known = {(item.key, repr(item.filter_branch), item.action): item for item in sized.items}
    fields = ("estimated_size", "estimate_note", "estimate_margin")
    items, missing = [], set()
    for item in plan.items:
        twin = known.get((item.key, repr(item.filter_branch), item.action))
        if twin is None:
            missing.add(item.key)
        items.append(item if twin is None else item.model_copy(update={f: getattr(twin, f) for f in fields}))
    plan = plan.model_copy(update={"items": items})
    return estimate_plan(rt, plan, missing) if missing else plan


def load_plan(rt: Runtime, plan_id: str) -> Plan:
    body = rt.journal.load_plan(rt.portal_id, plan_id)
    if body is None:
        raise UnknownPlan(f"no plan '{plan_id}' for portal {rt.portal_id}; {rt.next_steps(Step.PLAN)} first")
    return Plan.model_validate(body)
