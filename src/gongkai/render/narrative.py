"""Suggested sentences for the narrative, with the numbers taken from the tables.

They are offered to the writer, clearly marked (SUGGESTION_MARK), and never put into the writer's
text by the program. Wording follows what the narrative checks read, so a sentence taken as
suggested agrees with the tables.
"""

from __future__ import annotations

from gongkai.model import Report
from gongkai.render.values import format_number

SUGGESTION_MARK = "【建议文字：由统计表数字自动生成，仅供参考，需由填报人核对后自行取用，程序不会写入正文】"

_RESULT_GROUPS = (
    ("予以公开", ("granted",)),
    ("部分公开", ("partially_granted",)),
    ("不予公开", ("denied_",)),
    ("无法提供", ("unable_",)),
    ("不予处理", ("declined_",)),
    ("其他处理", ("other_", "other")),
)


def _n(v: object) -> str | None:
    return format_number(v) if isinstance(v, int | float) and not isinstance(v, bool) else None  # type: ignore[arg-type]


def _active(report: Report) -> str | None:
    a = report.active or {}
    parts = []
    for key, name in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        row = a.get(key, {})
        issued, repealed, in_force = (_n(row.get(c)) for c in ("issued", "repealed", "in_force"))
        if issued is not None and repealed is not None and in_force is not None:
            parts.append(f"制发{name}{issued}件、废止{repealed}件，现行有效{in_force}件")
    decisions = [
        f"{name}决定{v}件"
        for key, name in (("licensing", "行政许可"), ("punishment", "行政处罚"), ("coercion", "行政强制"))
        if (v := _n(a.get(key, {}).get("decisions"))) is not None
    ]
    if decisions:
        parts.append("作出" + "、".join(decisions))
    fee = _n(a.get("fees", {}).get("amount"))
    if fee is not None:
        parts.append(f"行政事业性收费{fee}万元")
    return f"本年度{'；'.join(parts)}。" if parts else None


def _requests(report: Report) -> str | None:
    req = report.requests or {}

    def total(row: str) -> str | None:
        return _n(req.get(row, {}).get("total"))

    new, carried, done, forward = (total(k) for k in ("new_received", "carried_over", "total_processed",
                                                        "carried_forward"))
    if new is None or done is None:
        return None
    text = f"本年新收到政府信息公开申请{new}件"
    if carried is not None:
        text += f"，上年结转{carried}件"
    results = []
    for name, prefixes in _RESULT_GROUPS:
        values = [
            req[k].get("total") for k in req if any(k == p or (p.endswith("_") and k.startswith(p)) for p in prefixes)
        ]
        if values and all(isinstance(v, int | float) for v in values):
            results.append(f"{name}{format_number(sum(v for v in values if v is not None))}件")
    text += f"；本年度办理完毕{done}件"
    if results:
        text += "，其中" + "、".join(results)
    if forward is not None:
        text += f"；结转下年度继续办理{forward}件"
    return text + "。"


def _review(report: Report) -> str | None:
    rl = report.review_litigation or {}
    review = _n(rl.get("review", {}).get("total"))
    direct = rl.get("litigation_direct", {}).get("total")
    after = rl.get("litigation_after_review", {}).get("total")
    if review is None or direct is None or after is None:
        return None
    litigation = format_number(direct + after)
    return (
        f"本年度因政府信息公开工作被申请行政复议{review}件，被提起行政诉讼{litigation}件"
        f"（未经复议直接起诉{format_number(direct)}件，复议后起诉{format_number(after)}件）。"
    )


def suggest(report: Report) -> dict[int, str]:
    """{section number: a suggested sentence} for sections 二、三、四, from the tables' numbers."""
    out: dict[int, str] = {}
    for no, make in ((2, _active), (3, _requests), (4, _review)):
        text = make(report)
        if text:
            out[no] = text
    return out
