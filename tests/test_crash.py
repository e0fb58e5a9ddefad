"""Crash safety (issue #8, item 3): a save or an import killed at any moment leaves the store
as it was before or as the save makes it, never in between, and its audit trail verifies.

A forked child process writes one big change (every cadre's phone, and half the activities
deleted or put back: over a hundred rows and as many audit entries), either by
``store.save()`` of the ledger as the test last loaded it, or by importing a ledger folder with
the import API (``import_into_store``, what ``cadrecore import`` runs). The test kills it with
SIGKILL after a random (seeded) delay, opens the store and looks at what it holds. The delays
are spread over 1.6 times the measured duration of the write, so that kills land inside the
transaction and after its commit, and the save test asserts that both happened: it cannot pass
by never hitting a write (on a machine whose load swings, the last few kills aim at a case not
yet hit, and say so). On SQLite an interrupted transaction leaves a hot journal that the next
reader rolls back; on PostgreSQL the server rolls back the dead client's transaction.
``pytest -s`` prints the tally.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cadrecore import Ledger
from cadrecore.io.importing import import_into_store
from cadrecore.models import RECORD_KINDS
from cadrecore.store import open_store
from cadrecore.synth import synthesize

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods() or not hasattr(signal, "SIGKILL"),
    reason="forks the test process and kills children with SIGKILL (POSIX)",
)

#: SIGKILLs of a saving process, and of an importing one, each backend.
KILLS = int(os.environ.get("CADRECORE_CRASH_KILLS", "30"))
IMPORT_KILLS = int(os.environ.get("CADRECORE_CRASH_IMPORT_KILLS", "6"))
SEED = int(os.environ.get("CADRECORE_CRASH_SEED", "20240508"))
#: Cadres in the ledger: a save from one state to the other changes about 2.5 rows per cadre.
CADRES = int(os.environ.get("CADRECORE_CRASH_CADRES", "40"))

# How far the child got (shared memory without a lock: the child may die at any instruction).
WRITING, IN_TRANSACTION, DONE = 1, 2, 3

#: What a child does: ``(killer, target, shared)``, the target state's index (0 or 1).
Child = Callable[["Killer", int, Any], None]


def fresh(ledger: Ledger) -> Ledger:
    """The same records in a ledger never read from a store."""
    return Ledger(
        registry=ledger.registry, **{name: getattr(ledger, name) for name in Ledger.model_fields}
    )


@pytest.fixture(scope="module")
def states() -> tuple[Ledger, Ledger]:
    """The store's two states: one save turns either into the other."""
    before = fresh(synthesize(CADRES, seed=7))
    after = before.replace(
        cadres=tuple(
            c.model_copy(update={"phone": f"139{n:08d}"}) for n, c in enumerate(before.cadres)
        ),
        activities=before.activities[::2],
    )
    return before, fresh(after)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["store_url"])


# --- in the child ----------------------------------------------------------------------------


def saving(killer: Killer, target: int, shared: Any) -> None:
    """Turn the ledger as the test last loaded it (store origin and all) into the target
    state, and save it."""
    store = open_store(killer.url)
    wanted = killer.states[target]
    edited = killer.loaded.replace(
        jurisdiction=wanted.jurisdiction, **{k.name: wanted.records(k.name) for k in RECORD_KINDS}
    )

    def progress(task: str, done: int, total: int | None) -> None:
        shared[0] = IN_TRANSACTION  # called inside the transaction, after each kind's writes

    shared[0] = WRITING
    started = time.perf_counter()
    result = store.save(edited, actor="crash test", progress=progress)
    shared[1] = time.perf_counter() - started
    shared[2] = result.changes
    shared[0] = DONE


def importing(killer: Killer, target: int, shared: Any) -> None:
    """Import the target state's ledger folder into the store."""
    store = open_store(killer.url)

    def progress(task: str, done: int, total: int | None) -> None:
        if task == "save":
            shared[0] = IN_TRANSACTION

    shared[0] = WRITING
    started = time.perf_counter()
    outcome = import_into_store(
        store, [killer.folders[target]], actor="crash test", progress=progress
    )
    shared[1] = time.perf_counter() - started
    shared[2] = outcome.saved.changes if outcome.saved else 0
    shared[0] = DONE if outcome.ok else -1


# --- in the test -----------------------------------------------------------------------------


def journal_of(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    return Path(url.removeprefix("sqlite:///") + "-journal")


@dataclass
class Killer:
    """Runs children that change the store from one state to the other, kills them, and says
    what the store holds after each."""

    url: str
    states: tuple[Ledger, Ledger] = field(repr=False)
    child: Child
    folders: tuple[Path, Path] | None = None
    tally: Counter[str] = field(default_factory=Counter)
    durations: list[float] = field(default_factory=list)
    changes: list[int] = field(default_factory=list)
    #: where in a write its transaction surely is (a fraction of the write's duration)
    mid_aim: float = 0.5
    hot_journals: int = 0
    aimed: int = 0

    def __post_init__(self) -> None:
        self.context = multiprocessing.get_context("fork")
        # the test's own connection, idle while a child writes (which never touches it)
        self.store = open_store(self.url)
        self.state, self.loaded = self.look()

    def look(self) -> tuple[str, Ledger]:
        """Which state the store holds ("before"/"after"; else "between"), and the ledger as
        loaded; the audit trail must verify."""
        loaded = self.store.load()
        verified = self.store.verify_audit()
        assert verified.ok, verified.problems
        before, after = self.states
        return "before" if loaded == before else "after" if loaded == after else "between", loaded

    def run(self, kill_after: float | None) -> None:
        """A child that changes the store to the other state, killed ``kill_after`` s after it
        starts writing (None: let it finish)."""
        current = self.state
        target = 1 if current == "before" else 0
        # phase, seconds its write took, changes it wrote
        shared = self.context.Array("d", 3, lock=False)
        process = self.context.Process(target=self.child, args=(self, target, shared))
        process.start()
        if kill_after is None:
            process.join(300)
            assert process.exitcode == 0 and shared[0] == DONE, "the child failed"
        else:
            deadline = time.monotonic() + 120
            while shared[0] < WRITING:  # wait for the child to start writing
                assert process.is_alive(), f"the child died (exit code {process.exitcode})"
                assert time.monotonic() < deadline, "the child did not start writing"
                time.sleep(0.0005)
            time.sleep(kill_after)
            os.kill(process.pid, signal.SIGKILL)
            process.join(60)
        phase = int(shared[0])
        if phase == DONE:
            self.durations.append(shared[1])
            self.changes.append(int(shared[2]))
        journal = journal_of(self.url)
        hot = bool(journal and journal.exists() and journal.stat().st_size > 0)
        self.state, self.loaded = self.look()
        assert self.state != "between", f"a kill at phase {phase} left the store between"
        kept = self.state != current
        if phase == DONE:
            assert kept, "a write that returned was not kept"
        elif phase < IN_TRANSACTION:
            assert not kept, "a write killed before its transaction was kept"
        if kill_after is None:
            return
        if kept:
            self.tally["after commit"] += 1
        elif phase == IN_TRANSACTION:
            self.tally["mid-transaction"] += 1
            self.hot_journals += hot
        else:
            self.tally["before the transaction"] += 1

    def kill_many(self, kills: int, seed: int) -> float:
        """Three writes left to finish (to time them), then ``kills`` killed at moments spread
        evenly over 1.6 times the median write (of those that finished so far: the machine
        may be busier now), in a seeded random order. If the last three come and either a
        kill inside the transaction or one after its commit has not happened yet, they aim
        at it (counted in ``aimed``). Returns the last window."""
        for _ in range(3):
            self.run(None)
        rng = random.Random(seed)
        fractions = [(n + rng.random()) / kills for n in range(kills)]
        rng.shuffle(fractions)
        window = 0.0
        for n, fraction in enumerate(fractions):
            window = 1.6 * statistics.median(self.durations)
            moment = fraction * window
            if kills - n <= 3 and not self.tally["after commit"]:
                moment, self.aimed = 1.5 * max(self.durations), self.aimed + 1
            elif kills - n <= 3 and not self.tally["mid-transaction"]:
                moment, self.aimed = self.mid_aim * min(self.durations), self.aimed + 1
            self.run(moment)
        self.store.close()
        return window

    def summary(self, what: str, backend: str, kills: int, window: float, took: float) -> str:
        journals = f" ({self.hot_journals} from a hot journal)" if journal_of(self.url) else ""
        low, high = min(self.changes), max(self.changes)
        changes = str(low) if low == high else f"{low}-{high}"
        return (
            f"\n[crash] {backend}: {kills} SIGKILLs of {what} of {changes} changes "
            "(rows, and as many audit entries) "
            f"(a whole one takes {min(self.durations):.2f}-{max(self.durations):.2f} s; "
            f"kills within {window:.2f} s of its start, seed {SEED}, {self.aimed} aimed): "
            "killed before its "
            f"transaction {self.tally['before the transaction']}, mid-transaction "
            f"{self.tally['mid-transaction']} rolled back{journals}, after commit "
            f"{self.tally['after commit']} kept; never between; audit verified after each; "
            f"{took:.1f} s"
        )


def test_a_save_killed_at_any_moment_leaves_before_or_after(
    store_url: str, states: tuple[Ledger, Ledger], backend: str
) -> None:
    with open_store(store_url) as store:
        store.save(states[0])
    started = time.perf_counter()
    killer = Killer(store_url, states, saving)
    window = killer.kill_many(KILLS, SEED)
    print(killer.summary("a save", backend, KILLS, window, time.perf_counter() - started))
    assert killer.tally["after commit"] >= 1, killer.tally
    assert killer.tally["mid-transaction"] >= 1, killer.tally


def test_an_import_killed_at_any_moment_leaves_before_or_after(
    store_url: str, states: tuple[Ledger, Ledger], backend: str, tmp_path: Path
) -> None:
    """An import reads the folder, merges it into the stored ledger and saves: killed in any
    of these, the store holds the ledger as it was or as imported. (An import adds and
    updates, it does not delete: the second state keeps all the activities here.)"""
    before = states[0]
    after = fresh(before.replace(cadres=states[1].cadres))
    folders = (before.save(tmp_path / "before"), after.save(tmp_path / "after"))
    with open_store(store_url) as store:
        store.save(before)
    started = time.perf_counter()
    killer = Killer(store_url, (before, after), importing, folders, mid_aim=0.9)
    window = killer.kill_many(IMPORT_KILLS, SEED + 1)
    print(killer.summary("an import", backend, IMPORT_KILLS, window, time.perf_counter() - started))
    assert killer.tally["before the transaction"] + killer.tally["mid-transaction"] >= 1
    assert killer.tally["after commit"] + killer.tally["mid-transaction"] >= 1
