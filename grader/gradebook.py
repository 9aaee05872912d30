"""What a graded course gets written: the CSV gradebook and each student's feedback page (the
Gradescope `results.json` is grader.otter_tests'). Renderers only: they read finished reports (the
`Report` in a worker, its JSON contract afterwards) and never grade.
"""

from __future__ import annotations

import csv
import io
import re

from grader.records import Report

GRADEBOOK = "gradebook.csv"
FIRST_COLUMNS = ["submission", "total", "max_score"]
LAST_COLUMNS = ["run", "status", "root_causes", "stale_items", "report"]
"""Between them, a column per graded function, in the order the reports list them (the
assignment's declaration order): the gradebook needs no declaration of its own."""
PAGE = (
    "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
    "<body>{body}</body></html>\n"
)
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_SLUG = 120


def feedback_html(report: Report) -> str:
    """The report as a standalone page (the engine's HTML renderer)."""
    import html

    import grader

    body = grader.render_html(report)
    if body.lstrip().lower().startswith("<!doctype"):
        return body
    return PAGE.format(title=html.escape(f"{report.submission}: feedback"), body=body)


def root_causes(report: dict) -> list[str]:
    """The functions blamed for what fails in a report's JSON contract, root causes first."""
    found: list[str] = []
    for result in report.get("functions", {}).values():  # the declaration's order
        if result.get("status") == "pass":
            continue
        for name in result.get("blame") or []:
            if name not in found:
                found.append(name)
    return found


def gradebook_row(identifier: str, status: str, report: dict | None, report_file: str) -> dict:
    """One gradebook row; a submission without a report (not graded yet) keeps only its name
    and status."""
    if report is None:
        return {"submission": identifier, "status": status}
    functions = report.get("functions", {})
    row = {
        "submission": identifier,
        "total": report.get("score"),
        "max_score": report.get("max_score"),
        "run": report.get("run", {}).get("status", ""),
        "status": status,
        "root_causes": " ".join(root_causes(report)),
        "stale_items": len(report.get("run", {}).get("stale", [])),
        "report": report_file,
    }
    row.update({fn: result["score"] for fn, result in functions.items()})
    return row


def columns(rows: list[dict]) -> list[str]:
    """The gradebook's columns: the functions are those the rows' reports have, first seen
    first (every report of a course lists the same ones, in its assignment's order)."""
    fixed = {*FIRST_COLUMNS, *LAST_COLUMNS}
    functions = dict.fromkeys(k for row in rows for k in row if k not in fixed)
    return [*FIRST_COLUMNS, *functions, *LAST_COLUMNS]


def gradebook_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns(rows), restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def slugs(identifiers: list[str]) -> list[str]:
    """A distinct file-name-safe name per submission identifier ("export.zip/alice/nb.ipynb"
    -> "export.zip--alice--nb"), numbered when two come out the same."""
    out: list[str] = []
    seen: set[str] = set()
    for identifier in identifiers:
        stem = identifier[:-6] if identifier.lower().endswith(".ipynb") else identifier
        base = UNSAFE.sub("_", stem.replace("\\", "/").strip("/").replace("/", "--"))
        base = base.strip("._")[:MAX_SLUG] or "submission"
        name, k = base, 2
        while name in seen:
            name, k = f"{base}-{k}", k + 1
        seen.add(name)
        out.append(name)
    return out
