"""Charts of grouped stats: SVG written directly (no dependency), PNG through matplotlib (optional extra).

Both are drawn offline. The SVG names common Chinese fonts and lets the viewer pick one; for PNG a
CJK font installed on the machine is looked up (Noto Sans CJK, Source Han, WenQuanYi, SimHei, …).
"""

from __future__ import annotations

import logging
from pathlib import Path
from xml.sax.saxutils import escape

from gongkai.analysis.stats import GroupStats, metric_names

_RATE_KEYS = {"disclosure_rate", "review_correction_rate", "litigation_correction_rate", "denied_share"}
_FONTS = "'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Zen Hei','Microsoft YaHei','PingFang SC',SimHei,sans-serif"
_CJK_NAMES = ("Noto Sans CJK", "Source Han Sans", "WenQuanYi", "SimHei", "Microsoft YaHei", "PingFang",
              "Noto Sans SC", "Droid Sans Fallback", "AR PL")


class ChartError(Exception):
    """A chart problem a user can act on (Chinese message)."""


def _fmt(metric: str, v: float | None) -> str:
    if v is None:
        return "—"
    if metric in _RATE_KEYS:
        return f"{v * 100:.1f}%"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def chart_data(groups: list[GroupStats], metric: str) -> tuple[str, list[tuple[str, float | None]]]:
    names = metric_names()
    if metric not in names:
        raise ChartError(f"没有名为“{metric}”的指标；可用：{'、'.join(f'{k}（{v}）' for k, v in names.items())}")
    return names[metric], [(g.label, g.value(metric)) for g in groups]


def svg_chart(groups: list[GroupStats], metric: str, title: str | None = None) -> str:
    """A bar chart as an SVG document (one bar per group; a group without a value shows “—”)."""
    label, data = chart_data(groups, metric)
    title = title or label
    n = max(1, len(data))
    bar_w = max(18, min(80, 640 // n))
    gap = bar_w // 3
    left, top, plot_h = 70, 50, 280
    width = max(480, left + n * (bar_w + gap) + 40)
    height = top + plot_h + 110
    top_value = max((v for _, v in data if v is not None), default=0.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{_FONTS}">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2:.0f}" y="28" text-anchor="middle" font-size="18">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 20}" y2="{top + plot_h}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>',
    ]
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
                     f'{escape(_fmt(metric, top_value * i / 4))}</text>')
    for i, (name, v) in enumerate(data):
        x = left + gap + i * (bar_w + gap)
        h = 0.0 if v is None else plot_h * v / top_value
        y = top + plot_h - h
        parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar_w}" height="{h:.1f}" fill="#4472C4">'
                     f'<title>{escape(name)}：{escape(_fmt(metric, v))}</title></rect>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11">'
                     f'{escape(_fmt(metric, v))}</text>')
        cx, cy = x + bar_w / 2, top + plot_h + 14
        parts.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="end" font-size="12" '
                     f'transform="rotate(-35 {cx:.1f} {cy:.1f})">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    for f in font_manager.fontManager.ttflist:
        if any(n.lower() in f.name.lower() for n in _CJK_NAMES):
            return str(f.name)
    return None


def png_chart(groups: list[GroupStats], metric: str, path: Path, title: str | None = None) -> str | None:
    """Draw a PNG with matplotlib; returns a Chinese warning when no CJK font was found (else None)."""
    try:
        import matplotlib

        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ChartError("生成 PNG 图表需要 matplotlib：请安装 pip install 'gongkai[charts]'，或改用 .svg") from None
    label, data = chart_data(groups, metric)
    font = _cjk_font()
    warning = None
    if font:
        matplotlib.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    else:
        warning = "未找到中文字体，PNG 中的汉字可能显示为方框；可安装 fonts-noto-cjk 或 fonts-wqy-zenhei，或改用 .svg"
    matplotlib.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(max(6.0, 0.6 * len(data) + 2), 4.5), dpi=120)
    names = [n for n, _ in data]
    values = [0.0 if v is None else v for _, v in data]
    bars = ax.bar(range(len(values)), values, color="#4472C4")
    ax.set_xticks(range(len(values)), names, rotation=35, ha="right")
    ax.set_title(title or label)
    for bar, (_, v) in zip(bars, data, strict=True):
        ax.annotate(_fmt(metric, v), (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                    va="bottom", fontsize=8)
    fig.tight_layout()
    fig.savefig(str(path), format="png")
    plt.close(fig)
    return warning


def write_chart(groups: list[GroupStats], metric: str, path: Path, title: str | None = None) -> str | None:
    """Write a chart to `path` (.svg or .png); returns a warning to show, if any."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        path.write_text(svg_chart(groups, metric, title), encoding="utf-8")
        return None
    if suffix == ".png":
        return png_chart(groups, metric, path, title)
    raise ChartError(f"图表文件须以 .svg 或 .png 结尾：{path}")
