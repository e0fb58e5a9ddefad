"""The roster's own columns on a cadre: ethnicity, the date of joining revolutionary work, the
treatment enjoyed, a democratic party, health and a note.

County rosters (花名册) carry 民族, 参加革命工作时间 (what decides 离休), 享受待遇, 政治面貌 (a
democratic party, or 无党派人士), 健康状况 and 备注; a cadre held none of them before. Existing
rows get empty values.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_COLUMNS = ("ethnicity", "treatment_level", "other_party", "health", "note")


def upgrade() -> None:
    with op.batch_alter_table("cadres") as batch:
        for name in TEXT_COLUMNS:
            batch.add_column(sa.Column(name, sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("joined_revolution", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cadres") as batch:
        for name in (*TEXT_COLUMNS, "joined_revolution"):
            batch.drop_column(name)
