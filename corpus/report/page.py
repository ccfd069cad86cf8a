"""One self-contained HTML page: the Vega/Vega-Lite/vega-embed bundle inline, then sections.

The JavaScript comes from vl-convert-python's bundle (Vega, Vega-Lite and vega-embed,
BSD-3-Clause), the one altair inlines for `chart.save(..., inline=True)`: no CDN, so the
page opens from disk and offline. Charts render as SVG.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from corpus.report.charts import Spec

STYLE = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "PingFang SC", sans-serif;
       margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
.note { color: #666; font-size: 0.9em; }
.numbers span { display: inline-block; margin-right: 2em; }
.numbers b { font-size: 1.4em; display: block; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
td, th { border-bottom: 1px solid #eee; padding: 0.2em 0.6em; text-align: left;
         vertical-align: top; }
td.n { text-align: right; }
tr.changed td { background: #fff3cd; }
.chart-error { color: #b00; }
"""


@dataclass(frozen=True, slots=True)
class Section:
    key: str  # the element id
    heading: str
    note: str = ""
    spec: Spec | None = None
    empty: str = "nothing to show"  # said instead of a chart when spec is None
    table: str = ""  # extra HTML (already escaped) shown under the chart


def table(rows: list[dict[str, Any]], columns: list[str], mark: str | None = None) -> str:
    """An HTML table of `columns`; rows with a truthy `mark` field get class="changed"."""
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c)
            if isinstance(v, float):
                text, cls = (f"{v:.1%}" if c.endswith("rate") else f"{v:g}"), ' class="n"'
            elif isinstance(v, int) and not isinstance(v, bool):
                text, cls = str(v), ' class="n"'
            elif isinstance(v, dict):
                text, cls = ", ".join(f"{k} {n}" for k, n in v.items()) or "-", ""
            elif c == "url" and v:
                text, cls = f'<a href="{html.escape(str(v))}">{html.escape(str(v))}</a>', ""
                cells.append(f"<td>{text}</td>")
                continue
            else:
                text, cls = ("" if v is None else str(v)), ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        attr = ' class="changed"' if mark and r.get(mark) else ""
        body.append(f"<tr{attr}>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def render(title: str, intro: str, numbers: dict[str, Any], sections: list[Section]) -> str:
    from corpus.report.bundle import javascript_bundle

    bundle, about = javascript_bundle()
    specs = {s.key: s.spec for s in sections if s.spec is not None}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>",
        f"<script>/* {about} */\n{bundle}\n</script>",
        "</head><body>",
        f"<h1>{html.escape(title)}</h1><p class=note>{html.escape(intro)}</p>",
        '<div class="numbers">'
        + "".join(
            f"<span><b>{html.escape(str(v))}</b>{html.escape(k)}</span>" for k, v in numbers.items()
        )
        + "</div>",
    ]
    for s in sections:
        parts.append(f'<section id="{s.key}"><h2>{html.escape(s.heading)}</h2>')
        if s.note:
            parts.append(f"<p class=note>{html.escape(s.note)}</p>")
        if s.spec is not None:
            parts.append(f'<div class="chart" id="chart-{s.key}"></div>')
        else:
            parts.append(f"<p class=note>({html.escape(s.empty)})</p>")
        parts.append(s.table)
        parts.append("</section>")
    parts.append(f"<script>\nconst specs = {_script_json(specs)};\n{EMBED}\n</script>")
    parts.append("</body></html>")
    return "\n".join(parts)


# Each chart records its state on its element (data-rendered = ok | error), so a test or
# a reader can tell a chart that failed from one still drawing.
EMBED = """
for (const [key, spec] of Object.entries(specs)) {
  const el = document.getElementById("chart-" + key);
  vegaEmbed(el, spec, {renderer: "svg", actions: false})
    .then(() => { el.dataset.rendered = "ok"; })
    .catch((err) => {
      el.dataset.rendered = "error";
      el.innerHTML = '<p class="chart-error">chart failed: ' + String(err) + "</p>";
      console.error(err);
    });
}
"""


def _script_json(value: Any) -> str:
    # "</" inside a <script> would end it early; "<\\/" means the same to JavaScript.
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
