"""The 填报 form for the web face: the standard tables with inputs, totals computed live, same layout.

`form_tables_html(version, values)` draws the three tables (render/layout.py) with an <input> in
every cell a writer fills and a read-only <output> for every total, which `LIVE_TOTALS_JS`
keeps summed as the writer types. What the form posts is the values mapping that
`report_from_form` turns into the checked Report, and `render_docx` into the Word file.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from gongkai.render.html import table_html
from gongkai.render.layout import Slot, Version, computed_paths, layouts
from gongkai.render.workbook import DECIMAL_PATHS

LIVE_TOTALS_JS = """
(function () {
  function num(el) { var v = parseFloat((el.value || "").trim()); return isNaN(v) ? 0 : v; }
  function refresh(form) {
    form.querySelectorAll("output[data-sum]").forEach(function (out) {
      var total = 0;
      out.getAttribute("data-sum").split(" ").forEach(function (name) {
        var el = form.elements.namedItem(name); if (el) { total += num(el); }
      });
      out.value = String(Math.round(total * 100) / 100);
    });
  }
  document.querySelectorAll("form.gongkai-fill").forEach(function (form) {
    form.addEventListener("input", function () { refresh(form); });
    refresh(form);
  });
})();
"""


def form_tables_html(version: Version = "2021", values: Mapping[str, str] | None = None) -> str:
    """The three standard tables with form fields (field names are the cell paths)."""
    values = dict(values or {})
    computed = computed_paths(version)

    def cell(slot: Slot, text: str) -> str:
        path = slot.path or ""
        if path in computed:
            return f'<output name="{path}" data-sum="{" ".join(computed[path])}">{escape(text)}</output>'
        step = "0.01" if path in DECIMAL_PATHS else "1"
        low = "" if path.endswith(".change") else ' min="0"'
        return (
            f'<input type="number" name="{path}" value="{escape(text)}" step="{step}"{low} '
            'inputmode="decimal" style="width:100%;box-sizing:border-box;text-align:center">'
        )

    return "\n".join(
        f"<h3>{escape(layout.title)}</h3>\n" + table_html(layout, values, cell) for layout in layouts(version)
    )
