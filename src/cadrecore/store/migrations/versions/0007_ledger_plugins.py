"""The plugins a ledger uses (issue #25, item 3).

Adds ``plugins`` to ``ledgers``: the names of the plugins the ledger uses, as a JSON list, or
NULL for every plugin installed (what every existing ledger gets: nothing changes for it).
Revision ID: 0007
Revises: 0006
Create Date: 2027-01-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ledgers") as batch:
        batch.add_column(sa.Column("plugins", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledgers") as batch:
        batch.drop_column("plugins")
