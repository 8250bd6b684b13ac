"""The next step a message names, in each face's own words.

The workflow's messages tell the user what to do next ("answer the question and plan again", "to
bring it back, restore it"). Which words name that step depends on who reads them: the model calls
MCP tools (`call restore_list`), a person at a terminal runs commands (`run segment-lists restore
123`). So the workflow names a `Step`, and the face that opened the runtime supplies the
`NextSteps` that says it (`mcp.tool_steps`, `cli.command_steps`); the workflow never spells a tool
or a command itself. `PLAIN_STEPS` is for code that drives the workflow without a face (tests,
benchmarks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    """What a message can tell the user to do next."""

    LIST_IDS = "list-ids"  # find valid list ids
    PLAN = "plan"  # plan (again) from the answers
    APPLY = "apply"  # create the planned lists
    COUNT = "count"  # count the members (again), after processing
    LIBRARY = "library"  # the lists this tool made, with their ids
    RESTORE = "restore"  # bring a deleted list back (target: the list id)
    ROLLBACK = "rollback"  # undo an apply run (target: the run id)
    FORCE = "force"  # repeat a deletion, agreeing to delete a list something uses
    ALLOW_FOREIGN = "allow-foreign"  # delete a list this tool did not create
    CONNECT = "connect"  # connect a HubSpot portal (set the token)
    SANDBOX = "sandbox"  # try the built-in sandbox portal instead of HubSpot


# How to connect a real portal, said wherever the product is not connected (README: "Connect your portal").
CONNECT_HINT = (
    "set HUBSPOT_ACCESS_TOKEN (environment or .env) to a HubSpot service key or private-app token "
    "(README: Connect your portal)"
)

# A face's words for a step: a self-contained imperative phrase starting lowercase ("call
# restore_list with list_id 123"), given the target (a list or run id) when the message knows one.
Phrase = Callable[[str | None], str]


@dataclass(frozen=True)
class NextSteps:
    face: str
    phrases: Mapping[Step, Phrase]

    def __post_init__(self) -> None:
        missing = [step.value for step in Step if step not in self.phrases]
        if missing:
            raise ValueError(f"{self.face} names no words for the step(s) {', '.join(missing)}")

    def __call__(self, step: Step, target: str | None = None) -> str:
        """The phrase, lowercase first: 'call restore_list' / 'run `segment-lists restore 123`'."""
        return self.phrases[step](target)

    def sentence(self, step: Step, target: str | None = None, rest: str = "") -> str:
        """The phrase as the start of a sentence: 'Call restore_list ...' / 'Run `segment-lists ...`'."""
        phrase = self(step, target)
        return phrase[:1].upper() + phrase[1:] + rest


PLAIN_STEPS = NextSteps(
    face="plain",
    phrases={
        Step.LIST_IDS: lambda _: "list the portal's lists for valid ids",
        Step.PLAN: lambda _: "plan",
        Step.APPLY: lambda _: "apply the plan",
        Step.COUNT: lambda _: "count the members",
        Step.LIBRARY: lambda _: "export the library for the lists this tool made, with their ids",
        Step.RESTORE: lambda target: f"restore list {target}" if target else "restore the list",
        Step.ROLLBACK: lambda target: f"roll back run {target}" if target else "roll back the run",
        Step.FORCE: lambda _: "repeat it with force after the user agrees",
        Step.ALLOW_FOREIGN: lambda _: "repeat it allowing a foreign list only if the user explicitly agrees",
        Step.CONNECT: lambda _: f"to connect, {CONNECT_HINT}",
        Step.SANDBOX: lambda _: "use the built-in sandbox portal to try it without a HubSpot account",
    },
)
