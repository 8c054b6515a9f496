"""The national report format (国办公开办函〔2021〕30号 and 〔2019〕60号) declared as data.

Every label, alias, row key and column key lives here once. Extraction matches against it,
checks name cells by it, rendering and the UI print its labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Label:
    """One row or column of a table: its key, the standard wording, and accepted variants."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    version: str = "both"  # "2021", "2019" or "both"

    @property
    def wordings(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class ActiveVariant:
    """One version's columns for a block of table 二 (a 第二十条 item)."""

    version: str
    columns: tuple[Label, ...]


@dataclass(frozen=True)
class ActiveBlock:
    """A block of table 二, headed by 第二十条第（N）项."""

    item: str  # the Chinese numeral of the article item: 一, 五, 六, 八, 九
    rows: tuple[Label, ...]
    variants: tuple[ActiveVariant, ...]


@dataclass(frozen=True)
class Section:
    no: int
    title: str
    keywords: tuple[str, ...]
    aliases: tuple[str, ...] = field(default=())


SECTIONS: tuple[Section, ...] = (
    Section(1, "总体情况", ("总体情况", "工作基本情况", "基本情况", "概述")),
    Section(2, "主动公开政府信息情况", ("主动公开",)),
    Section(3, "收到和处理政府信息公开申请情况", ("收到和处理", "依申请公开")),
    Section(
        4,
        "政府信息公开行政复议、行政诉讼情况",
        ("行政复议", "行政诉讼"),
        ("因政府信息公开工作被申请行政复议和提起行政诉讼情况",),
    ),
    Section(5, "存在的主要问题及改进情况", ("存在的主要问题", "主要问题", "存在问题", "问题及改进", "改进情况")),
    Section(6, "其他需要报告的事项", ("其他需要报告", "其它需要报告", "需要报告的事项")),
)

# ---------------------------------------------------------------- table 二 主动公开
_ITEM_COUNT_2021 = (
    Label("issued", "本年制发件数", version="2021"),
    Label("repealed", "本年废止件数", version="2021"),
    Label("in_force", "现行有效件数", version="2021"),
)
_ITEM_COUNT_2019 = (
    Label("made", "本年新制作数量", ("本年新制作",), version="2019"),
    Label("published", "本年新公开数量", ("本年新公开",), version="2019"),
    Label("total", "对外公开总数量", version="2019"),
)
_DECISIONS_2021 = (Label("decisions", "本年处理决定数量", version="2021"),)
_ITEMS_2019 = (
    Label("previous", "上一年项目数量", version="2019"),
    Label("change", "本年增/减", ("本年增减",), version="2019"),
    Label("decisions", "处理决定数量", version="2019"),
)

ACTIVE_BLOCKS: tuple[ActiveBlock, ...] = (
    ActiveBlock(
        "一",
        (
            Label("regulations", "规章"),
            Label("normative_documents", "行政规范性文件", ("规范性文件",)),
        ),
        (ActiveVariant("2021", _ITEM_COUNT_2021), ActiveVariant("2019", _ITEM_COUNT_2019)),
    ),
    ActiveBlock(
        "五",
        (
            Label("licensing", "行政许可"),
            Label("other_services", "其他对外管理服务事项", version="2019"),
        ),
        (ActiveVariant("2021", _DECISIONS_2021), ActiveVariant("2019", _ITEMS_2019)),
    ),
    ActiveBlock(
        "六",
        (Label("punishment", "行政处罚"), Label("coercion", "行政强制")),
        (ActiveVariant("2021", _DECISIONS_2021), ActiveVariant("2019", _ITEMS_2019)),
    ),
    ActiveBlock(
        "八",
        (Label("fees", "行政事业性收费"),),
        (
            ActiveVariant("2021", (Label("amount", "本年收费金额（单位：万元）", ("本年收费金额",), version="2021"),)),
            ActiveVariant("2019", _ITEMS_2019[:2]),
        ),
    ),
    ActiveBlock(
        "九",
        (Label("procurement", "政府集中采购", version="2019"),),
        (
            ActiveVariant(
                "2019",
                (
                    Label("items", "采购项目数量", version="2019"),
                    Label("amount", "采购总金额", version="2019"),
                ),
            ),
        ),
    ),
)

ACTIVE_ROWS: dict[str, tuple[ActiveBlock, Label]] = {
    row.key: (block, row) for block in ACTIVE_BLOCKS for row in block.rows
}

# ---------------------------------------------------------------- table 三 申请
REQUEST_COLUMNS: tuple[Label, ...] = (
    Label("natural_person", "自然人"),
    Label("business", "商业企业"),
    Label("research", "科研机构"),
    Label("nonprofit", "社会公益组织"),
    Label("legal_service", "法律服务机构"),
    Label("other_org", "其他"),
    Label("total", "总计"),
)
APPLICANT_COLUMNS: tuple[str, ...] = tuple(c.key for c in REQUEST_COLUMNS[:6])

# Row label wordings are written without their numbering; `number` is the printed prefix
# (一、 （一） 1.) so that typos in the wording can still be placed by number and group.


@dataclass(frozen=True)
class RequestRow:
    key: str
    number: str  # "一", "（一）", "1." …
    label: str
    group: str | None = None  # key of the group the row sits in (三 results, （三） denied …)
    aliases: tuple[str, ...] = ()
    version: str = "both"

    @property
    def full_label(self) -> str:
        return f"{self.number}{self.label}"


@dataclass(frozen=True)
class RequestGroup:
    key: str
    number: str
    label: str


REQUEST_GROUPS: tuple[RequestGroup, ...] = (
    RequestGroup("results", "三、", "本年度办理结果"),
    RequestGroup("denied", "（三）", "不予公开"),
    RequestGroup("unable", "（四）", "无法提供"),
    RequestGroup("declined", "（五）", "不予处理"),
    RequestGroup("other_handling", "（六）", "其他处理"),
)

REQUEST_ROWS: tuple[RequestRow, ...] = (
    RequestRow("new_received", "一、", "本年新收政府信息公开申请数量"),
    RequestRow("carried_over", "二、", "上年结转政府信息公开申请数量"),
    RequestRow("granted", "（一）", "予以公开", "results"),
    RequestRow(
        "partially_granted", "（二）", "部分公开（区分处理的，只计这一情形，不计其他情形）", "results", ("部分公开",)
    ),
    RequestRow("denied_state_secret", "1.", "属于国家秘密", "denied"),
    RequestRow("denied_prohibited", "2.", "其他法律行政法规禁止公开", "denied"),
    RequestRow("denied_security", "3.", "危及“三安全一稳定”", "denied"),
    RequestRow("denied_third_party", "4.", "保护第三方合法权益", "denied"),
    RequestRow("denied_internal", "5.", "属于三类内部事务信息", "denied"),
    RequestRow("denied_process", "6.", "属于四类过程性信息", "denied"),
    RequestRow("denied_enforcement", "7.", "属于行政执法案卷", "denied"),
    RequestRow("denied_query", "8.", "属于行政查询事项", "denied"),
    RequestRow("unable_not_held", "1.", "本机关不掌握相关政府信息", "unable"),
    RequestRow("unable_create", "2.", "没有现成信息需要另行制作", "unable"),
    RequestRow("unable_unclear", "3.", "补正后申请内容仍不明确", "unable"),
    RequestRow("declined_complaint", "1.", "信访举报投诉类申请", "declined"),
    RequestRow("declined_duplicate", "2.", "重复申请", "declined"),
    RequestRow("declined_publication", "3.", "要求提供公开出版物", "declined"),
    RequestRow("declined_excessive", "4.", "无正当理由大量反复申请", "declined"),
    RequestRow("declined_confirm", "5.", "要求行政机关确认或重新出具已获取信息", "declined"),
    RequestRow(
        "other_overdue_correction",
        "1.",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "other_handling",
        version="2021",
    ),
    RequestRow(
        "other_overdue_fee",
        "2.",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other_handling",
        version="2021",
    ),
    RequestRow("other_other", "3.", "其他", "other_handling", version="2021"),
    RequestRow("other", "（六）", "其他处理", "results", version="2019"),
    RequestRow("total_processed", "（七）", "总计", "results"),
    RequestRow("carried_forward", "四、", "结转下年度继续办理"),
)
REQUEST_ROW_BY_KEY: dict[str, RequestRow] = {r.key: r for r in REQUEST_ROWS}

# Rows whose sum is （七）总计, per template shape.
RESULT_ROWS_2021: tuple[str, ...] = tuple(
    r.key for r in REQUEST_ROWS if r.group in ("results", "denied", "unable", "declined", "other_handling")
    and r.key not in ("total_processed", "other")
)
RESULT_ROWS_2019: tuple[str, ...] = tuple(
    k for k in RESULT_ROWS_2021 if not k.startswith("other_")
) + ("other",)

# ---------------------------------------------------------------- table 四 复议/诉讼
REVIEW_GROUPS: tuple[Label, ...] = (
    Label("review", "行政复议"),
    Label("litigation_direct", "行政诉讼·未经复议直接起诉", ("未经复议直接起诉",)),
    Label("litigation_after_review", "行政诉讼·复议后起诉", ("复议后起诉",)),
)
REVIEW_COLUMNS: tuple[Label, ...] = (
    Label("upheld", "结果维持"),
    Label("corrected", "结果纠正"),
    Label("other", "其他结果"),
    Label("pending", "尚未审结"),
    Label("total", "总计"),
)
REVIEW_CELLS: tuple[tuple[str, str], ...] = tuple(
    (g.key, c.key) for g in REVIEW_GROUPS for c in REVIEW_COLUMNS
)

TABLE_TITLES: dict[str, str] = {
    "active": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
}

CHINESE_DIGITS = "一二三四五六七八九十"


def cell_parts(path: str) -> tuple[str, str, str]:
    """A cell path as (table title, row label, column label) in the standard's Chinese wording."""
    table = path.split(".", 1)[0]
    label = cell_label(path)
    row, _, col = label.rpartition("·")
    parts = path.split(".")
    r = REQUEST_ROW_BY_KEY.get(parts[1]) if table == "requests" and len(parts) == 3 else None
    if r is not None and r.group and r.group != "results":
        group = next((g for g in REQUEST_GROUPS if g.key == r.group), None)
        if group is not None:
            row = f"{group.number}{group.label} {row}"
    return TABLE_TITLES.get(table, ""), row or label, col


def cell_label(path: str) -> str:
    """A Chinese description of a cell path, e.g. 'requests.granted.total' → '（一）予以公开·总计'."""
    parts = path.split(".")
    if len(parts) != 3:
        return path
    table, row, col = parts
    if table == "requests":
        r = REQUEST_ROW_BY_KEY.get(row)
        c = next((c.label for c in REQUEST_COLUMNS if c.key == col), col)
        return f"{r.full_label if r else row}·{c}"
    if table == "review_litigation":
        g = next((g.label for g in REVIEW_GROUPS if g.key == row), row)
        c = next((c.label for c in REVIEW_COLUMNS if c.key == col), col)
        return f"{g}·{c}"
    if table == "active" and row in ACTIVE_ROWS:
        block, label = ACTIVE_ROWS[row]
        names = {c.key: c.label for v in block.variants for c in v.columns}
        return f"{label.label}·{names.get(col, col)}"
    return path
