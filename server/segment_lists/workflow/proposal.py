"""propose_segments: gather facts, build the plan, estimate sizes, and journal it."""

from __future__ import annotations

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
    evidence = gather_evidence(rt, plan, measure=estimate)
    if evidence:
        plan = build_plan(answers, facts, evidence)
    if estimate:
        plan = estimate_plan(rt, plan)
    rt.journal.save_plan(rt.portal_id, plan.plan_id, plan.model_dump(mode="json"))
    return plan


def load_plan(rt: Runtime, plan_id: str) -> Plan:
    body = rt.journal.load_plan(rt.portal_id, plan_id)
    if body is None:
        raise UnknownPlan(f"no plan '{plan_id}' for portal {rt.portal_id}; {rt.next_steps(Step.PLAN)} first")
    return Plan.model_validate(body)
