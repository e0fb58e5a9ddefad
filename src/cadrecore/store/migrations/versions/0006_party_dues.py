"""Retired members' party dues (党费) and hardship reductions.

Creates ``party_dues`` (what a member paid for a month, keyed by the member, the year and the
month, with the pension base it was worked out from) and ``dues_reductions`` (a member's
reduction or exemption for a span of months, with the branch's decision). A store upgraded from
0005 holds no dues: both tables start empty.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _record_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("ledger_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "party_dues",
        *_record_columns(),
        sa.Column("cadre_id", sa.Text(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=False),
        sa.Column("year", sa.BigInteger(), nullable=False),
        sa.Column("month", sa.BigInteger(), nullable=False),
        sa.Column("paid_yuan", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("pension_base_yuan", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_party_dues_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_party_dues")),
    )
    op.create_table(
        "dues_reductions",
        *_record_columns(),
        sa.Column("cadre_id", sa.Text(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("to_month", sa.Date(), nullable=True),
        sa.Column("reduced_to_yuan", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("exempt", sa.Boolean(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decision_ref", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_dues_reductions_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_dues_reductions")),
    )


def downgrade() -> None:
    op.drop_table("dues_reductions")
    op.drop_table("party_dues")
