"""Lost updates: two people load the same ledger, edit, and save (issue #8, item 2).

The store merges record by record (:meth:`cadrecore.store.Store.save`): a ledger read from the
store knows the version of every record it read; a record changed here is written only if the
store still holds it as read, else the whole save is refused with ``ConflictError``; a record
left as read keeps whatever the store holds now. So two people editing *different* records both
succeed, and the second of two editing the *same* record is told, and nothing of theirs is saved.

Real processes race here (``tests/store_worker.py``), on SQLite and on PostgreSQL; a hypothesis
test interleaves loads, edits and saves of three clients and checks after every save that it
overwrote nothing it had not seen, and that a refused save wrote nothing and had a reason.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cadrecore import Ledger
from cadrecore.models import Jurisdiction, Recognition
from cadrecore.sample import small_ledger
from cadrecore.store import ConflictError, Store, open_store, saving
from cadrecore.store.codec import CODECS
from cadrecore.store.merging import store_origin
from cadrecore.store.schema import RECORD_TABLES

WORKER = Path(__file__).with_name("store_worker.py")
#: Rounds of the two-process race, each backend: on one record, then on two records.
SAME_ROUNDS = int(os.environ.get("CADRECORE_CONCURRENCY_ROUNDS", "20"))
OTHER_ROUNDS = max(1, SAME_ROUNDS * 3 // 10)
#: Interleavings tried by the hypothesis test, each backend.
EXAMPLES = int(os.environ.get("CADRECORE_CONCURRENCY_EXAMPLES", "15"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def fresh(ledger: Ledger) -> Ledger:
    """The same records in a ledger that was never read from a store (no origin)."""
    return Ledger(
        registry=ledger.registry, **{name: getattr(ledger, name) for name in Ledger.model_fields}
    )


def recognition(rid: str, title: str, cadre: str | None = None) -> Recognition:
    return Recognition(
        id=rid,
        title=title,
        kind="honour",
        level="city",
        date=date(2022, 5, 1),
        recipient_cadre_id=cadre,
    )


def starting_ledger() -> Ledger:
    """The sample ledger, a cadre nothing refers to (``c900``) and two recognitions."""
    sample = small_ledger(2022)
    spare = sample.cadres[0].model_copy(update={"id": "c900", "name": "赵备用"})
    return fresh(
        sample.replace(
            cadres=(*sample.cadres, spare),
            recognitions=(recognition("r1", "优秀党员"), recognition("r2", "先进集体")),
        )
    )


def with_phone(ledger: Ledger, cadre_id: str, phone: str) -> Ledger:
    cadres = tuple(
        c.model_copy(update={"phone": phone}) if c.id == cadre_id else c for c in ledger.cadres
    )
    return ledger.replace(cadres=cadres)


def phone_of(ledger: Ledger, cadre_id: str) -> str:
    return ledger.cadre(cadre_id).phone


def without(ledger: Ledger, kind: str, record_id: str) -> Ledger:
    kept = tuple(r for r in ledger.records(kind) if getattr(r, "id", None) != record_id)
    return ledger.replace(**{kind: kept})


def with_record(ledger: Ledger, kind: str, record: Any) -> Ledger:
    others = tuple(r for r in ledger.records(kind) if r.id != record.id)
    return ledger.replace(**{kind: (*others, record)})


def audit_count(store: Store, ledger_id: str | None = None) -> int:
    return len(store.audit_entries(ledger_id=ledger_id))


def phones_stored(store: Store, lid: str, cadres: tuple[str, ...]) -> dict[str, str]:
    table = RECORD_TABLES["cadres"]
    query = select(table.c.id, table.c.phone).where(
        table.c.ledger_id == lid, table.c.id.in_(cadres)
    )
    with store.reading() as conn:
        return {cadre: phone for cadre, phone in conn.execute(query)}


def titles_stored(store: Store, lid: str) -> dict[str, str]:
    table = RECORD_TABLES["recognitions"]
    query = select(table.c.id, table.c.title).where(table.c.ledger_id == lid)
    with store.reading() as conn:
        return {rid: title for rid, title in conn.execute(query)}


# =============================================================================================
# The rules, one pair of clients at a time
# =============================================================================================


def test_a_change_to_a_record_changed_since_the_read_is_refused_whole(store: Store) -> None:
    store.save(starting_ledger())

    # the same record changed by both: the second save is refused, none of it written
    a, b = store.load(), store.load()
    store.save(with_phone(a, "c001", "13800000001"), actor="甲")
    entries, now = audit_count(store), store.load()
    b_edit = with_phone(with_phone(b, "c005", "13900000005"), "c001", "13900000001")
    b_edit = with_record(b_edit, "recognitions", recognition("r3", "新表彰"))
    with pytest.raises(ConflictError, match="c001") as raised:
        store.save(b_edit, actor="乙")
    assert (raised.value.kind, raised.value.record_id) == ("cadres", "c001")
    assert "在载入后已被他人修改" in str(raised.value) and "version 1, now 2" in str(raised.value)
    assert audit_count(store) == entries and store.load() == now

    # changed here, deleted there; deleted here, changed there
    a, b = store.load(), store.load()
    store.save(without(a, "recognitions", "r1"))
    with pytest.raises(ConflictError, match=r"r1.*deleted by someone else"):
        store.save(with_record(b, "recognitions", recognition("r1", "改过的标题")))
    a, b = store.load(), store.load()
    store.save(with_record(a, "recognitions", recognition("r2", "改过的标题")))
    with pytest.raises(ConflictError, match=r"r2.*changed by someone else"):
        store.save(without(b, "recognitions", "r2"))

    # the jurisdiction's own row, too; a jurisdiction left as read keeps the newer one
    a, b = store.load(), store.load()
    renamed = a.jurisdiction.model_copy(update={"name": "甲改的名"})
    store.save(a.replace(jurisdiction=renamed))
    with pytest.raises(ConflictError, match="jurisdiction"):
        store.save(b.replace(jurisdiction=b.jurisdiction.model_copy(update={"name": "乙改的名"})))
    store.save(with_phone(b, "c007", "13900000007"))
    assert store.load().jurisdiction.name == "甲改的名"
    assert store.verify_audit().ok


def test_inserts_and_what_others_added_or_deleted_since(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(starting_ledger())

    # the same new id added by both: refused if the content differs, a no-op if it is the same
    a, b = store.load(), store.load()
    store.save(with_record(a, "recognitions", recognition("r3", "甲加的")))
    with pytest.raises(ConflictError, match=r"r3.*added by someone else"):
        store.save(with_record(b, "recognitions", recognition("r3", "乙加的")))
    assert store.save(with_record(b, "recognitions", recognition("r3", "甲加的"))).changes == 0

    # deleted and added again since the read: its version starts over at 1, the content tells
    a, b = store.load(), store.load()
    store.save(without(a, "recognitions", "r2"))
    store.save(with_record(store.load(), "recognitions", recognition("r2", "重新加的")))
    with pytest.raises(ConflictError, match=r"r2.*deleted and added again"):
        store.save(with_record(b, "recognitions", recognition("r2", "乙改的")))
    with pytest.raises(ConflictError, match=r"r2.*deleted and added again"):
        store.save(without(b, "recognitions", "r2"))

    # a stale ledger's save keeps what others added and deleted since it was read
    a, b = store.load(), store.load()
    store.save(
        with_record(without(a, "recognitions", "r1"), "recognitions", recognition("r4", "新的"))
    )
    result = store.save(with_phone(b, "c005", "13900000005"))
    assert result.summary()["inserted"] == result.summary()["deleted"] == 0
    after = store.load()
    assert {r.id for r in after.recognitions} == {"r2", "r3", "r4"}
    assert phone_of(after, "c005") == "13900000005"

    # someone writing outside this API between our read and our insert: a conflict, not an
    # IntegrityError (the primary key refuses the second row)
    ours = with_record(store.load(), "recognitions", recognition("r5", "我们的"))
    table = RECORD_TABLES["recognitions"]
    codec = CODECS["recognitions"]
    theirs = codec.row(codec.dump(recognition("r5", "别人的")))
    theirs.update(ledger_id="sample", id="r5", position=99, version=1)
    meddled: list[bool] = []
    insert_rows = saving.insert_rows

    def meddle(conn: Any, to: Any, rows: Any, **options: Any) -> None:
        # (just before the save inserts its new rows, by COPY or executemany)
        if not meddled and to is table:
            meddled.append(True)
            conn.execute(table.insert().values(**theirs))
        insert_rows(conn, to, rows, **options)

    monkeypatch.setattr(saving, "insert_rows", meddle)
    entries = audit_count(store)
    with pytest.raises(ConflictError, match="recognitions"):
        store.save(ours)
    monkeypatch.undo()
    assert meddled and audit_count(store) == entries
    assert "r5" not in {r.id for r in store.load().recognitions}
    assert store.verify_audit().ok


def test_a_merge_that_would_not_hold_together_is_refused(store: Store) -> None:
    """One deletes a cadre while the other gives that cadre a recognition: each change alone
    is fine, together they break a reference, so the second save is refused."""
    store.save(starting_ledger())
    a, b = store.load(), store.load()
    store.save(without(a, "cadres", "c900"))
    entries = audit_count(store)
    with pytest.raises(ConflictError, match="c900") as raised:
        store.save(with_record(b, "recognitions", recognition("r9", "表彰", cadre="c900")))
    assert "would not hold together" in str(raised.value)
    assert audit_count(store) == entries
    assert "c900" not in {c.id for c in store.load().cadres}


def test_saving_again_and_ledgers_not_read_from_the_store(store: Store) -> None:
    store.save(starting_ledger())
    loaded = store.load()
    origin = store_origin(loaded)
    assert origin is not None and origin.version("cadres", "c001") == 1

    # after a save the ledger knows the new versions: it can be changed and saved again
    first = with_phone(loaded, "c001", "1")
    store.save(first)
    second = with_phone(first, "c001", "2")
    store.save(second)
    assert store_origin(second) is not store_origin(first)
    assert store_origin(second).version("cadres", "c001") == 3  # type: ignore[union-attr]
    # ...while the copy it was made from stays as read: its own change to c001 is refused,
    # and a change elsewhere leaves c001 as saved since
    with pytest.raises(ConflictError, match="c001"):
        store.save(with_phone(loaded, "c001", "old"))
    store.save(with_phone(loaded, "c002", "13900000002"))
    assert phone_of(store.load(), "c001") == "2"

    # a ledger not read from this store (a folder, an import, code): the last writer wins...
    built = fresh(with_phone(loaded, "c001", "from a folder"))
    store.save(built)
    assert phone_of(store.load(), "c001") == "from a folder"
    assert phone_of(store.load(), "c002") == ""  # ...even over what others saved
    # ...unless it says which loaded ledger it was made from
    stale = store.load()
    store.save(with_phone(store.load(), "c003", "13900000003"))
    with pytest.raises(ConflictError, match="c003"):
        store.save(fresh(with_phone(stale, "c003", "mine")), based_on=stale)
    assert store.verify_audit().ok


# =============================================================================================
# Two real processes saving at once
# =============================================================================================


class Worker:
    """A ``store_worker.py`` process, spoken to one JSON line at a time."""

    def __init__(self, url: str, log: Path) -> None:
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            encoding="utf-8",
        )
        self.log_path = log
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.pid = self.receive()["pid"]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")

    def send(self, **command: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def receive(self, timeout: float = 120) -> dict[str, Any]:
        line = self.lines.get(timeout=timeout)
        if not line:
            raise AssertionError(f"worker died: {self.log_path.read_text()}")
        answer: dict[str, Any] = json.loads(line)
        assert "error" not in answer, answer["error"]
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            self.send(op="quit")
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@contextmanager
def workers(url: str, count: int, folder: Path) -> Iterator[list[Worker]]:
    with ExitStack() as stack:
        started = []
        for n in range(count):
            worker = Worker(url, folder / f"worker{n}.log")
            stack.callback(worker.close)
            started.append(worker)
        yield started


def test_two_processes_saving_at_once_lose_no_update(
    store: Store, store_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Both load; once both have, both change a cadre's phone and save at the same moment.
    The same cadre: exactly one wins, the other is told (and its change is not saved).
    Different cadres: both win, and each keeps the other's change."""
    store.save(starting_ledger())
    backend = request.node.callspec.params["store_url"]
    wins = [0, 0]
    same_rounds = other_rounds = 0
    started = time.perf_counter()
    with workers(store_url, 2, tmp_path) as pair:
        for n in range(SAME_ROUNDS + OTHER_ROUNDS):
            same = n < SAME_ROUNDS
            cadres = ("c001", "c001") if same else ("c002", "c003")
            phones = (f"1380000{n:04d}", f"1390000{n:04d}")
            for worker in pair:
                worker.send(op="load")
            for worker in pair:
                worker.receive()  # the barrier: both have read the ledger
            for worker, cadre, phone in zip(pair, cadres, phones, strict=True):
                worker.send(op="edit_save", cadre=cadre, phone=phone)
            answers = [worker.receive() for worker in pair]
            now = phones_stored(store, "sample", ("c001", "c002", "c003"))
            if same:
                same_rounds += 1
                won = [i for i, answer in enumerate(answers) if answer["ok"]]
                assert len(won) == 1, answers
                lost = answers[1 - won[0]]
                assert (lost["kind"], lost["record_id"]) == ("cadres", "c001"), lost
                assert "changed by someone else" in lost["conflict"]
                assert now["c001"] == phones[won[0]]
                wins[won[0]] += 1
            else:
                other_rounds += 1
                assert all(answer["ok"] for answer in answers), answers
                assert (now["c002"], now["c003"]) == phones
    elapsed = time.perf_counter() - started
    assert {c: phone_of(store.load(), c) for c in now} == now
    verified = store.verify_audit()
    assert verified.ok, verified.problems
    # the audit trail has exactly one entry per saved change
    assert len(store.audit_entries(kind="cadres", record_id="c001")) == 1 + same_rounds
    print(
        f"\n[concurrency] {backend}: {same_rounds} rounds on one record: one save won each "
        f"(first process {wins[0]}, second {wins[1]}), the other got ConflictError; "
        f"{other_rounds} rounds on two records: both saved; {elapsed:.1f} s"
    )


# =============================================================================================
# Interleavings: three clients, random loads, edits and saves
# =============================================================================================

CLIENTS = 3
CADRES = ("c001", "c002")
RECOGNITIONS = ("r1", "r2")
_ledger_numbers = itertools.count()


@functools.cache
def _sample() -> Ledger:
    return small_ledger(2022)


def view(ledger: Ledger) -> dict[str, str | None]:
    """What the interleaving test follows: two cadres' phones, two recognitions' titles."""
    titles = {r.id: r.title for r in ledger.recognitions}
    phones = {c.id: c.phone for c in ledger.cadres}
    return as_view(phones, titles)


def stored_view(store: Store, lid: str) -> dict[str, str | None]:
    """The same, read straight from the tables (a whole load per step would be slow)."""
    return as_view(phones_stored(store, lid, CADRES), titles_stored(store, lid))


def as_view(phones: dict[str, str], titles: dict[str, str]) -> dict[str, str | None]:
    seen: dict[str, str | None] = {f"cadres {c}": phones.get(c) for c in CADRES}
    seen.update({f"recognitions {r}": titles.get(r) for r in RECOGNITIONS})
    return seen


operations = st.lists(
    st.tuples(
        st.sampled_from(("load", "phone", "phone", "add", "drop", "save", "save")),
        st.integers(0, CLIENTS - 1),
        st.integers(0, 1),
    ),
    min_size=10,
    max_size=30,
)


@pytest.fixture(scope="module")
def tally() -> Iterator[Counter[str]]:
    """What the interleavings did, printed at the end (``pytest -s``)."""
    counts: Counter[str] = Counter()
    yield counts
    if counts:
        print(
            f"\n[concurrency] interleavings: {counts['examples']} examples, {counts['saves']} "
            f"saves: {counts['saved']} saved ({counts['kept']} of them keeping others' newer "
            f"records), {counts['conflicts']} refused with ConflictError, all with a reason; "
            "no lost update"
        )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_interleaved_saves_overwrite_nothing_unseen(
    store: Store, tally: Counter[str], steps: list[tuple[str, int, int]]
) -> None:
    """After every save: each record it changed was, just before, as this client had read it
    (or already as it wanted it); each record it left alone is as the store had it; a refused
    save wrote nothing and had a reason (a record it changed that someone else changed)."""
    sample = _sample()
    lid = f"i{next(_ledger_numbers)}"
    start = Ledger(
        registry=sample.registry,
        jurisdiction=Jurisdiction(id=lid, name="交错市", root_unit_id="city"),
        units=sample.units,
        cadres=sample.cadres[:6],
        recognitions=(recognition("r1", "原有"),),
    )
    store.save(start)
    tally["examples"] += 1
    clients = [store.load(lid)] * CLIENTS  # ledgers are immutable: one load serves all three
    bases = [view(ledger) for ledger in clients]
    for number, (op, client, target) in enumerate(steps):
        ledger = clients[client]
        if op == "load":
            clients[client] = store.load(lid)
            bases[client] = view(clients[client])
        elif op == "phone":
            clients[client] = with_phone(ledger, CADRES[target], f"1{number:010d}")
        elif op == "add":  # a new recognition, or a new title for one already there
            new = recognition(RECOGNITIONS[target], f"第{number}步")
            clients[client] = with_record(ledger, "recognitions", new)
        elif op == "drop":
            clients[client] = without(ledger, "recognitions", RECOGNITIONS[target])
        else:
            ours, base = view(ledger), bases[client]
            changed = {key for key in ours if ours[key] != base[key]}
            before = stored_view(store, lid)
            entries = audit_count(store, lid)
            tally["saves"] += 1
            try:
                store.save(ledger)
            except ConflictError as exc:
                assert stored_view(store, lid) == before and audit_count(store, lid) == entries
                reasons = {
                    key for key in changed if before[key] != base[key] and before[key] != ours[key]
                }
                assert reasons, f"a conflict without a reason: {exc}"
                assert f"{exc.kind} {exc.record_id}" in reasons, (exc, reasons)
                tally["conflicts"] += 1
            else:
                after = stored_view(store, lid)
                for key in ours:
                    if key in changed:
                        assert after[key] == ours[key]
                        assert before[key] in (base[key], ours[key]), f"{key}: lost update"
                    else:
                        assert after[key] == before[key], f"{key}: others' change undone"
                bases[client] = ours
                tally["saved"] += 1
                tally["kept"] += any(ours[k] != before[k] for k in ours if k not in changed)
    store.load(lid)  # holds together
    verified = store.verify_audit()
    assert verified.ok, verified.problems
