"""A submission's report as a standalone HTML page: charset, title, its own style sheet (also
for print), Markdown code spans shown as code, and a reason for not grading said once."""

from __future__ import annotations

import html
import re

from grader.records import STATUS_MARK, Finding, FunctionResult, Report

COLOURS = {
    "pass": "#1a7f37",
    "fail": "#b3261e",
    "error": "#b3261e",
    "missing": "#8a6d00",
    "unavailable": "#8a6d00",
    "deferred": "#57606a",
    "unknown": "#57606a",
}
_CODE_SPAN = re.compile(r"`([^`\n]+)`")

STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; }
h2 { font-size: 1.1rem; margin-top: 1.6rem; border-bottom: 1px solid #d0d7de; }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
       background: #f6f8fa; padding: 0 .25em; border-radius: 3px; }
.score { font-size: 1.1rem; }
.fn { border-left: 4px solid #d0d7de; padding: .2rem .8rem; margin: .8rem 0;
      break-inside: avoid; }
.badge { color: #fff; border-radius: 3px; padding: 0 .4em; font-weight: 600; font-size: .85em; }
.notice { border: 1px solid #d4a72c; background: #fff8c5; padding: .4rem .8rem;
          border-radius: 4px; }
ul { margin: .3rem 0; padding-left: 1.3rem; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; }
               .fn { border-left-width: 2pt; } code { background: none; } }
"""


def inline_code(text: str) -> str:
    """`text` escaped for HTML, with Markdown code spans (`x`) shown as <code>."""
    return _CODE_SPAN.sub(r"<code>\1</code>", html.escape(text, quote=False))


def _score(value: float) -> str:
    return f"{value:g}"


def _shared_reason(report: Report) -> str:
    """The one not-graded reason every function carries (an invalid notebook, a dead
    kernel), or ""; the page then says it once instead of under each function."""
    reasons = {f.message for r in report.functions for f in r.findings if f.code == "not-graded"}
    every = all(any(f.code == "not-graded" for f in r.findings) for r in report.functions)
    return reasons.pop() if len(reasons) == 1 and every and report.functions else ""


def function_html(result: FunctionResult, skip: str = "") -> str:
    colour = COLOURS[result.status]
    parts = [
        f"<section class='fn' style='border-left-color:{colour}'>"
        f"<p><span class='badge' style='background:{colour}'>{STATUS_MARK[result.status]}"
        f"</span> <code>{html.escape(result.name)}</code> "
        f"{_score(result.score)} / {_score(result.max_score)}</p>"
    ]
    if result.blame and result.blame != (result.name,):
        parts.append(
            "<p>Root cause: "
            + ", ".join(f"<code>{html.escape(b)}</code>" for b in result.blame)
            + "</p>"
        )
    if result.wrong_intermediates:
        inside = ", ".join(f"<code>{html.escape(w)}</code>" for w in result.wrong_intermediates)
        parts.append(f"<p>Wrong inside: {inside}</p>")
    shown = [f for f in result.findings if f.message != skip]
    if shown:
        items = "".join(f"<li>{inline_code(f.message)}</li>" for f in shown)
        parts.append(f"<ul>{items}</ul>")
    parts.append("</section>")
    return "".join(parts)


def _notices(notices: tuple[Finding, ...], reason: str) -> list[str]:
    messages = list(dict.fromkeys(n.message for n in notices))
    if reason and not any(reason.endswith(m) or m in reason for m in messages):
        messages.insert(0, reason)
    if not messages:
        return []
    items = "".join(f"<li>{inline_code(m)}</li>" for m in messages)
    return [f"<div class='notice'><ul>{items}</ul></div>"]


def render_html(report: Report) -> str:
    """The whole report as one standalone, printable HTML page."""
    title = f"{report.submission}: {_score(report.score)} / {_score(report.max_score)}"
    reason = _shared_reason(report)
    parts = [
        "<!DOCTYPE html>",
        "<html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(report.submission)}</h1>",
        f"<p class='score'>Score: <strong>{_score(report.score)} / "
        f"{_score(report.max_score)}</strong> &middot; fresh run: "
        f"{html.escape(report.run.status)}</p>",
        *_notices(report.notices, reason),
    ]
    failed_cells = [c for c in report.run.cells if c.status in ("error", "timeout", "died")]
    if failed_cells:
        parts.append("<h2>Cells that failed in a fresh kernel</h2><ul>")
        parts += [
            f"<li>Cell {c.index + 1}: {html.escape(c.status)} <code>{html.escape(c.ename)}"
            f"</code>: {html.escape(c.evalue[:160])}</li>"
            for c in failed_cells
        ]
        parts.append("</ul>")
    if report.stale:
        parts.append("<h2>Stale state</h2><ul>")
        parts += [f"<li>{inline_code(item.message)}</li>" for item in report.stale]
        parts.append("</ul>")
    parts.append("<h2>Functions</h2>")
    parts += [function_html(f, skip=reason) for f in report.functions]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
