"""The class report: one standalone HTML page about a whole course's submissions.

`class_summary` counts, from the reports' JSON contracts (schema 1), what the page shows: the
score distribution; per function, how many got it right, right in isolation but broken as
written by a function it depends on, and wrong; the most frequent diagnosed mistakes (known-
mistake hints and finding codes) with one anonymised example message each; how many
submissions had stale state. `class_report` draws it with matplotlib (PNG charts embedded as
data URIs, so the page is one file that opens anywhere, offline).
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections import Counter
from dataclasses import dataclass, field

TOP_MISTAKES = 12
MAX_EXAMPLE = 300
NOT_DIAGNOSES = {"not-graded"}  # a submission not graded says so in every function
STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; color: #1f2328; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; border-bottom: 1px solid #d0d7de; }
table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: .25rem .5rem;
       text-align: left; vertical-align: top; }
img { max-width: 100%; }
"""


@dataclass
class ClassSummary:
    """What the class report shows, as counts."""

    submissions: int = 0
    max_score: float = 0.0
    scores: list[float] = field(default_factory=list)
    functions: dict[str, Counter] = field(default_factory=dict)  # name -> right/callee/wrong
    mistakes: Counter = field(default_factory=Counter)  # (code, function, hint) -> count
    examples: dict[tuple, str] = field(default_factory=dict)
    stale: int = 0
    stale_kinds: Counter = field(default_factory=Counter)
    runs: Counter = field(default_factory=Counter)


def _verdict(name: str, result: dict) -> str:
    """right, callee (right in isolation, broken as written by a function it uses) or wrong."""
    blame = result.get("blame") or []
    if result.get("correct_in_isolation") is True:
        if result.get("status") == "pass" and not blame:
            return "right"
        if blame and name not in blame:
            return "callee"
        return "right" if result.get("status") == "pass" else "wrong"
    return "wrong"


def anonymised(text: str, submission: str) -> str:
    """A message with the submission's file name taken out and long text cut."""
    if submission:
        text = text.replace(submission, "<submission>")
    text = re.sub(r"/(?:[\w.-]+/)+[\w.-]+", "<path>", text)
    return text if len(text) <= MAX_EXAMPLE else text[: MAX_EXAMPLE - 1] + "…"


def class_summary(reports: list[dict]) -> ClassSummary:
    summary = ClassSummary(functions={})  # the reports' functions, in their (declared) order
    for report in reports:
        summary.submissions += 1
        summary.scores.append(float(report.get("score", 0.0)))
        summary.max_score = max(summary.max_score, float(report.get("max_score", 0.0)))
        run = report.get("run", {})
        summary.runs[run.get("status", "")] += 1
        stale = run.get("stale", [])
        if stale:
            summary.stale += 1
            summary.stale_kinds.update(sorted({item.get("kind", "") for item in stale}))
        for name, result in report.get("functions", {}).items():
            summary.functions.setdefault(name, Counter())[_verdict(name, result)] += 1
            for finding in result.get("findings", []):
                code = finding.get("code", "")
                if code in NOT_DIAGNOSES:
                    continue
                hint = finding.get("message", "") if code == "known-mistake" else ""
                key = (code, name, hint)
                summary.mistakes[key] += 1
                summary.examples.setdefault(
                    key, anonymised(finding.get("message", ""), report.get("submission", ""))
                )
    return summary


def _top(summary: ClassSummary) -> list[tuple[tuple, int]]:
    """The most frequent mistakes, ties in a fixed order (not the order reports came in)."""
    ranked = sorted(summary.mistakes.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:TOP_MISTAKES]


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _charts(summary: ClassSummary) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    charts = {}
    figure = Figure(figsize=(7, 3))
    axes = figure.subplots()
    top = max(summary.max_score, 1.0)
    bins = [x - 0.5 for x in range(int(top) + 2)]
    axes.hist(summary.scores, bins=bins, color="#0969da", edgecolor="white")
    axes.set(xlabel="score", ylabel="submissions", title="Score distribution")
    charts["scores"] = _png(figure)

    names = list(summary.functions)
    figure = Figure(figsize=(7, 0.45 * len(names) + 1.2))
    axes = figure.subplots()
    left = [0] * len(names)
    kinds = (
        ("right", "right", "#1a7f37"),
        ("callee", "right alone, broken by a callee", "#d4a72c"),
        ("wrong", "wrong", "#b3261e"),
    )
    for kind, label, colour in kinds:
        counts = [summary.functions[n][kind] for n in names]
        axes.barh(names, counts, left=left, label=label, color=colour)
        left = [a + b for a, b in zip(left, counts)]
    axes.invert_yaxis()
    axes.set(xlabel="submissions", title="Each function: right, broken by a callee, wrong")
    axes.legend(loc="lower right", fontsize="small")
    charts["functions"] = _png(figure)

    top_items = _top(summary)
    figure = Figure(figsize=(7, 0.4 * max(len(top_items), 1) + 1.2))
    axes = figure.subplots()
    labels = [f"{function}: {code}" for (code, function, _), _ in top_items]
    axes.barh(labels or ["none"], [n for _, n in top_items] or [0], color="#8250df")
    axes.invert_yaxis()
    axes.set(xlabel="submissions", title="Most frequent diagnosed mistakes")
    charts["mistakes"] = _png(figure)

    figure = Figure(figsize=(7, 2.6))
    axes = figure.subplots()
    kinds_seen = sorted(summary.stale_kinds.items(), key=lambda kv: (-kv[1], kv[0]))
    axes.bar(
        ["any stale state", *[k for k, _ in kinds_seen]],
        [summary.stale, *[n for _, n in kinds_seen]],
        color="#57606a",
    )
    axes.set(ylabel="submissions", title="Stale kernel state")
    charts["stale"] = _png(figure)
    return charts


def class_report(reports: list[dict], title: str = "Class report") -> str:
    """The whole page for `reports` (each a report's JSON contract)."""
    summary = class_summary(reports)
    charts = _charts(summary)
    esc = html.escape
    mean = sum(summary.scores) / len(summary.scores) if summary.scores else 0.0
    parts = [
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{esc(title)}"
        f"</title><style>{STYLE}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p>{summary.submissions} submission(s) graded; mean score {mean:.2f} / "
        f"{summary.max_score:g}; fresh runs: "
        + ", ".join(f"{esc(k)} {n}" for k, n in sorted(summary.runs.items()))
        + ".</p>",
    ]
    sections = (
        ("scores", "Score distribution"),
        ("functions", "Functions"),
        ("mistakes", "Diagnosed mistakes"),
        ("stale", "Stale state"),
    )
    for key, heading in sections:
        parts.append(f"<h2>{heading}</h2>")
        parts.append(
            f"<img id='chart-{key}' class='chart' alt='{esc(heading)}' src='{charts[key]}'>"
        )
        if key == "functions":
            parts.append(_function_table(summary))
        if key == "mistakes":
            parts.append(_mistake_table(summary))
        if key == "stale":
            parts.append(
                f"<p>{summary.stale} of {summary.submissions} submission(s) had stale state "
                "(they only worked in a kernel holding old definitions or outputs).</p>"
            )
    parts.append("</body></html>\n")
    return "".join(parts)


def _function_table(summary: ClassSummary) -> str:
    rows = "".join(
        f"<tr><td><code>{html.escape(name)}</code></td><td>{c['right']}</td>"
        f"<td>{c['callee']}</td><td>{c['wrong']}</td></tr>"
        for name, c in summary.functions.items()
    )
    head = "<tr><th>function</th><th>right</th><th>right alone, broken by a callee</th>"
    return f"<table id='functions'>{head}<th>wrong</th></tr>{rows}</table>"


def _mistake_table(summary: ClassSummary) -> str:
    rows = "".join(
        f"<tr><td>{n}</td><td><code>{html.escape(function)}</code></td>"
        f"<td><code>{html.escape(code)}</code></td>"
        f"<td>{html.escape(summary.examples[(code, function, hint)])}</td></tr>"
        for (code, function, hint), n in _top(summary)
    )
    head = "<tr><th>count</th><th>function</th><th>finding</th><th>example message</th></tr>"
    return f"<table id='mistakes'>{head}{rows}</table>"
