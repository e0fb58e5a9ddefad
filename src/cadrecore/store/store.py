"""The store: ledgers kept in a database (a SQLite file by default, PostgreSQL for shared use).

:func:`open_store` opens (and if need be creates or upgrades) a store. ``store.load()`` gives a
:class:`~cadrecore.Ledger`; ``store.save(ledger)`` writes what changed since the store's copy,
in one transaction, each change an entry of the audit trail. A failed save leaves the store as
it was.

Holds: opening a store (:func:`open_store`, :func:`store_url`, its engine), the
:class:`Store` itself (its transactions, loading and opening a ledger, the audit trail's
reading and events) and :func:`verify_audit`. The writing of a save is :mod:`.saving`'s and
the merging with what others saved is :mod:`.merging`'s; :meth:`Store.save` hands itself to
them. Must not import anything above the store (``io``, ``reports``, the CLI); the modules it
builds on (``saving``, ``opened``, ``migrate``, ``verify``) must not import it but for type
checkers.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from ..errors import LedgerError, Location, Problem
from ..i18n import Text
from ..ledger import Ledger
from ..models import RECORD_KINDS
from ..progress import Progress
from ..registry import Registry
from ..scope import ScopedLedger
from .audit import (
    Action,
    AuditAppender,
    AuditEntry,
    AuditVerification,
    read_entries,
    read_head,
)
from .audit_keys import AuditKeys
from .checkpoints import AuditCheckpoint
from .codec import CODECS, JURISDICTION_CODEC, JURISDICTION_KIND, Codec, RowError, canonical_json
from .failures import WriteStep, detached, write_failure
from .fastread import RawRows, driver_converters
from .merging import mark_origin
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
from .saving import SaveResult, save_ledger
from .schema import AUDIT_LOG, LEDGERS, RECORD_TABLES
from .scope import scoped_queries as _scoped_queries


def default_actor() -> str:
    """Who is making changes: ``CADRECORE_ACTOR``, else the login name."""
    actor = os.environ.get(ACTOR_ENV)
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


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
            mark_origin(ledger, self.url, lid, versions, audit_seq, frozenset(placed))
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
            return save_ledger(
                self,
                ledger,
                actor=actor or default_actor(),
                progress=progress,
                based_on=based_on,
                as_new=as_new,
                changes_known=self._changes_known,
            )
        except StoreError as exc:
            failed = exc
        raise detached(failed, SQLAlchemyError, OverflowError)  # (not chained: see .failures)

    #: whether a save may write just what changed since the read (False: compare every row,
    #: as the tests do to hold the two ways to the same outcome)
    _changes_known: bool = True

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


def _audit_head(conn: Connection) -> int:
    """The ``seq`` of the last audit entry (0: none)."""
    return int(conn.execute(select(func.max(AUDIT_LOG.c.seq))).scalar_one() or 0)


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
