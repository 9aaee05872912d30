"""Renderers over a `Report`: the JSON contract and plain text (the HTML page is
`grader.html_page`). No checking happens here."""

from __future__ import annotations

import json

from grader.html_page import render_html
from grader.records import STATUS_MARK, FunctionResult, Report

SCHEMA = 1
SCHEMA_VERSION = "1.3"  # minor versions only add fields; grader/report_schema.json is the contract
CELL_STATUS = {"ok": "ok", "error": "error", "timeout": "timeout", "died": "error"}


def to_dict(report: Report) -> dict:
    """The stable JSON contract (schema 1) that instructors' tools parse; its JSON Schema is
    grader/report_schema.json."""
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
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
        "isolated_wrong_outputs": list(result.isolated_wrong_outputs),
        "written_only_wrong_outputs": list(result.written_only_wrong_outputs),
        "penalty": result.penalty,
        "cases": [
            {
                "set": c.set,
                "index": c.index,
                "id": c.id,
                "passed": c.passed,
                "length": c.length,
                "first": c.first,
                "wrong_outputs": list(c.wrong_outputs),
                "wrong_steps": list(c.wrong_steps),
                "mutated_inputs": list(c.mutated_inputs),
                "edge": c.edge,
            }
            for c in result.cases
        ],
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
    if result.isolated_wrong_outputs and result.written_only_wrong_outputs:
        lines.append(f"        wrong in its own code: {', '.join(result.isolated_wrong_outputs)}")
        lines.append(
            f"        wrong only as written: {', '.join(result.written_only_wrong_outputs)}"
        )
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


RENDERERS = {"text": render_text, "json": render_json, "html": render_html}
