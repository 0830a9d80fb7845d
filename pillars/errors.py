"""Why a write did not happen: a transition refused, or a save made on a version that is no longer current.

:class:`WorkflowError` is a refused transition, :class:`SubmitProblem` one of the reasons a plan cannot be
submitted; :class:`VersionConflict` (a plan, an activity or a monthly report) and :class:`ProgressConflict` (a
month's entry) are saves on a version that has moved on.
"""

from __future__ import annotations

from dataclasses import dataclass

from pillars.models import MonthlyProgress


class WorkflowError(Exception):
    """A transition that is not possible in the plan's state; ``problems`` says why."""

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class VersionConflict(Exception):
    """A save made on a version that is no longer current; ``current`` is the row as saved now.

    Nothing was written: the caller shows the current values beside what the user typed.
    """

    def __init__(self, current):
        self.current = current
        super().__init__(f"{type(current).__name__} {current.pk} is at version {current.version}")


@dataclass(frozen=True)
class SubmitProblem:
    message: str
    activity_id: int | None = None

    def __str__(self) -> str:
        return self.message


class ProgressConflict(Exception):
    """The entry changed since the form was opened; ``current`` is what is saved now."""

    def __init__(self, current: MonthlyProgress):
        self.current = current
        super().__init__(f"progress {current.pk} is at version {current.version}")
