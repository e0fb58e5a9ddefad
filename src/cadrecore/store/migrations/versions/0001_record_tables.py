"""The record tables: a ledger row per jurisdiction, a table per record kind.

The first schema of the store, frozen as it was released: later revisions change it, never
this file.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledgers",
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("root_unit_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("note", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("synthetic", sa.Boolean(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledgers")),
    )
    op.create_table(
        "units",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("level", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("parent_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("established", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("abolished", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("note", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_units_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_units")),
    )
    op.create_table(
        "establishments",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("unit_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("approved", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("effective_from", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("effective_to", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("part_of_parent", sa.Boolean(), autoincrement=False, nullable=False),
        sa.Column("source", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_establishments_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_establishments")),
    )
    op.create_table(
        "leadership_posts",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("unit_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("tier", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("grade", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("approved", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("effective_from", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("effective_to", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("source", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_leadership_posts_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_leadership_posts")),
    )
    op.create_table(
        "staff",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("gender", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("birth_date", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("national_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("synthetic", sa.Boolean(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_staff_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_staff")),
    )
    op.create_table(
        "assignments",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("staff_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("unit_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("establishment_kind", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("post", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("tier", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("grade", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("start", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("end", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("promotion", sa.Boolean(), autoincrement=False, nullable=False),
        sa.Column("appointment_basis", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_assignments_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_assignments")),
    )
    op.create_table(
        "cadres",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("gender", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("birth_date", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("national_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("phone", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("joined_work", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("retirement_kind", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("retirement_date", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("revolution_period", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("former_unit", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("former_rank", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("former_field", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("party_status", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("party_joined", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("county_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("township", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("community", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("residence_kind", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("address", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("interests", sa.JSON(), autoincrement=False, nullable=False),
        sa.Column("living_away", sa.Boolean(), autoincrement=False, nullable=False),
        sa.Column("away_since", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("health_exempt", sa.Boolean(), autoincrement=False, nullable=False),
        sa.Column("exemption_reason", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("deceased", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("synthetic", sa.Boolean(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_cadres_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_cadres")),
    )
    op.create_table(
        "party_orgs",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("unit_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("parent_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("formed", sa.Date(), autoincrement=False, nullable=True),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_party_orgs_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_party_orgs")),
    )
    op.create_table(
        "branches",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("branch_type", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("tie", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("org_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("county_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("formed", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("secretary_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("deputy_secretary_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("committee_ids", sa.JSON(), autoincrement=False, nullable=False),
        sa.Column("committee_elected", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("venue", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("venue_standardized_year", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("demonstration_year", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("covers_unit_ids", sa.JSON(), autoincrement=False, nullable=False),
        sa.Column("synthetic", sa.Boolean(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_branches_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_branches")),
    )
    op.create_table(
        "memberships",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cadre_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("branch_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("since", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("until", sa.Date(), autoincrement=False, nullable=True),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_memberships_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_memberships")),
    )
    op.create_table(
        "activities",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("activity_kind", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("date", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("title", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("branch_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("owner_unit_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("attendee_ids", sa.JSON(), autoincrement=False, nullable=False),
        sa.Column("headcount", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("leaders", sa.JSON(), autoincrement=False, nullable=False),
        sa.Column("evidence", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("theme_id", sa.Text(), autoincrement=False, nullable=True),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_activities_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_activities")),
    )
    op.create_table(
        "checklists",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("owner_unit_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("from_year", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("to_year", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("items", sa.JSON(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_checklists_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_checklists")),
    )
    op.create_table(
        "plans",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("owner_unit_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("from_year", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("to_year", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("targets", sa.JSON(), autoincrement=False, nullable=False),
        sa.Column("source", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_plans_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_plans")),
    )
    op.create_table(
        "themes",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("year", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("title", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("owner_unit_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("note", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_themes_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_themes")),
    )
    op.create_table(
        "programmes",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("year", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("theme_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("owner_unit_id", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_programmes_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_programmes")),
    )
    op.create_table(
        "projects",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("leader_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("field", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("county_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("branch_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("programme_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("from_year", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("to_year", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("results", sa.JSON(), autoincrement=False, nullable=False),
        sa.Column("source", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_projects_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_projects")),
    )
    op.create_table(
        "service_records",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("service_type", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("cadre_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("provider_unit_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("state", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("requested", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("delivered", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("rating", sa.BigInteger(), autoincrement=False, nullable=True),
        sa.Column("reason", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("details", sa.JSON(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_service_records_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_service_records")),
    )
    op.create_table(
        "service_events",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("record_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("to_state", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("at", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("actor", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("role", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("reason", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_service_events_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_service_events")),
    )
    op.create_table(
        "opinions",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("raised", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("raised_at_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("raised_by", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("content", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("category", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("assigned_unit_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("answered", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("answer", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("satisfied", sa.Boolean(), autoincrement=False, nullable=True),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_opinions_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_opinions")),
    )
    op.create_table(
        "treatment_standards",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("treatment_item", sa.Text(), autoincrement=False, nullable=False),
        sa.Column(
            "amount_yuan", sa.Numeric(precision=14, scale=2), autoincrement=False, nullable=False
        ),
        sa.Column("applies_to_retirement_kind", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("applies_to_rank", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("applies_to_unit_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("effective_from", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("effective_to", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("source", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_treatment_standards_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_treatment_standards")),
    )
    op.create_table(
        "treatment_grants",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cadre_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("treatment_item", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("year", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("standard_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column(
            "amount_yuan", sa.Numeric(precision=14, scale=2), autoincrement=False, nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_treatment_grants_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_treatment_grants")),
    )
    op.create_table(
        "recognitions",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("level", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("date", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("recipient_unit_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("recipient_cadre_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("source", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_recognitions_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_recognitions")),
    )
    op.create_table(
        "parameters",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("value", sa.JSON(), autoincrement=False, nullable=False),
        sa.Column("effective_from", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("unit_id", sa.Text(), autoincrement=False, nullable=True),
        sa.Column("source", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_parameters_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_parameters")),
    )
    op.create_table(
        "waivers",
        sa.Column("ledger_id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=255), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rule", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("subject_kind", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("subject_id", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("effective_from", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("effective_to", sa.Date(), autoincrement=False, nullable=True),
        sa.Column("reason", sa.Text(), autoincrement=False, nullable=False),
        sa.Column("approved_by", sa.Text(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_waivers_ledger_id_ledgers")
        ),
        sa.PrimaryKeyConstraint("ledger_id", "id", name=op.f("pk_waivers")),
    )


def downgrade() -> None:
    op.drop_table("waivers")
    op.drop_table("parameters")
    op.drop_table("recognitions")
    op.drop_table("treatment_grants")
    op.drop_table("treatment_standards")
    op.drop_table("opinions")
    op.drop_table("service_events")
    op.drop_table("service_records")
    op.drop_table("projects")
    op.drop_table("programmes")
    op.drop_table("themes")
    op.drop_table("plans")
    op.drop_table("checklists")
    op.drop_table("activities")
    op.drop_table("memberships")
    op.drop_table("branches")
    op.drop_table("party_orgs")
    op.drop_table("cadres")
    op.drop_table("assignments")
    op.drop_table("staff")
    op.drop_table("leadership_posts")
    op.drop_table("establishments")
    op.drop_table("units")
    op.drop_table("ledgers")
