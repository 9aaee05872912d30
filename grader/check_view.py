"""How a `grader.check()` result looks in the notebook: plain text and styled HTML.

The HTML uses inline styles only, and colours that read on light and dark themes (JupyterLab,
classic Notebook, VS Code, Colab): text keeps the theme's colour, status is a coloured badge.
"""

from __future__ import annotations

import html

from grader.html_page import COLOURS, inline_code
from grader.records import Finding
from grader.student import CheckResult

HEADLINE = {
    "pass": "passed",
    "fail": "failed",
    "error": "failed: it raised an error",
    "missing": "could not run",
    "unknown": "unknown question",
    "unavailable": "could not be checked",
    "deferred": "judged by the grader outside this kernel",
}
BADGE = {
    "pass": "PASS",
    "fail": "FAIL",
    "error": "ERROR",
    "missing": "NOT RUN",
    "unknown": "?",
    "unavailable": "?",
    "deferred": "-",
}
PRINTED = "Your functions printed {lines:,} line{s} during this check (not shown in full){colon}"


def _points(value: float) -> str:
    return f"{value:g}"


def _worth(check: CheckResult) -> str:
    if check.status in ("unknown", "unavailable", "deferred"):
        return ""
    rest = check.question_points - check.max_points
    return (
        f"{_points(check.points)} / {_points(check.max_points)} points for this public check "
        f"(hidden tests with other shapes and values give the other {_points(rest)} of "
        f"{_points(check.question_points)})"
    )


def findings(check: CheckResult) -> list[Finding]:
    """Every finding the check shows, live-kernel notes first."""
    result = check.result
    return [*check.notes, *(result.findings if result is not None else ())]


def _root_cause(check: CheckResult) -> str:
    result = check.result
    if result is None or not result.blame or result.blame == (result.name,):
        return ""
    return ", ".join(result.blame)


def _cause_label(check: CheckResult) -> str:
    return "as written it is broken by" if check.status == "pass" else "root cause"


def _inside(check: CheckResult) -> str:
    result = check.result
    return ", ".join(result.wrong_intermediates) if result is not None else ""


def _printed_head(check: CheckResult) -> str:
    lines = check.printed.lines
    return PRINTED.format(
        lines=lines, s="" if lines == 1 else "s", colon="; the first are below:" if lines else ""
    )


def check_text(check: CheckResult) -> str:
    """The result as plain text (the repr a console or a text-only front end shows)."""
    if check.status == "unknown":
        return check.notes[0].message
    head = f"{BADGE[check.status]}  {check.question} {HEADLINE[check.status]}"
    worth = _worth(check)
    lines = [head + (f": {worth}" if worth else "")]
    if _root_cause(check):
        lines.append(f"  {_cause_label(check)}: {_root_cause(check)}")
    if _inside(check):
        lines.append(f"  wrong inside: {_inside(check)}")
    lines += [f"  - {f.message}" for f in findings(check)]
    if check.printed.lines:
        lines.append(_printed_head(check))
        lines += [f"  | {line}" for line in check.printed.first]
    return "\n".join(lines)


def check_html(check: CheckResult) -> str:
    """The result as an HTML fragment with inline styles."""
    if check.status == "unknown":
        return f"<div class='rnn-grader-check'><p>{inline_code(check.notes[0].message)}</p></div>"
    colour = COLOURS.get(check.status, COLOURS["missing"])
    badge = (
        f"<span style='background:{colour};color:#fff;border-radius:3px;padding:1px 6px;"
        f"font-weight:600;font-size:90%'>{BADGE[check.status]}</span>"
    )
    worth = _worth(check)
    parts = [
        f"<div class='rnn-grader-check' style='border-left:4px solid {colour};"
        f"padding:4px 10px;margin:4px 0;line-height:1.45'>",
        f"<div>{badge} <code>{html.escape(check.question)}</code> "
        f"{html.escape(HEADLINE[check.status])}"
        + (f": {html.escape(worth)}" if worth else "")
        + "</div>",
    ]
    if _root_cause(check):
        label = _cause_label(check).capitalize()
        parts.append(f"<div>{label}: <code>{html.escape(_root_cause(check))}</code></div>")
    if _inside(check):
        parts.append(f"<div>Wrong inside: <code>{html.escape(_inside(check))}</code></div>")
    shown = findings(check)
    if shown:
        items = "".join(f"<li>{inline_code(f.message)}</li>" for f in shown)
        parts.append(f"<ul style='margin:4px 0;padding-left:20px'>{items}</ul>")
    if check.printed.lines:
        body = html.escape("\n".join(check.printed.first))
        parts.append(
            f"<details><summary>{html.escape(_printed_head(check))}</summary>"
            f"<pre style='margin:2px 0'>{body}</pre></details>"
        )
    parts.append("</div>")
    return "".join(parts)
