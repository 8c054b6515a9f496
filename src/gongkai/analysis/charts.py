"""Charts of grouped stats: SVG written directly (no dependency; the default), PNG through matplotlib.

Both are drawn offline. SVG keeps its words as text, so the viewer's own Chinese fonts draw them.
For PNG a Chinese font file is looked for on the machine (fontconfig's `fc-list :lang=zh`, else the
usual font folders), preferring Noto Sans CJK SC / Source Han Sans SC, WenQuanYi Zen Hei, then the
Noto CJK collection, SimHei, Microsoft YaHei, PingFang; the file found is registered with matplotlib
directly (`fontManager.addfont`), so a stale matplotlib font cache never hides a newly installed font.
Without one, the PNG is still written and the warning says what to install
(Debian/Ubuntu: `apt-get install fonts-noto-cjk` or `fonts-wqy-zenhei`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from xml.sax.saxutils import escape

from gongkai.analysis.stats import GroupStats, metric_names

_RATE_KEYS = {"disclosure_rate", "review_correction_rate", "litigation_correction_rate", "denied_share"}
_FONTS = "'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Zen Hei','Microsoft YaHei','PingFang SC',SimHei,sans-serif"
# font file name patterns, best first (lower case); Droid Sans Fallback has no Latin digits: last resort
_FONT_FILES = ("notosanscjksc-regular", "sourcehansanssc-regular", "notosanssc-regular", "wqy-zenhei",
               "wqy-microhei", "notosanscjk-regular", "sourcehansans-regular", "simhei", "msyh", "pingfang",
               "droidsansfallback")
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
              "/System/Library/Fonts", "/Library/Fonts", "C:/Windows/Fonts")
NO_FONT = ("未找到中文字体，PNG 中的汉字会显示为方框。请安装中文字体后重试（Debian/Ubuntu：apt-get install "
           "fonts-noto-cjk 或 fonts-wqy-zenhei；Windows/macOS 自带黑体即可），或改用 .svg（默认）")


class ChartError(Exception):
    """A chart problem a user can act on (Chinese message)."""


def _fmt(metric: str, v: float | None) -> str:
    if v is None:
        return "—"
    if metric in _RATE_KEYS:
        return f"{v * 100:.1f}%"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def chart_data(groups: list[GroupStats], metric: str) -> tuple[str, list[tuple[str, float | None]]]:
    """The metric's Chinese name and one (group label with the reports it covers, value) per group."""
    names = metric_names()
    if metric not in names:
        raise ChartError(f"没有名为“{metric}”的指标；可用：{'、'.join(f'{k}（{v}）' for k, v in names.items())}")
    return names[metric], [
        (f"{g.label}（{g.reports if metric == 'reports' else g.used.get(metric, 0)}份）", g.value(metric))
        for g in groups
    ]


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


def _font_files() -> list[Path]:
    """Font files that cover Chinese: fontconfig's list, else every font file under the usual folders."""
    import shutil
    import subprocess

    found: list[Path] = []
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=20).stdout
            found = [Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()]
        except (OSError, subprocess.SubprocessError):
            found = []
    if not found:
        for folder in _FONT_DIRS:
            root = Path(folder).expanduser()
            if root.is_dir():
                found += [p for p in root.rglob("*") if p.suffix.lower() in (".ttf", ".otf", ".ttc")]
    return found


def find_cjk_font() -> Path | None:
    """The best Chinese font file on this machine (see the module docstring), or None."""
    def rank(p: Path) -> int:
        name = p.name.lower().replace(" ", "").replace("_", "")
        return next((i for i, pat in enumerate(_FONT_FILES) if pat in name), len(_FONT_FILES))

    files = sorted({p for p in _font_files() if rank(p) < len(_FONT_FILES) and p.is_file()},
                   key=lambda p: (rank(p), str(p)))
    return files[0] if files else None


def _use_font(path: Path) -> str:
    """Register a font file with matplotlib and make it the first sans-serif font; returns its family name."""
    import matplotlib
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]  # DejaVu draws what the CJK font lacks
    return str(name)


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
    font = find_cjk_font()
    warning = None
    if font is not None:
        _use_font(font)
    else:
        warning = NO_FONT
    matplotlib.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(max(6.0, 0.6 * len(data) + 2), 4.5), dpi=120)
    names = [n for n, _ in data]
    values = [0.0 if v is None else v for _, v in data]
    bars = ax.bar(range(len(values)), values, color="#4472C4")
    ax.set_xticks(range(len(values)), names, rotation=35, ha="right")
    ax.set_title(title or label)
    if metric in _RATE_KEYS:
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    for bar, (_, v) in zip(bars, data, strict=True):
        ax.annotate(_fmt(metric, v), (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                    va="bottom", fontsize=8)
    fig.tight_layout()
    fig.savefig(str(path), format="png")
    plt.close(fig)
    return warning


def chart_path(path: Path) -> Path:
    """The file a chart goes to: SVG unless the name asks for PNG (no suffix → .svg)."""
    return path if path.suffix else path.with_suffix(".svg")


def write_chart(groups: list[GroupStats], metric: str, path: Path, title: str | None = None) -> str | None:
    """Write a chart to `chart_path(path)` (.svg, the default, or .png); returns a warning to show, if any."""
    path = chart_path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        path.write_text(svg_chart(groups, metric, title), encoding="utf-8")
        return None
    if suffix == ".png":
        return png_chart(groups, metric, path, title)
    raise ChartError(f"图表文件须以 .svg（默认）或 .png 结尾：{path}")
