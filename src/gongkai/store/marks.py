"""A person's marks on findings: 已确认 (confirmed), 误报 (dismissed, with a reason), 已整改 (fixed).

A mark is keyed by the file's content hash and `Finding.key` (rule and cells), so it survives
re-ingest of the same file and applies wherever that report is shown (a batch, the store, a notice).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select, update

from gongkai.store.db import Store, StoreError
from gongkai.store.schema import finding_marks

MARK_LABELS: dict[str, str] = {"confirmed": "已确认", "dismissed": "误报", "fixed": "已整改"}


@dataclass(frozen=True)
class Mark:
    sha256: str
    finding_key: str
    status: str  # confirmed | dismissed | fixed
    reason: str | None
    who: str
    at: datetime

    @property
    def label(self) -> str:
        return MARK_LABELS.get(self.status, self.status)


def set_mark(store: Store, sha256: str, finding_key: str, status: str | None, who: str,
             reason: str | None = None) -> Mark | None:
    """Mark a finding (replacing an earlier mark), or clear its mark with `status=None`."""
    if status is not None and status not in MARK_LABELS:
        raise StoreError(f"标记只能是{'、'.join(MARK_LABELS.values())}")
    reason = (reason or "").strip() or None
    who = who.strip()[:100]
    if status == "dismissed" and not reason:
        raise StoreError("标记为误报时须写明理由")
    if status is not None and not who:
        raise StoreError("请填写标记人")
    key = finding_key[:500]
    now = datetime.now(UTC)
    where = (finding_marks.c.sha256 == sha256, finding_marks.c.finding_key == key)
    with store.write() as conn:
        if status is None:
            conn.execute(delete(finding_marks).where(*where))
            return None
        values = {"status": status, "reason": reason, "who": who, "at": now}
        done = conn.execute(update(finding_marks).where(*where).values(**values)).rowcount
        if not done:
            conn.execute(insert(finding_marks).values(sha256=sha256, finding_key=key, **values))
    return Mark(sha256, key, status, reason, who, now)


def marks_for(conn: Connection, sha256s: Iterable[str] | None = None) -> dict[tuple[str, str], Mark]:
    """Marks of the reports with these content hashes (every mark when None), by (sha256, finding key)."""
    stmt = select(finding_marks)
    if sha256s is not None:
        wanted = sorted(set(sha256s))
        if not wanted:
            return {}
        stmt = stmt.where(finding_marks.c.sha256.in_(wanted))
    out: dict[tuple[str, str], Mark] = {}
    for r in conn.execute(stmt).mappings():
        at = r["at"] if r["at"].tzinfo else r["at"].replace(tzinfo=UTC)
        out[(r["sha256"], r["finding_key"])] = Mark(r["sha256"], r["finding_key"], r["status"], r["reason"],
                                                    r["who"], at)
    return out


def dismissed_keys(marks: dict[tuple[str, str], Mark], sha256: str) -> set[str]:
    """The finding keys of one report that a person marked 误报."""
    return {k for (sha, k), m in marks.items() if sha == sha256 and m.status == "dismissed"}


__all__ = ["MARK_LABELS", "Mark", "dismissed_keys", "marks_for", "set_mark"]
