"""The service lifecycle: the states a service record moves through, who may move it, and the
deadlines (in working days) between states. Service types configure it; the core enforces it.

    requested ─► accepted ─► scheduled ─► delivered ─► rated
        │            │            │
        ├─► declined └─► cancelled┘ (with a reason)
        └─► cancelled

:func:`transition` moves one record and records who did it and when; an illegal move raises
:class:`IllegalTransition` and changes nothing (ledgers are immutable: you get a new one).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from pydantic import ValidationError

from .errors import BilingualValueError, CadrecoreError
from .i18n import Text
from .models import ServiceEvent, ServiceRecord, ServiceRole, ServiceState
from .plugin_manager import qualified_key

if TYPE_CHECKING:
    from .ledger import Ledger

S = ServiceState
R = ServiceRole


class IllegalTransition(CadrecoreError):
    """A move the service type's lifecycle does not allow (wrong state, role, date or reason);
    ``str()`` says why in the run's language."""


def _said(exc: ValueError) -> Text:
    """What a model refused, in both languages: each :class:`BilingualValueError` of a
    validation error, else the error's own (English) words with a Chinese summary."""
    if isinstance(exc, ValidationError):
        said = [
            e["ctx"]["error"].message
            for e in exc.errors(include_url=False)
            if isinstance((e.get("ctx") or {}).get("error"), BilingualValueError)
        ]
        if said:
            return Text("；".join(t.zh for t in said), "; ".join(t.en for t in said))
    return Text("取值不符合要求", str(exc))


@dataclass(frozen=True)
class Step:
    """A move from ``source`` to ``target`` that ``roles`` may make."""

    source: ServiceState
    target: ServiceState
    roles: frozenset[ServiceRole]
    needs_reason: bool = False


@dataclass(frozen=True)
class Deadline:
    """A record may stay in ``state`` at most ``working_days`` working days (an int, or the key
    of a rule parameter that holds it); ``label`` names the duty (受理时限)."""

    state: ServiceState
    working_days: int | str
    label: Text


@dataclass(frozen=True)
class Lifecycle:
    """The steps a service type allows and its deadlines."""

    steps: tuple[Step, ...]
    deadlines: tuple[Deadline, ...] = ()

    def step(self, source: ServiceState, target: ServiceState) -> Step | None:
        """The step from ``source`` to ``target``, or None if the lifecycle has no such move."""
        return next((s for s in self.steps if s.source is source and s.target is target), None)

    def next_states(self, source: ServiceState) -> tuple[ServiceState, ...]:
        """The states a record in ``source`` may move to."""
        return tuple(s.target for s in self.steps if s.source is source)

    def with_deadlines(self, *deadlines: Deadline) -> Lifecycle:
        """The same steps with these deadlines instead (a department's own working days).

        ```python
        from cadrecore import Text
        from cadrecore.models import ServiceState
        from cadrecore.services import DEFAULT_LIFECYCLE, Deadline

        accept = Deadline(ServiceState.REQUESTED, 2, Text("受理时限", "time to accept"))
        quick = DEFAULT_LIFECYCLE.with_deadlines(accept)
        assert quick.steps == DEFAULT_LIFECYCLE.steps and quick.deadlines == (accept,)
        ```"""
        return Lifecycle(self.steps, tuple(deadlines))

    def in_namespace(self, namespace: str) -> Lifecycle:
        """This lifecycle with the parameters its deadlines name by a local key (one word)
        qualified for ``namespace``; itself when there are none."""
        deadlines = tuple(
            replace(d, working_days=qualified_key(d.working_days, namespace))
            if isinstance(d.working_days, str)
            else d
            for d in self.deadlines
        )
        return self if deadlines == self.deadlines else Lifecycle(self.steps, deadlines)

    def without(self, *states: ServiceState) -> Lifecycle:
        """The lifecycle with some states skipped: a step into a skipped state goes on to the
        states that follow it (a kit handed over on the spot needs no ``scheduled``)."""
        skipped = set(states)
        steps: list[Step] = []
        for step in self.steps:
            if step.source in skipped:
                continue
            if step.target in skipped:
                for onward in self.steps:
                    if onward.source is step.target and onward.target not in skipped:
                        steps.append(
                            Step(
                                step.source,
                                onward.target,
                                step.roles | onward.roles,
                                onward.needs_reason,
                            )
                        )
            else:
                steps.append(step)
        unique = {(s.source, s.target): s for s in steps}
        return Lifecycle(
            tuple(unique.values()), tuple(d for d in self.deadlines if d.state not in skipped)
        )


_ANYONE_SERVING = frozenset({R.PROVIDER, R.BUREAU})
_ASKER = frozenset({R.CADRE, R.BUREAU})

DEFAULT_LIFECYCLE = Lifecycle(
    steps=(
        Step(S.REQUESTED, S.ACCEPTED, _ANYONE_SERVING),
        Step(S.REQUESTED, S.DECLINED, _ANYONE_SERVING, needs_reason=True),
        Step(S.REQUESTED, S.CANCELLED, _ASKER, needs_reason=True),
        Step(S.ACCEPTED, S.SCHEDULED, _ANYONE_SERVING),
        Step(S.ACCEPTED, S.CANCELLED, _ASKER | _ANYONE_SERVING, needs_reason=True),
        Step(S.SCHEDULED, S.DELIVERED, _ANYONE_SERVING),
        Step(S.SCHEDULED, S.CANCELLED, _ASKER | _ANYONE_SERVING, needs_reason=True),
        Step(S.DELIVERED, S.RATED, frozenset({R.CADRE, R.BUREAU})),
    ),
)
"""The lifecycle of a service type that gives none: requested, accepted (or declined),
scheduled, delivered, rated, with cancelling on the way."""

TERMINAL_STATES = frozenset({S.RATED, S.CANCELLED, S.DECLINED})
"""The states a service record never leaves: rated, cancelled, declined."""


def history_problems(
    record: ServiceRecord, events: Iterable[ServiceEvent], lifecycle: Lifecycle
) -> list[Text]:
    """What is wrong with a record's history: numbering, steps, dates, the final state."""
    ordered = sorted(events, key=lambda e: e.seq)
    problems: list[Text] = []
    if not ordered:
        return problems
    if [e.seq for e in ordered] != list(range(1, len(ordered) + 1)):
        problems.append(
            Text("流转记录序号应从 1 连续编号", "events must be numbered 1, 2, 3, ... without gaps")
        )
        return problems
    first = ordered[0]
    if first.to_state is not S.REQUESTED and first.role is not R.SYSTEM:
        problems.append(
            Text(
                "第一条流转记录应为“已申请”（或由系统补录的起始状态）",
                "the first event must be the request (or a 'system' event where history begins)",
            )
        )
    if first.at < record.requested:
        problems.append(Text("流转记录早于申请日期", "an event is dated before the request"))
    for before, after in itertools.pairwise(ordered):
        if after.at < before.at:
            problems.append(
                Text(
                    f"第 {after.seq} 条流转记录日期早于前一条",
                    f"event {after.seq} is dated before event {before.seq}",
                )
            )
        step = lifecycle.step(before.to_state, after.to_state)
        if step is None:
            problems.append(
                Text(
                    f"不允许从“{before.to_state.zh}”变为“{after.to_state.zh}”",
                    f"{before.to_state.en!r} -> {after.to_state.en!r} is not allowed",
                )
            )
        elif after.role not in step.roles and after.role is not R.SYSTEM:
            problems.append(
                Text(
                    f"“{after.role.zh}”无权将记录变为“{after.to_state.zh}”",
                    f"{after.role.en!r} may not move a record to {after.to_state.en!r}",
                )
            )
    if ordered[-1].to_state is not record.state:
        problems.append(
            Text(
                f"记录状态“{record.state.zh}”与最后一条流转“{ordered[-1].to_state.zh}”不符",
                f"the record's state {record.state.en!r} differs from its last event's "
                f"{ordered[-1].to_state.en!r}",
            )
        )
    return problems


def transition(
    ledger: Ledger,
    record_id: str,
    to_state: ServiceState | str,
    *,
    actor: str,
    role: ServiceRole | str,
    on: date,
    reason: str = "",
    rating: int | None = None,
) -> Ledger:
    """Move service record ``record_id`` to ``to_state``; return the new ledger.

    The record's service type's lifecycle decides whether the move, the role and the reason
    are allowed; the event (who, when, what) is appended to the record's history, and the
    plugins' ``after_service_transition`` hooks are told. Raises :class:`IllegalTransition`
    (nothing changes) when the move is not allowed.
    """
    target = ServiceState(to_state)
    actor_role = ServiceRole(role)
    record: ServiceRecord = ledger.get("service_records", record_id)
    service_type = ledger.registry.service_types.get(record.service_type)
    lifecycle = service_type.lifecycle
    step = lifecycle.step(record.state, target)
    if step is None:
        allowed = Text(
            "、".join(s.zh for s in lifecycle.next_states(record.state)) or "无（已是最终状态）",
            ", ".join(repr(s.en) for s in lifecycle.next_states(record.state))
            or "none (final state)",
        )
        raise IllegalTransition(
            Text(
                f"服务记录 {record_id} 当前为“{record.state.zh}”，不能变为“{target.zh}”"
                f"（可变为：{allowed.zh}）",
                f"service record {record_id!r} is {record.state.en!r}; it cannot become "
                f"{target.en!r} (allowed next: {allowed.en})",
            )
        )
    if actor_role not in step.roles:
        raise IllegalTransition(
            Text(
                f"“{actor_role.zh}”无权将 {record_id} 变为“{target.zh}”；可由："
                + "、".join(sorted(r.zh for r in step.roles)),
                f"{actor_role.en!r} may not move {record_id!r} to {target.en!r}; allowed roles: "
                + ", ".join(sorted(repr(r.en) for r in step.roles)),
            )
        )
    if step.needs_reason and not reason.strip():
        raise IllegalTransition(
            Text(
                f"将 {record_id} 变为“{target.zh}”须说明原因",
                f"moving {record_id!r} to {target.en!r} needs a reason",
            )
        )
    history = sorted(
        (e for e in ledger.service_events if e.record_id == record_id), key=lambda e: e.seq
    )
    last_day = history[-1].at if history else record.requested
    if on < last_day:
        raise IllegalTransition(
            Text(
                f"{on} 早于该记录上一次变更的日期（{last_day}）",
                f"{on} is before the record's last change ({last_day})",
            )
        )
    new_events: list[ServiceEvent] = []
    if not history:
        new_events.append(
            ServiceEvent(
                record_id=record_id,
                seq=1,
                to_state=record.state,
                at=record.requested,
                actor="system",
                role=ServiceRole.SYSTEM,
                reason="history begins / 流转记录起点",
            )
        )
    seq = len(history) + len(new_events) + 1
    event = ServiceEvent(
        record_id=record_id,
        seq=seq,
        to_state=target,
        at=on,
        actor=actor,
        role=actor_role,
        reason=reason,
    )
    new_events.append(event)
    changes: dict[str, object] = {"state": target}
    if target is S.DELIVERED:
        changes["delivered"] = on
    if target is S.RATED:
        if rating is None:
            raise IllegalTransition(
                Text(
                    f"评价 {record_id} 须给出 1 至 5 分", f"rating {record_id!r} needs rating=1..5"
                )
            )
        changes["rating"] = rating
    if target in (S.CANCELLED, S.DECLINED):
        changes["reason"] = reason
    try:
        updated = ServiceRecord.model_validate(
            {**record.model_dump(), **changes}, context={"registry": ledger.registry}
        )
    except ValueError as exc:
        said = _said(exc)
        raise IllegalTransition(
            Text(
                f"{record_id} 不能变为“{target.zh}”：{said.zh}",
                f"{record_id!r} cannot become {target.en!r}: {said.en}",
            )
        ) from None
    records = tuple(updated if r.id == record_id else r for r in ledger.service_records)
    new_ledger = ledger.replace(
        service_records=records, service_events=(*ledger.service_events, *new_events)
    )
    hooks = ledger.registry.hooks
    if hooks is not None:
        for failure in hooks.after_service_transition(new_ledger, updated, event):
            warnings.warn(
                f"plugin {failure.plugin!r} failed in after_service_transition: {failure.error}",
                stacklevel=2,
            )
    return new_ledger


def request(
    ledger: Ledger,
    record: ServiceRecord,
    *,
    actor: str,
    role: ServiceRole | str = ServiceRole.CADRE,
) -> Ledger:
    """Add a new service record in state ``requested``, its first event recorded."""
    if record.state is not S.REQUESTED:
        raise IllegalTransition(
            Text(
                f"新的服务记录应从“{S.REQUESTED.zh}”开始，而不是“{record.state.zh}”",
                f"a new service record starts as {S.REQUESTED.en!r}, not {record.state.en!r}",
            )
        )
    event = ServiceEvent(
        record_id=record.id,
        seq=1,
        to_state=S.REQUESTED,
        at=record.requested,
        actor=actor,
        role=ServiceRole(role),
    )
    return ledger.replace(
        service_records=(*ledger.service_records, record),
        service_events=(*ledger.service_events, event),
    )
