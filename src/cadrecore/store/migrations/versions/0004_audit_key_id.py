"""Signed audit entries: the id of the key that signed each one.

An entry written while an audit key is set (``CADRECORE_AUDIT_KEY`` or
``CADRECORE_AUDIT_KEY_FILE``) carries in ``hash`` an HMAC-SHA-256 under that key instead of a
plain SHA-256, and in ``key_id`` a short fingerprint of the key (never the key), so that
``audit verify`` knows which key checks it and keys can be rotated. Entries already written keep
``key_id`` NULL and verify as before. The column is added in place (``ALTER TABLE ... ADD
COLUMN``): the table keeps its rows and its append-only triggers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # (signed entries no longer verify without their key id: a developer's tool only)
    op.execute("ALTER TABLE audit_log DROP COLUMN key_id")
