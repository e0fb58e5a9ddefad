"""A version per record, and the append-only audit trail.

Adds ``version`` (starting at 1) to the ledgers and every record table, and creates
``audit_log`` with triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL). The
records a store already held get a ``baseline`` audit entry each when ``open_store`` runs this
revision (see ``cadrecore.store.migrate``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tables of revision 0001, as they were then.
TABLES = (
    "ledgers",
    "units",
    "establishments",
    "leadership_posts",
    "staff",
    "assignments",
    "cadres",
    "party_orgs",
    "branches",
    "memberships",
    "activities",
    "checklists",
    "plans",
    "themes",
    "programmes",
    "projects",
    "service_records",
    "service_events",
    "opinions",
    "treatment_standards",
    "treatment_grants",
    "recognitions",
    "parameters",
    "waivers",
)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)
POSTGRESQL_TRIGGERS = (
    "CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()",
)


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("ledger_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=255), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
    )
    op.create_index(
        op.f("ix_audit_log_ledger_id_kind_record_id"),
        "audit_log",
        ["ledger_id", "kind", "record_id"],
    )
    dialect = op.get_bind().dialect.name
    triggers = POSTGRESQL_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE audit_log")
        op.execute("DROP FUNCTION audit_log_refuse()")
    else:
        op.drop_table("audit_log")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
