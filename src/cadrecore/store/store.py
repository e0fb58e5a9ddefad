"""The store: ledgers kept in a database (a SQLite file by default, PostgreSQL for shared use).

:func:`open_store` opens (and if need be creates or upgrades) a store. ``store.load()`` gives a
:class:`~cadrecore.Ledger`; ``store.save(ledger)`` writes what changed since the store's copy,
in one transaction, each change an entry of the audit trail. A failed save leaves the store as
it was.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .._gc import collector_paused
from ..errors import LedgerError, Location, Problem
from ..i18n import Text
from ..ledger import Ledger
from ..models import RECORD_KINDS, Jurisdiction, RecordKind
from ..progress import Progress
from ..registry import Registry
from ..scope import ScopedLedger, refuse_scoped_save
from .audit import (
    Action,
    AuditAppender,
    AuditEntry,
    AuditVerification,
    read_entries,
    read_head,
)
from .audit_keys import AuditKeys
from .bulk import insert_rows
from .changes import KindChanges, changes_since_read
from .checkpoints import AuditCheckpoint
from .codec import (
    CODECS,
    JURISDICTION_CODEC,
    JURISDICTION_KIND,
    NUL_IN_JSON,
    Codec,
    RowError,
    canonical_json,
    fields_with_nul,
)
from .failures import StoreWriteError, WriteStep, detached, nul_problem, write_failure
from .fastread import RawRows, driver_converters
from .opened import open_on, resolve_ledger
from .reading import (
    ACTOR_ENV,
    DEFAULT_FILE,
    STORE_ENV,
    Source,
    SqliteFile,
    StoreError,
    decode_rows,
)
from .schema import AUDIT_LOG, LEDGERS, RECORD_TABLES
from .scope import scoped_queries as _scoped_queries


class ConflictError(StoreError):
    """Someone else changed a record since this ledger was read: nothing was saved.

    ``kind`` and ``record_id`` name the record (None when the conflict is the ledger as a whole).
    """

    def __init__(
        self, message: str, *, kind: str | None = None, record_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.record_id = record_id


#: How many new rows a save holds before it hands them to the database.
BULK_ROWS = 20_000

#: Where a ledger keeps its :class:`StoreOrigin` (outside its fields: not data, not compared).
ORIGIN_ATTRIBUTE = "_store_origin"


@dataclass(frozen=True, eq=False)
class StoreOrigin:
    """The store a ledger was read from, and the version of every row it read.

    :meth:`Store.load` puts one on the ledger it returns (``Ledger.replace`` carries it over to
    the copies) and a successful :meth:`Store.save` puts a new one on the ledger it saved. A save
    compares the stored rows with it, so that what someone else saved since the read is never
    overwritten unseen. It is never changed in place: an older copy keeps the origin it was
    read with, and so stays "older" for the next save.
    """

    url: str
    ledger_id: str
    #: kind (``"jurisdiction"`` for the ledger's own row) -> record key -> version read
    versions: Mapping[str, Mapping[str, int]]
    #: kind -> the records as read, in order: the ledger's own tuples, not copies
    records: Mapping[str, Sequence[Any]]
    #: the last audit entry's ``seq`` when the rows were read (None: not known): while the
    #: trail still ends there, no save has been made since, and a save writes what changed
    #: here without reading and comparing every row (:mod:`.changes`)
    audit_seq: int | None = None
    #: the kinds whose rows sat each at the position of its index when read
    placed: frozenset[str] = frozenset()

    def version(self, kind: str, key: str) -> int | None:
        """The version of ``kind`` ``key`` when it was read (None: it was not read)."""
        return self.versions.get(kind, {}).get(key)


def store_origin(ledger: Ledger) -> StoreOrigin | None:
    """Where ``ledger`` was loaded from or last saved to (None: built from files or in code)."""
    origin = ledger.__dict__.get(ORIGIN_ATTRIBUTE)
    return origin if isinstance(origin, StoreOrigin) else None


def _origin_records(ledger: Ledger) -> dict[str, Sequence[Any]]:
    records: dict[str, Sequence[Any]] = {JURISDICTION_KIND: (ledger.jurisdiction,)}
    records.update((kind.name, ledger.records(kind.name)) for kind in RECORD_KINDS)
    return records


def _conflict(kind: str, key: str, en: str, zh: str) -> ConflictError:
    return ConflictError(
        f"{kind} {key!r} {en}: nothing was saved; load the ledger again and redo the change "
        f"/ {kind} {key} {zh}，未保存任何改动；请重新载入账册后再改",
        kind=kind,
        record_id=key,
    )


def _added_meanwhile(kind: str) -> ConflictError:
    return ConflictError(
        f"{kind}: a record added here was added by someone else at the same time: nothing was "
        f"saved; load the ledger again and redo the change / {kind}：此处新增的记录同时已由他人新增，"
        "未保存任何改动；请重新载入后再改",
        kind=kind,
    )


def _check_unseen(
    kind: str,
    key: str,
    read: int | None,
    stored: Mapping[Any, Any] | None,
    still_as_read: Callable[[], bool] = lambda: True,
) -> None:
    """Refuse to write a record changed here when the store's copy is not the one read.

    ``still_as_read`` says whether the stored record equals the one read: a record deleted and
    added again since starts over at version 1, so an equal version alone does not tell.
    """
    if stored is None:
        if read is not None:
            raise _conflict(
                kind, key, "was deleted by someone else since it was read", "在载入后已被他人删除"
            )
        return
    if read is None:
        raise _conflict(
            kind,
            key,
            "was added by someone else since the ledger was read, with other content",
            "在载入后已由他人新增，且内容不同",
        )
    if stored["version"] != read:
        raise _conflict(
            kind,
            key,
            f"was changed by someone else since it was read (version {read}, now {stored['version']})",
            f"在载入后已被他人修改（载入时为第 {read} 版，现为第 {stored['version']} 版）",
        )
    if not still_as_read():
        raise _conflict(
            kind,
            key,
            "was deleted and added again by someone else since it was read",
            "在载入后已被他人删除并重新新增",
        )


@dataclass
class _Saving:
    """One save's bookkeeping: the versions the saved ledger stands on afterwards, and what
    others saved since its read that the save leaves as it is (``kept``)."""

    origin: StoreOrigin | None
    versions: dict[str, dict[str, int]] = field(default_factory=dict)
    kept: int = 0
    #: by kind, the records the store holds after the save, for kinds that differ from the ledger
    merged: dict[str, list[Any]] = field(default_factory=dict)
    jurisdiction: Jurisdiction | None = None
    #: text the store cannot keep (a NUL): the save checks every record, then refuses
    refused: list[Problem] = field(default_factory=list)
    #: what is being written, for the error if the database refuses it
    step: WriteStep = field(default_factory=WriteStep)


def default_actor() -> str:
    """Who is making changes: ``CADRECORE_ACTOR``, else the login name."""
    actor = os.environ.get(ACTOR_ENV)
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


@dataclass
class SaveResult:
    """What a save changed, by record kind, and how many audit entries it appended."""

    ledger_id: str
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    audit_entries: int = 0

    @property
    def changes(self) -> int:
        """How many records were inserted, updated or deleted."""
        return sum(self.inserted.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    def summary(self) -> dict[str, int]:
        """The counts for a log line or JSON: inserted, updated, deleted, unchanged, audit entries."""
        return {
            "inserted": sum(self.inserted.values()),
            "updated": sum(self.updated.values()),
            "deleted": sum(self.deleted.values()),
            "unchanged": sum(self.unchanged.values()),
            "audit_entries": self.audit_entries,
        }


class _EngineSource:
    """The store as an opened ledger reads it (:class:`~.reading.Source`) through the store's
    engine: PostgreSQL, or a SQLite store opened by a URL that is not a file."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.url = store.url
        self.dialect = store.dialect
        self.mark = "?" if self.dialect == "sqlite" else "%s"

    @contextmanager
    def reading(self) -> Iterator[Any]:
        with self.store.reading() as conn:
            yield conn.connection.driver_connection

    def converters(
        self, table: str, names: Sequence[str], type_codes: Sequence[Any]
    ) -> dict[str, Callable[[Any], Any]]:
        columns = (LEDGERS if table == LEDGERS.name else RECORD_TABLES[table]).c
        return driver_converters(
            [columns[name] for name in names], self.store.engine.dialect, type_codes
        )

    def after_fork(self) -> None:
        self.store.engine.dispose(close=False)


# =============================================================================================
# Opening
# =============================================================================================


def store_url(target: str | os.PathLike[str] | None = None) -> URL:
    """The database URL for ``target``: a URL as given, a file path as SQLite, None as the
    default file in the working folder. ``postgresql://`` means ``postgresql+psycopg://``."""
    if target is None:
        target = os.environ.get(STORE_ENV) or DEFAULT_FILE
    raw = os.fspath(target)
    if "://" in raw:
        url = make_url(raw)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url
    return URL.create("sqlite", database=str(Path(raw).expanduser().resolve()))


def open_store(
    target: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    echo: bool = False,
    check_schema: bool = True,
) -> Store:
    """Open the store at ``target`` and bring its schema up to date.

    ``target`` is a database URL (``sqlite:///ledger.sqlite``,
    ``postgresql+psycopg://user@host/db``), a file path (a SQLite file), or None for
    ``cadrecore.sqlite`` in the working folder (or ``$CADRECORE_STORE``). A store made by an
    older cadrecore is migrated forward; one made by a newer cadrecore is refused. With
    ``create=False`` a SQLite file that does not exist is an error instead of a new store.

    A store whose tables differ from the schema (a column dropped, added or retyped by hand:
    :class:`~.reading.SchemaMismatchError`) or whose schema version table holds more than one
    row is refused, unless ``check_schema`` is false: :func:`verify_audit` then reports the
    damage (``cadrecore audit verify`` opens the store so).
    """
    url = store_url(target)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        if not path.exists() and not create:
            raise StoreError(
                Text(
                    f"此处没有数据库：{path}（新建数据库：cadrecore init {path}，或直接 cadrecore "
                    "import 账册目录）",
                    f"no store at {path} (make one with cadrecore init {path}, or import a ledger "
                    "folder with cadrecore import)",
                )
            )
        if not path.parent.is_dir():
            raise StoreError(
                Text(
                    f"目录不存在：{path.parent}（请先建立这个目录）",
                    f"the folder {path.parent} does not exist (make it first)",
                )
            )
    engine = _engine(url, echo=echo)
    store = Store(engine)
    try:
        from .migrate import upgrade

        upgrade(store, check_schema=check_schema)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StoreError(
            f"cannot open the store {store.url}: {reason} / 无法打开数据库（{reason}）"
        ) from None
    except BaseException:
        engine.dispose()
        raise
    return store


def _engine(url: URL, *, echo: bool) -> Engine:
    """The store's engine. ``hide_parameters``: SQLAlchemy's errors and its log (``echo``)
    leave out a statement's values, which are people's records (see :mod:`.failures`)."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, echo=echo, hide_parameters=True, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            # The driver's own transaction handling is replaced by explicit BEGINs below, which
            # also makes schema changes transactional.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            mode = "IMMEDIATE" if conn.get_execution_options().get("cadrecore_write") else ""
            conn.exec_driver_sql(f"BEGIN {mode}".strip())

        return engine
    if url.get_backend_name() != "postgresql":
        raise StoreError(
            f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql+psycopg"
        )
    return create_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True)


# =============================================================================================
# The store
# =============================================================================================


class Store:
    """Ledgers in a database, with their audit trail. Open one with :func:`open_store`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: the audit keys writes are signed with and verifications check (None: the ones
        #: ``CADRECORE_AUDIT_KEY`` or ``CADRECORE_AUDIT_KEY_FILE`` give, read at each use)
        self.audit_keys: AuditKeys | None = None

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The database URL, with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """The database behind the store: ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Close the store's connections (the store cannot be used after)."""
        self.engine.dispose()

    # --- transactions -------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection in a read transaction that sees one consistent state of the store."""
        with self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextmanager
    def writing(self, step: WriteStep | None = None) -> Iterator[Connection]:
        """A connection in a write transaction: all of it is written, or none of it.

        Writers take the store's write lock first (SQLite ``BEGIN IMMEDIATE``; PostgreSQL an
        exclusive lock on the audit table, which readers do not wait for), so that the audit
        chain never forks.

        A database error is raised as :class:`~.failures.StoreWriteError`: the table, the
        record ``step`` names and why, never the values (see :mod:`.failures`). The driver's
        exception is its suppressed context here (a traceback does not show it); :meth:`save`
        drops it altogether.
        """
        with self.engine.connect() as conn:
            conn = conn.execution_options(cadrecore_write=True)
            try:
                with conn.begin():
                    if self.dialect == "postgresql":
                        conn.execute(text("LOCK TABLE audit_log IN EXCLUSIVE MODE"))
                    yield conn
                    if step is not None:
                        step.committing = True
            except (SQLAlchemyError, OverflowError) as exc:  # OverflowError: sqlite3's "too large"
                raise write_failure(exc, source=self.url, step=step) from None

    # --- ledgers ------------------------------------------------------------------------------

    def ledger_ids(self) -> tuple[str, ...]:
        """The ids of the jurisdictions whose ledgers this store holds."""
        with self.reading() as conn:
            return tuple(conn.execute(select(LEDGERS.c.id).order_by(LEDGERS.c.id)).scalars())

    def _resolve(self, conn: Connection, ledger_id: str | None) -> str:
        ids = list(conn.execute(select(LEDGERS.c.id).order_by(LEDGERS.c.id)).scalars())
        return resolve_ledger(ids, ledger_id, self.url)

    def load(
        self,
        ledger_id: str | None = None,
        *,
        registry: Registry | None = None,
        validate: bool = False,
        progress: Progress | None = None,
        unit: str | None = None,
    ) -> Ledger:
        """The ledger ``ledger_id`` (the only one, if None), cross-checked as it is built.

        Rows are not validated a second time unless ``validate`` (see :mod:`.codec`); either
        way a row that is not a valid record, and every cross-reference problem, is raised as a
        :class:`~cadrecore.LedgerError` naming the record.

        With ``unit``, only that unit's view (:mod:`cadrecore.scope`): the queries select the
        rows in view, so no other unit's row is read. The view is a
        :class:`~cadrecore.scope.ScopedLedger`, which :meth:`save` refuses.

        ``progress`` is called ``("load", records read, records to read)`` after each kind,
        the total counted first (one ``COUNT`` a kind, only when ``progress`` is given).
        """
        from ..plugins import get_registry

        registry = registry or get_registry()
        problems: list[Problem] = []
        data: dict[str, Any] = {}
        loaded = 0
        with self.reading() as conn:
            lid = self._resolve(conn, ledger_id)
            audit_seq = _audit_head(conn)  # (first: rows read after it are at least as new)
            scoped = _scoped_queries(conn, lid, unit) if unit is not None else None
            row = conn.execute(select(LEDGERS).where(LEDGERS.c.id == lid)).mappings().one()
            data["jurisdiction"] = self._decode(
                JURISDICTION_CODEC, row, registry, validate, JURISDICTION_KIND, problems
            )
            # every row's version, for the save check (a view has no store origin: it reads
            # no other rows, and save() refuses it), taken from the rows read
            versions: dict[str, dict[str, int]] = {}
            if unit is None:
                versions[JURISDICTION_KIND] = {lid: row["version"]}
            queries = {
                kind.name: scoped[kind.name]
                if scoped is not None
                else select(RECORD_TABLES[kind.name])
                .where(RECORD_TABLES[kind.name].c.ledger_id == lid)
                .order_by(RECORD_TABLES[kind.name].c.position, RECORD_TABLES[kind.name].c.id)
                for kind in RECORD_KINDS
            }
            if data["jurisdiction"] is not None:  # (the registry as this ledger uses it)
                services = queries["service_records"].order_by(None).subquery()
                held = conn.execute(select(services.c.service_type).distinct()).scalars()
                registry = registry.for_ledger(data["jurisdiction"].plugins, list(held))
            total = 0
            if progress:
                total = sum(
                    conn.execute(
                        select(func.count()).select_from(query.order_by(None).subquery())
                    ).scalar_one()
                    for query in queries.values()
                )
                progress("load", 0, total)
            placed: set[str] = set()
            for kind in RECORD_KINDS:
                codec = CODECS[kind.name]
                query = queries[kind.name]
                if unit is None:
                    versions[kind.name] = {}
                in_place: list[bool] = []
                records = self._decode_all(
                    conn,
                    query,
                    codec,
                    registry,
                    validate,
                    kind.name,
                    problems,
                    versions.get(kind.name),
                    placed=in_place,
                )
                if in_place == [True]:
                    placed.add(kind.name)
                data[kind.name] = tuple(records)
                loaded += len(records)
                if progress:
                    progress("load", loaded, max(total, loaded))
            if progress and loaded != total:  # (a row that is no record: it ends where it is)
                progress("load", loaded, loaded)
        if problems:
            raise LedgerError(problems, source=self.url)
        try:
            if unit is not None:
                return ScopedLedger(unit, registry=registry, **data)
            ledger = Ledger(registry=registry, **data)
            ledger.__dict__[ORIGIN_ATTRIBUTE] = StoreOrigin(
                self.url, lid, versions, _origin_records(ledger), audit_seq, frozenset(placed)
            )
            return ledger
        except LedgerError as exc:
            raise LedgerError(
                [
                    Problem(
                        Location(self.url, None, p.location.field),
                        p.message,
                        p.record_kind,
                        p.record_id,
                    )
                    for p in exc.problems
                ],
                source=self.url,
            ) from None

    def open(self, ledger_id: str | None = None, *, registry: Registry | None = None) -> Ledger:
        """The ledger ``ledger_id`` (the only one, if None), opened for reading: a
        :class:`~cadrecore.store.StoreLedger` that reads each kind when first used and reads
        :meth:`~cadrecore.Ledger.columns` in SQL (see :mod:`cadrecore.store.opened`).

        Every query gives what it gives on :meth:`load`'s ledger; opening costs one read of
        the jurisdiction. Use it while the store is open; it is refused by :meth:`save`.
        """
        from ..plugins import get_registry

        url = self.engine.url
        source: Source
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            source = SqliteFile(url.database)  # (as open_ledger reads it: the driver alone)
        else:
            source = _EngineSource(self)
        return open_on(source, ledger_id, registry or get_registry(), self)

    def _decode_all(
        self,
        conn: Connection,
        query: Any,
        codec: Codec,
        registry: Registry,
        validate: bool,
        kind: str,
        problems: list[Problem],
        versions: dict[str, int] | None = None,
        *,
        interned: bool = True,
        placed: list[bool] | None = None,
    ) -> list[Any]:
        """The records ``query`` selects, and (into ``versions``, if given) each row's version
        by its key: the same strings as the records' interned ids, so the save check's
        bookkeeping costs a dict entry a record, not another copy of every id. ``interned``
        (see :meth:`Codec.decoder`): false for a kind an opened ledger reads for a check.
        Onto ``placed`` (if given): whether every row read sits at the position of its index."""
        if validate:
            rows = conn.execute(query).mappings()
            found = []
            positions = []
            for r in rows:
                record = self._decode(codec, r, registry, True, kind, problems)
                if record is not None:
                    found.append(record)
                    positions.append(r["position"])
                    if versions is not None:
                        versions[sys.intern(r["id"])] = r["version"]
            if placed is not None:
                placed.append(all(p == i for i, p in enumerate(positions)))
            return found
        with RawRows(conn, query) as raw:
            decode = codec.decoder(
                raw.columns,
                registry,
                driver_converters(query.selected_columns, conn.dialect, raw.type_codes),
                interned=interned,
            )
            return decode_rows(
                raw,
                decode,
                url=self.url,
                kind=kind,
                problems=problems,
                ordered=raw.ordered,
                versions=versions,
                placed=placed,
            )

    def _decode(
        self,
        codec: Codec,
        row: Mapping[Any, Any],
        registry: Registry,
        validate: bool,
        kind: str,
        problems: list[Problem],
    ) -> Any:
        try:
            if validate:
                return codec.decode_validated(row, registry)
            return codec.decode(row, registry)
        except RowError as exc:
            problems.append(
                Problem(Location(self.url, None, exc.field), exc.message, kind, row["id"])
            )
            return None

    # --- saving -------------------------------------------------------------------------------

    def save(
        self,
        ledger: Ledger,
        *,
        actor: str | None = None,
        progress: Progress | None = None,
        based_on: Ledger | None = None,
        as_new: bool = False,
    ) -> SaveResult:
        """Make the store's copy of ``ledger``'s jurisdiction equal to ``ledger``, without
        overwriting unseen what others saved since it was read.

        Writes only the difference (records inserted, updated, deleted), in one transaction,
        and appends an audit entry for each; an updated record's ``version`` goes up by one.
        Nothing is written if anything fails.

        Text holding a NUL character (``\x00``) is refused on every backend, naming each
        record and field (PostgreSQL cannot keep it); a database error (a full disk, a check
        added to the database) is a :class:`~.failures.StoreWriteError` that names the store,
        the table and the record, never the values (see :mod:`.failures`).

        A ledger read from this store (``load()``, and its ``replace`` copies) knows the version
        of every record it read, and its save merges record by record with what others saved
        since (three-way: as read, as here, as stored now):

        - a record changed, deleted or added here is written only if the store still holds it
          as it was read (or already holds it as it is here); else :class:`ConflictError`;
        - a record left here as it was read stays as the store holds it now: someone else's
          newer copy is kept, and so are records others added or deleted since;
        - the store after the save must still hold together (every reference found), else
          :class:`ConflictError`.

        So two people who change different records both succeed, and the second to save a
        change to the same record gets :class:`ConflictError` (nothing saved), loads again and
        redoes it. After a successful save ``ledger`` knows the versions it saved, so it can be
        changed and saved again. The check and the writes are one transaction that holds the
        store's write lock from its start (SQLite ``BEGIN IMMEDIATE``; PostgreSQL writers lock
        the audit table first), so no other save comes in between.

        ``progress`` is called ``("save", records done, records in the ledger)``: at the start,
        then after each kind is written.

        A ledger that was not read from this store (built from a folder, an import, in code, or
        read from another store) makes the store's copy equal to it: the last writer wins. Give
        ``based_on`` (the ledger read from this store that it was built from) to merge instead,
        or ``as_new`` when the store held no such ledger when it was looked for (the import of a
        new ledger): the save then merges as if it had read an empty ledger, so what someone
        else saved since is kept, and a record of theirs that differs from this one is a
        :class:`ConflictError`, never overwritten.
        """
        try:
            return self._save(
                ledger, actor=actor, progress=progress, based_on=based_on, as_new=as_new
            )
        except StoreError as exc:
            failed = exc
        raise detached(failed, SQLAlchemyError, OverflowError)  # (not chained: see .failures)

    def _save(
        self,
        ledger: Ledger,
        *,
        actor: str | None,
        progress: Progress | None,
        based_on: Ledger | None,
        as_new: bool = False,
    ) -> SaveResult:
        refuse_scoped_save(ledger)  # a unit's view: saving it would delete the rest
        _refuse_opened(ledger)
        actor = actor or default_actor()
        lid = ledger.jurisdiction.id
        origin = self._origin_for(ledger, based_on)
        if origin is None and as_new:  # read while the store held no such ledger
            origin = StoreOrigin(self.url, lid, {}, {})
        saving = _Saving(origin)
        result = SaveResult(lid)
        total = sum(len(ledger.records(k.name)) for k in RECORD_KINDS)
        done = 0
        if progress:
            progress("save", 0, total)
        # (a save makes a few objects a record, none in a cycle: no collection walks the
        # ledger's millions while it runs; at 100,000 cadres that was most of its time)
        with collector_paused(), self.writing(saving.step) as conn:
            audit = AuditAppender(conn, actor, datetime.now(UTC), self.audit_keys)
            # nobody saved since the read: the store holds what was read, so only what changed
            # here is looked at (:mod:`.changes`); else every kind is compared in full
            known = origin is not None and origin.audit_seq == audit.seq and self._changes_known
            self._save_jurisdiction(conn, ledger, audit, saving)
            for kind in RECORD_KINDS:
                changes = None
                if known:
                    assert origin is not None
                    changes = self._changes(kind, ledger, origin)
                if changes is None:
                    self._save_kind(conn, kind, lid, ledger, audit, result, saving)
                else:
                    self._save_changes(conn, kind, lid, ledger, audit, result, saving, changes)
                done += len(ledger.records(kind.name))
                if progress:
                    progress("save", done, total)
            if saving.refused:
                raise StoreWriteError(saving.refused, source=self.url)
            if saving.kept:
                _check_merged(ledger, saving)
            audit.flush()
            result.audit_entries = audit.count
        previous = store_origin(ledger)
        if previous is None or (previous.url, previous.ledger_id) == (self.url, lid):
            # (the rows of a kind merged with others' records are not each at their index)
            placed = frozenset(k.name for k in RECORD_KINDS if k.name not in saving.merged)
            ledger.__dict__[ORIGIN_ATTRIBUTE] = StoreOrigin(
                self.url, lid, saving.versions, _origin_records(ledger), audit.seq, placed
            )
        return result

    #: whether a save may write just what changed since the read (False: compare every row,
    #: as the tests do to hold the two ways to the same outcome)
    _changes_known: bool = True

    def _changes(self, kind: RecordKind, ledger: Ledger, origin: StoreOrigin) -> KindChanges | None:
        """What changed in ``kind`` since ``origin``'s read, if that can be told cheaply."""
        if kind.name not in origin.placed or kind.name not in origin.records:
            return None
        return changes_since_read(
            kind,
            ledger.records(kind.name),
            origin.records[kind.name],
            origin.versions.get(kind.name, {}),
        )

    def _origin_for(self, ledger: Ledger, based_on: Ledger | None) -> StoreOrigin | None:
        """The origin a save merges against: ``ledger``'s (else ``based_on``'s), if it is this
        store's copy of the same ledger."""
        origin = store_origin(ledger) or (store_origin(based_on) if based_on else None)
        if origin is None or (origin.url, origin.ledger_id) != (self.url, ledger.jurisdiction.id):
            return None
        return origin

    def _refuse_nul(self, saving: _Saving, kind: str, key: str, dumped: Mapping[str, Any]) -> bool:
        """Whether the record ``dumped`` holds text the store cannot keep (a NUL): then each
        such field is noted for the refusal, and the record is not written."""
        found = fields_with_nul(dumped)
        saving.refused += [nul_problem(self.url, kind, key, name) for name in found]
        return bool(found)

    def _save_jurisdiction(
        self, conn: Connection, ledger: Ledger, audit: AuditAppender, saving: _Saving
    ) -> None:
        jurisdiction = ledger.jurisdiction
        codec = JURISDICTION_CODEC
        key = jurisdiction.id
        origin = saving.origin
        read = origin.version(JURISDICTION_KIND, key) if origin is not None else None
        versions = saving.versions.setdefault(JURISDICTION_KIND, {})
        dumped = codec.dump(jurisdiction)
        new_row = codec.row(dumped)
        saving.step.at(JURISDICTION_KIND, key)
        old = conn.execute(select(LEDGERS).where(LEDGERS.c.id == key)).mappings().first()
        if old is None:
            if origin is not None:
                _check_unseen(JURISDICTION_KIND, key, read, None)
            if self._refuse_nul(saving, JURISDICTION_KIND, key, dumped):
                return
            try:
                conn.execute(LEDGERS.insert().values(**new_row, version=1))
            except IntegrityError:  # a writer outside this API came in between
                raise _conflict(
                    JURISDICTION_KIND, key, "was added by someone else", "已由他人新增"
                ) from None
            versions[key] = 1
            audit.append("insert", key, JURISDICTION_KIND, key, None, canonical_json(dumped))
            return
        same = _same_record(codec, old, jurisdiction, ledger.registry)
        if read is not None and origin is not None:
            as_read = origin.records[JURISDICTION_KIND][0]
            if jurisdiction is as_read or jurisdiction == as_read:  # not changed here
                if same:
                    versions[key] = old["version"]
                else:  # changed by someone else since: theirs stays
                    versions[key] = read
                    saving.kept += 1
                    with contextlib.suppress(RowError):
                        saving.jurisdiction = codec.decode(old, ledger.registry)
                return
        if same:
            versions[key] = old["version"]
            return
        if origin is not None:
            _check_unseen(JURISDICTION_KIND, key, read, old)
        if self._refuse_nul(saving, JURISDICTION_KIND, key, dumped):
            return
        updated = conn.execute(
            LEDGERS.update()
            .where(LEDGERS.c.id == key, LEDGERS.c.version == old["version"])
            .values(**{k: v for k, v in new_row.items() if k != "id"}, version=old["version"] + 1)
        )
        if updated.rowcount != 1:
            raise _conflict(JURISDICTION_KIND, key, "was changed by someone else", "已被他人修改")
        versions[key] = old["version"] + 1
        audit.append(
            "update",
            key,
            JURISDICTION_KIND,
            key,
            canonical_json(codec.row_json(old)),
            canonical_json(dumped),
        )

    def _save_kind(
        self,
        conn: Connection,
        kind: RecordKind,
        lid: str,
        ledger: Ledger,
        audit: AuditAppender,
        result: SaveResult,
        saving: _Saving,
    ) -> None:
        table = RECORD_TABLES[kind.name]
        codec = CODECS[kind.name]
        saving.step.at(kind.name)
        stored = conn.execute(select(table).where(table.c.ledger_id == lid))
        decode = codec.decoder(tuple(stored.keys()), ledger.registry)
        old_rows: dict[str, Any] = {}
        old_records: dict[str, Any] = {}
        for stored_row in stored:
            mapping = stored_row._mapping
            old_rows[mapping["id"]] = mapping
            # a row that is no longer a valid record: whatever the ledger holds replaces it
            with contextlib.suppress(RowError):
                old_records[mapping["id"]] = decode(stored_row)
        if not old_rows and saving.origin is None:  # (a new ledger, or a kind new to it)
            self._insert_all(conn, kind, lid, ledger, audit, result, saving)
            return
        # with an origin: the versions read and the records as read, by key
        origin = saving.origin
        read: Mapping[str, int] | None = None
        as_read: dict[str, Any] = {}
        if origin is not None:
            read = origin.versions.get(kind.name, {})
            seen_read: set[str] = set()
            for record in origin.records.get(kind.name, ()):
                as_read[record_key(kind, record, seen_read)] = record
        versions = saving.versions.setdefault(kind.name, {})
        inserts: list[dict[str, Any]] = []
        updates: list[tuple[Mapping[Any, Any], dict[str, Any], str]] = []
        moves: list[dict[str, Any]] = []
        kept: list[str] = []  # what others saved since the read, left as it is
        keys: list[str] = []
        unchanged = 0
        seen: set[str] = set()
        for position, record in enumerate(ledger.records(kind.name)):
            key = record_key(kind, record, seen)
            keys.append(key)
            old = old_rows.get(key)
            if read is not None and key in read:
                before = as_read.get(key)
                if record is before or record == before:  # not changed here since the read
                    if old is not None and old_records.get(key) == record:
                        unchanged += 1
                        versions[key] = old["version"]
                        if old["position"] != position:
                            moves.append({"b_id": key, "b_position": position})
                    else:  # changed or deleted by someone else since: theirs stays
                        versions[key] = read[key]
                        kept.append(key)
                    continue
            if old is not None and old_records.get(key) == record:
                unchanged += 1
                versions[key] = old["version"]
                if old["position"] != position:
                    moves.append({"b_id": key, "b_position": position})
                continue
            if read is not None:
                _check_unseen(
                    kind.name,
                    key,
                    read.get(key),
                    old,
                    lambda: bool(old_records.get(key) == as_read.get(key)),  # noqa: B023
                )
            dumped = codec.dump(record)
            after = codec.after_text(dumped)
            if NUL_IN_JSON in after and self._refuse_nul(saving, kind.name, key, dumped):
                continue
            row = codec.row(dumped)
            row.update(ledger_id=lid, id=key, position=position)
            if old is None:
                row["version"] = 1
                inserts.append(row)
                audit.append("insert", lid, kind.name, key, None, after)
            else:
                row["version"] = old["version"] + 1
                updates.append((old, row, after))
            versions[key] = row["version"]
        deleted = []
        for key, old in old_rows.items():
            if key in seen:
                continue
            if read is not None:
                if key not in read:  # added by someone else since the read: it stays
                    kept.append(key)
                    continue
                _check_unseen(
                    kind.name,
                    key,
                    read[key],
                    old,
                    lambda: bool(old_records.get(key) == as_read.get(key)),  # noqa: B023
                )
            deleted.append(old)
        if saving.refused:  # nothing more is written: the save is refused after the checks
            return
        self._write_kind(conn, kind, lid, table, codec, audit, saving, inserts, updates, deleted)
        if moves:
            saving.step.at(kind.name)
            conn.execute(
                table.update()
                .where(table.c.ledger_id == lid, table.c.id == bindparam("b_id"))
                .values(position=bindparam("b_position")),
                moves,
            )
        if kept:
            saving.kept += len(kept)
            merged = dict(zip(keys, ledger.records(kind.name), strict=True))
            for key in kept:
                theirs = old_records.get(key)
                if theirs is None:
                    merged.pop(key, None)
                else:
                    merged[key] = theirs
            saving.merged[kind.name] = list(merged.values())
        result.inserted[kind.name] = len(inserts)
        result.updated[kind.name] = len(updates)
        result.deleted[kind.name] = len(deleted)
        result.unchanged[kind.name] = unchanged

    def _write_kind(
        self,
        conn: Connection,
        kind: RecordKind,
        lid: str,
        table: Table,
        codec: Codec,
        audit: AuditAppender,
        saving: _Saving,
        inserts: list[dict[str, Any]],
        updates: list[tuple[Mapping[Any, Any], dict[str, Any], str]],
        deleted: list[Mapping[Any, Any]],
    ) -> None:
        """Insert, update (each where its version is still the one read) and delete rows of
        ``kind``, with the audit entries of the updates and deletions (an insert's entry is
        the caller's, made as the row is)."""
        if inserts:
            saving.step.at(kind.name, inserts[0]["id"] if len(inserts) == 1 else None)
            try:
                insert_rows(conn, table, inserts)
            except IntegrityError:  # a writer outside this API came in between
                raise _added_meanwhile(kind.name) from None
        for previous, row, after in updates:
            saving.step.at(kind.name, row["id"])
            changed = conn.execute(
                table.update()
                .where(
                    table.c.ledger_id == lid,
                    table.c.id == row["id"],
                    table.c.version == previous["version"],
                )
                .values(**{k: v for k, v in row.items() if k not in ("ledger_id", "id")})
            )
            if changed.rowcount != 1:
                raise _conflict(kind.name, row["id"], "was changed by someone else", "已被他人修改")
            audit.append(
                "update",
                lid,
                kind.name,
                row["id"],
                canonical_json(codec.row_json(previous)),
                after,
            )
        for gone_row in deleted:
            saving.step.at(kind.name, gone_row["id"])
            gone = conn.execute(
                table.delete().where(
                    table.c.ledger_id == lid,
                    table.c.id == gone_row["id"],
                    table.c.version == gone_row["version"],
                )
            )
            if gone.rowcount != 1:
                raise _conflict(
                    kind.name, gone_row["id"], "was changed by someone else", "已被他人修改"
                )
            audit.append(
                "delete",
                lid,
                kind.name,
                gone_row["id"],
                canonical_json(codec.row_json(gone_row)),
                None,
            )

    def _insert_all(
        self,
        conn: Connection,
        kind: RecordKind,
        lid: str,
        ledger: Ledger,
        audit: AuditAppender,
        result: SaveResult,
        saving: _Saving,
    ) -> None:
        """Insert every record of ``kind`` (none stored, none read): what :meth:`_save_kind`
        does then, in one pass without its comparisons (the same rows and entries)."""
        table = RECORD_TABLES[kind.name]
        codec = CODECS[kind.name]
        records = ledger.records(kind.name)
        versions = saving.versions.setdefault(kind.name, {})
        seen: set[str] = set()
        keys = [record_key(kind, record, seen) for record in records]
        dump, after_text, row_of = codec.dump, codec.after_text, codec.row
        as_text = conn.dialect.name == "sqlite"  # (days as SQLite stores them: see insert_rows)
        rows: list[dict[str, Any]] = []
        inserted = 0
        for position, (key, record) in enumerate(zip(keys, records, strict=True)):
            dumped = dump(record)
            after = after_text(dumped)
            if NUL_IN_JSON in after and self._refuse_nul(saving, kind.name, key, dumped):
                continue
            row = row_of(dumped, days_as_text=as_text)
            row["ledger_id"], row["id"], row["position"], row["version"] = lid, key, position, 1
            rows.append(row)
            audit.append("insert", lid, kind.name, key, None, after)
            versions[key] = 1
            if len(rows) == BULK_ROWS:  # (memory stays bounded by a batch's rows)
                inserted += self._insert_batch(conn, kind, table, rows, saving)
                rows = []
        inserted += self._insert_batch(conn, kind, table, rows, saving)
        result.inserted[kind.name] = inserted
        result.updated[kind.name] = 0
        result.deleted[kind.name] = 0
        result.unchanged[kind.name] = 0

    def _insert_batch(
        self,
        conn: Connection,
        kind: RecordKind,
        table: Table,
        rows: list[dict[str, Any]],
        saving: _Saving,
    ) -> int:
        """Insert ``rows`` of ``kind`` (none, once the save is to be refused); how many."""
        if saving.refused or not rows:
            return len(rows)
        saving.step.at(kind.name, rows[0]["id"] if len(rows) == 1 else None)
        try:
            insert_rows(conn, table, rows)
        except IntegrityError:  # a writer outside this API came in between
            raise _added_meanwhile(kind.name) from None
        return len(rows)

    def _save_changes(
        self,
        conn: Connection,
        kind: RecordKind,
        lid: str,
        ledger: Ledger,
        audit: AuditAppender,
        result: SaveResult,
        saving: _Saving,
        changes: KindChanges,
    ) -> None:
        """Write ``changes`` (what :meth:`_save_kind` would find, told without reading every
        row): the same rows, versions and audit entries."""
        table = RECORD_TABLES[kind.name]
        codec = CODECS[kind.name]
        assert saving.origin is not None
        read = saving.origin.versions.get(kind.name, {})
        saving.step.at(kind.name)
        # (a kind with no record changed keeps the versions read, not a copy of them)
        changed = bool(changes.inserted or changes.updated or changes.deleted)
        versions: dict[str, int] = dict(read) if changed else read  # type: ignore[assignment]
        saving.versions[kind.name] = versions
        previous: dict[str, Mapping[Any, Any]] = {}
        wanted = [key for key, _, _ in changes.updated] + changes.deleted
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = conn.execute(
                select(table).where(table.c.ledger_id == lid, table.c.id.in_(chunk))
            )
            previous.update((row["id"], row) for row in rows.mappings())
        inserts: list[dict[str, Any]] = []
        updates: list[tuple[Mapping[Any, Any], dict[str, Any], str]] = []
        for key, position, record in changes.inserted + changes.updated:
            dumped = codec.dump(record)
            after = codec.after_text(dumped)
            if NUL_IN_JSON in after and self._refuse_nul(saving, kind.name, key, dumped):
                continue
            row = codec.row(dumped)
            row.update(ledger_id=lid, id=key, position=position)
            old = previous.get(key)
            if old is None:
                row["version"] = 1
                inserts.append(row)
                audit.append("insert", lid, kind.name, key, None, after)
            else:
                row["version"] = old["version"] + 1
                updates.append((old, row, after))
            versions[key] = row["version"]
        deleted = []
        for key in changes.deleted:
            gone = previous.get(key)
            if gone is None:  # (a writer outside the API deleted it)
                raise _conflict(kind.name, key, "was deleted by someone else", "已被他人删除")
            deleted.append(gone)
            versions.pop(key, None)
        if saving.refused:
            return
        self._write_kind(conn, kind, lid, table, codec, audit, saving, inserts, updates, deleted)
        if changes.moved:
            saving.step.at(kind.name)
            conn.execute(
                table.update()
                .where(table.c.ledger_id == lid, table.c.id == bindparam("b_id"))
                .values(position=bindparam("b_position")),
                [{"b_id": key, "b_position": position} for key, position in changes.moved],
            )
        result.inserted[kind.name] = len(inserts)
        result.updated[kind.name] = len(updates)
        result.deleted[kind.name] = len(deleted)
        result.unchanged[kind.name] = changes.unchanged

    # --- the audit trail ----------------------------------------------------------------------

    def log_event(
        self,
        ledger_id: str,
        action: Action,
        details: Mapping[str, Any],
        *,
        actor: str | None = None,
    ) -> AuditEntry:
        """Append an audit entry that records an event rather than a change: who exported the
        ledger with its personal data in clear (``export_unmasked``), where to."""
        with self.writing() as conn:
            self._resolve(conn, ledger_id)
            audit = AuditAppender(
                conn, actor or default_actor(), datetime.now(UTC), self.audit_keys
            )
            audit.append(
                action, ledger_id, "ledger", ledger_id, None, canonical_json(dict(details))
            )
            audit.flush()
            seq = audit.seq
        return next(iter(self.audit_entries_from(seq)))

    def audit_entries_from(self, seq: int) -> list[AuditEntry]:
        """The entries from ``seq`` on."""
        from .schema import AUDIT_LOG as log

        with self.reading() as conn:
            rows = conn.execute(select(log).where(log.c.seq >= seq).order_by(log.c.seq))
            return [AuditEntry.from_row(row) for row in rows.mappings()]

    def audit_entries(
        self,
        *,
        ledger_id: str | None = None,
        kind: str | None = None,
        record_id: str | None = None,
    ) -> list[AuditEntry]:
        """The audit trail (read-only), oldest first, optionally about one ledger, kind or record."""
        with self.reading() as conn:
            return list(read_entries(conn, ledger_id=ledger_id, kind=kind, record_id=record_id))

    def verify_audit(
        self,
        *,
        check_records: bool = True,
        keys: AuditKeys | None = None,
        against: Sequence[AuditCheckpoint] = (),
        progress: Progress | None = None,
    ) -> AuditVerification:
        """Check the audit trail's chain and, unless told not to, the records against it (see
        :func:`verify_audit`)."""
        return verify_audit(
            self, check_records=check_records, keys=keys, against=against, progress=progress
        )

    def audit_checkpoint(self) -> AuditCheckpoint:
        """The head of the audit trail now (its last entry's ``seq``, ``hash`` and time), to
        keep outside the store: ``verify_audit(store, against=[checkpoint])`` later finds any
        entry up to it removed or rewritten (see :class:`~.checkpoints.AuditCheckpoint`)."""
        with self.reading() as conn:
            head = read_head(conn)
        return AuditCheckpoint(
            head.seq,
            head.hash,
            at=head.at,
            taken=datetime.now(UTC),
            store=self.url,
            key_id=head.key_id,
        )


def record_key(kind: RecordKind, record: Any, seen: set[str]) -> str:
    """The record's key in its table; a repeated natural key gets ``#2``, ``#3``... (in order)."""
    key = kind.key_of(record)
    if key in seen:
        n = 2
        while f"{key}#{n}" in seen:
            n += 1
        key = f"{key}#{n}"
    seen.add(key)
    return key


def _audit_head(conn: Connection) -> int:
    """The ``seq`` of the last audit entry (0: none)."""
    return int(conn.execute(select(func.max(AUDIT_LOG.c.seq))).scalar_one() or 0)


def _same_record(codec: Codec, row: Mapping[Any, Any], record: Any, registry: Registry) -> bool:
    try:
        return bool(codec.decode(row, registry) == record)
    except RowError:
        return False


def _refuse_opened(ledger: Ledger) -> None:
    from .opened import StoreLedger

    if isinstance(ledger, StoreLedger):
        raise StoreError(
            "this ledger was opened for reading (store.open): load it with store.load() to "
            "change and save it / 以 store.open 打开的账册只读，请用 store.load() 载入后再修改保存"
        )


def _check_merged(ledger: Ledger, saving: _Saving) -> None:
    """Refuse a save whose result, with what others saved since the read, does not hold
    together (a record added here that refers to one someone else deleted)."""
    data = {k.name: tuple(saving.merged.get(k.name, ledger.records(k.name))) for k in RECORD_KINDS}
    try:
        Ledger(
            registry=ledger.registry,
            jurisdiction=saving.jurisdiction or ledger.jurisdiction,
            **data,
        )
    except LedgerError as exc:
        first = exc.problems[0]
        more = f" (+{len(exc.problems) - 1})" if len(exc.problems) > 1 else ""
        raise ConflictError(
            "with what others saved since the ledger was read, it would not hold together: "
            f"{first.render('en')}{more}: nothing was saved; load the ledger again and redo the "
            f"change / 与他人在载入后保存的改动合并后账册不一致：{first.render('zh')}{more}，"
            "未保存任何改动；请重新载入后再改",
            kind=first.record_kind,
            record_id=first.record_id,
        ) from exc


# =============================================================================================
# Verifying the audit trail
# =============================================================================================


def verify_audit(
    store: Store,
    *,
    check_records: bool = True,
    keys: AuditKeys | None = None,
    against: Sequence[AuditCheckpoint] = (),
    progress: Progress | None = None,
) -> AuditVerification:
    """Check the store's audit trail and report any tampering or damage; never raises on what
    the store holds.

    Checks every entry's hash (for an entry signed with an audit key, its HMAC, when ``keys``
    holds that key; ``keys`` None: the keys of ``store.audit_keys``, else of the environment),
    the ``seq`` numbers and ``prev_hash`` links, that no unsigned entry follows a signed one,
    that each checkpoint's entry is still there with the hash it noted (``against``), and
    (``check_records``) that every record equals what its last audit entry says it is. A value,
    column, table or schema version row that cannot be what the schema says is reported as
    ``damaged``, naming table, row and column.

    The result lists each problem, the first one first, and :attr:`~.audit.AuditVerification.
    statements` says what could not be checked (without a key, a rewrite with the chain
    recomputed; without a checkpoint, entries cut off the end with the rows they wrote).

    ``progress`` is called ``("verify", rows checked, rows to check)``: the audit entries, then
    (``check_records``) the records, counted first; every few thousand rows, and at the end.
    """
    from .verify import verify_store

    return verify_store(
        store,
        check_records=check_records,
        keys=store.audit_keys if keys is None else keys,
        against=against,
        progress=progress,
    )
