"""Renderers over a `Report`: the JSON contract, plain text and HTML. No checking happens here."""

from __future__ import annotations

import html
import json

from grader.records import FunctionResult, Report

SCHEMA = 1
CELL_STATUS = {"ok": "ok", "error": "error", "timeout": "timeout", "died": "error"}
STATUS_MARK = {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "missing": "MISSING"}


def to_dict(report: Report) -> dict:
    """The stable JSON contract (schema 1) that instructors' tools parse."""
    return {
        "schema": SCHEMA,
        "submission": report.submission,
        "score": report.score,
        "max_score": report.max_score,
        "run": {
            "status": report.run.status,
            "cells": [
                {
                    "index": c.index,
                    "status": CELL_STATUS[c.status],
                    "ename": c.ename,
                    "evalue": c.evalue,
                }
                for c in report.run.cells
                if c.status in CELL_STATUS
            ],
            "stale": [{"kind": s.kind, "cell": s.cell, "message": s.message} for s in report.stale],
        },
        "functions": {f.name: _function_dict(f) for f in report.functions},
        "notices": [{"code": n.code, "message": n.message} for n in report.notices],
    }


def _function_dict(result: FunctionResult) -> dict:
    return {
        "status": result.status,
        "score": result.score,
        "max_score": result.max_score,
        "correct_in_isolation": result.correct_in_isolation,
        "blame": list(result.blame),
        "wrong_outputs": list(result.wrong_outputs),
        "wrong_steps": list(result.wrong_steps),
        "wrong_intermediates": list(result.wrong_intermediates),
        "mutated_inputs": list(result.mutated_inputs),
        "cases_passed": result.cases_passed,
        "cases_total": result.cases_total,
        "findings": [{"code": f.code, "message": f.message} for f in result.findings],
    }


def render_json(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2)


def _score(value: float) -> str:
    return f"{value:g}"


def function_text(result: FunctionResult) -> str:
    """One function's verdict as a few lines of plain text."""
    head = (
        f"{STATUS_MARK[result.status]:<7} {result.name}  "
        f"{_score(result.score)} / {_score(result.max_score)}"
    )
    lines = [head]
    if result.blame and result.blame != (result.name,):
        lines.append(f"        root cause: {', '.join(result.blame)}")
    if result.wrong_intermediates:
        lines.append(f"        wrong inside: {', '.join(result.wrong_intermediates)}")
    for finding in result.findings:
        lines.append(f"        - {finding.message}")
    return "\n".join(lines)


def render_text(report: Report) -> str:
    lines = [f"{report.submission}: {_score(report.score)} / {_score(report.max_score)}"]
    lines.append(f"fresh run: {report.run.status}")
    for notice in report.notices:
        lines.append(f"  ! {notice.message}")
    for cell in report.run.cells:
        if cell.status in ("error", "timeout", "died"):
            lines.append(
                f"  cell {cell.index + 1}: {cell.status} {cell.ename}: {cell.evalue[:160]}"
            )
    if report.stale:
        lines.append("stale state:")
        lines += [f"  - {item.message}" for item in report.stale]
    lines.append("")
    lines += [function_text(f) for f in report.functions]
    return "\n".join(lines) + "\n"


_COLOURS = {"pass": "#1a7f37", "fail": "#b3261e", "error": "#b3261e", "missing": "#8a6d00"}


def function_html(result: FunctionResult) -> str:
    colour = _COLOURS[result.status]
    parts = [
        f"<div class='rnn-grader-fn'><p><strong style='color:{colour}'>"
        f"{STATUS_MARK[result.status]}</strong> <code>{html.escape(result.name)}</code> "
        f"{_score(result.score)} / {_score(result.max_score)}</p>"
    ]
    if result.blame and result.blame != (result.name,):
        parts.append(
            "<p>Root cause: "
            + ", ".join(f"<code>{html.escape(b)}</code>" for b in result.blame)
            + "</p>"
        )
    if result.findings:
        items = "".join(f"<li>{html.escape(f.message)}</li>" for f in result.findings)
        parts.append(f"<ul>{items}</ul>")
    parts.append("</div>")
    return "".join(parts)


def render_html(report: Report) -> str:
    parts = [
        "<div class='rnn-grader-report'>",
        f"<h3>{html.escape(report.submission)}: {_score(report.score)} / "
        f"{_score(report.max_score)}</h3>",
        f"<p>Fresh run: {html.escape(report.run.status)}</p>",
    ]
    if report.notices:
        parts.append(
            "<ul>" + "".join(f"<li>{html.escape(n.message)}</li>" for n in report.notices) + "</ul>"
        )
    if report.stale:
        parts.append("<h4>Stale state</h4><ul>")
        parts += [f"<li>{html.escape(item.message)}</li>" for item in report.stale]
        parts.append("</ul>")
    parts += [function_html(f) for f in report.functions]
    parts.append("</div>")
    return "".join(parts)


RENDERERS = {"text": render_text, "json": render_json, "html": render_html}
