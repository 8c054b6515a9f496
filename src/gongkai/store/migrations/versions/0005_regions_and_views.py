"""Region and level inferred for every agency; SQL views and Chinese cell labels for SQL users.

- agencies get ``region_code``, ``province``, ``city``, ``county``, ``parent`` (a department's
  government) and ``region_note`` (why no code: ambiguous, with the candidates, or unknown), filled
  from each agency's name by `gongkai.region.infer`; a region or level set before (alias file) stays;
- table ``cell_labels`` (path → Chinese label) and the views of `gongkai.store.views`.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_COLUMNS = (("region_code", sa.String(12)), ("province", sa.String(100)), ("city", sa.String(100)),
            ("county", sa.String(100)), ("parent", sa.String(300)), ("region_note", sa.Text()))


def upgrade() -> None:
    for name, type_ in _COLUMNS:
        op.add_column("agencies", sa.Column(name, type_, nullable=True))
    op.create_table(
        "cell_labels",
        sa.Column("path", sa.String(120), primary_key=True),
        sa.Column("label", sa.String(200), nullable=False),
    )
    bind = op.get_bind()
    from gongkai.store.agencies import place_values
    from gongkai.store.schema import agencies
    from gongkai.store.views import create_views

    for aid, name, region, level in bind.execute(
        sa.select(agencies.c.id, agencies.c.name, agencies.c.region, agencies.c.level)
    ).all():
        bind.execute(sa.update(agencies).where(agencies.c.id == aid).values(**place_values(name, region, level)))
    create_views(bind)


def downgrade() -> None:
    from gongkai.store.views import drop_views

    drop_views(op.get_bind())
    op.drop_table("cell_labels")
    for name, _ in reversed(_COLUMNS):
        op.drop_column("agencies", name)
