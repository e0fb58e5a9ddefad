"""Party groups (党小组) and model-branch assessments (示范党支部, "六好").

Creates ``party_groups`` (a branch's groups, their leaders and members) and
``branch_assessments`` (a branch's yearly assessment against the six criteria), and adds
``group_id`` to ``activities`` (the group that held a party group meeting). Existing rows of
``activities`` get NULL: no group.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
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
        "party_groups",
        *_record_columns(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=False),
        sa.Column("group_leader_id", sa.Text(), nullable=True),
        sa.Column("member_ids", sa.JSON(), nullable=False),
        sa.Column("formed", sa.Date(), nullable=True),
        sa.Column("abolished", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_party_groups_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_party_groups")),
    )
    op.create_table(
        "branch_assessments",
        *_record_columns(),
        sa.Column("branch_id", sa.Text(), nullable=False),
        sa.Column("year", sa.BigInteger(), nullable=False),
        sa.Column("assessed", sa.Date(), nullable=True),
        sa.Column("assessor_unit_id", sa.Text(), nullable=True),
        *(
            sa.Column(name, sa.Boolean(), nullable=False)
            for name in (
                "good_organization",
                "good_leadership",
                "good_members",
                "good_study",
                "good_role",
                "good_rules",
            )
        ),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_branch_assessments_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_branch_assessments")),
    )
    op.add_column("activities", sa.Column("group_id", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("group_id")
    op.drop_table("branch_assessments")
    op.drop_table("party_groups")
