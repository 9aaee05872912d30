"""The class report: counts from the reports' JSON, and a page a real browser opens cleanly.

The reports are made from records (as the engine's scoring makes them), so the expected counts
follow from the records themselves, not from a grading run.
"""

from __future__ import annotations

import json
import re

from grader.assignments import rnn_lstm as spec
from grader.classreport import anonymised, class_report, class_summary
from grader.records import Finding, FunctionResult, Report, RunRecord, StaleItem
from grader.report import to_dict

HINT = "Check that both feed your forget-gate gradient."


def _report(name: str, wrong: dict[str, tuple[str, ...]], stale: int = 0) -> dict:
    """A report where the functions in `wrong` fail (blame as given) and the rest pass."""
    results = []
    for fn in spec.FUNCTIONS:
        blame = wrong.get(fn.name)
        if blame is None:
            results.append(FunctionResult(fn.name, "pass", 2.0, 2.0, True))
            continue
        own = fn.name in blame
        findings = (
            (Finding("known-mistake", HINT), Finding("wrong-output", f"{name}: dx differs"))
            if own
            else ()
        )
        status = "fail" if own else "pass"
        results.append(
            FunctionResult(
                fn.name, status, 0.0 if own else 2.0, 2.0, not own, blame, findings=findings
            )
        )
    items = tuple(StaleItem("redefined", 3, "m") for _ in range(stale))
    return to_dict(Report(name, RunRecord("ok"), items, tuple(results)))


def _reports() -> list[dict]:
    return [
        _report("alice.ipynb", {}),
        _report(
            "bob.ipynb",
            {
                "lstm_cell_backward": ("lstm_cell_backward",),
                "lstm_backward": ("lstm_cell_backward",),
            },
        ),
        _report(
            "carol.ipynb",
            {
                "lstm_cell_backward": ("lstm_cell_backward",),
                "lstm_backward": ("lstm_cell_backward",),
            },
            stale=2,
        ),
        _report("dan.ipynb", {"rnn_forward": ("rnn_forward",)}),
    ]


def test_counts_follow_from_the_reports():
    """Right, right-but-broken-by-a-callee and wrong per function; mistakes counted once per
    function and submission with an example that names no student; stale submissions."""
    summary = class_summary(_reports())
    total = 2.0 * len(spec.FUNCTIONS)
    assert summary.submissions == 4 and summary.max_score == total
    assert summary.scores == [total, total - 2, total - 2, total - 2]
    assert dict(summary.functions["lstm_cell_backward"]) == {"right": 2, "wrong": 2}
    assert dict(summary.functions["lstm_backward"]) == {"right": 2, "callee": 2}
    assert dict(summary.functions["rnn_forward"]) == {"right": 3, "wrong": 1}
    assert summary.mistakes[("known-mistake", "lstm_cell_backward", HINT)] == 2
    assert summary.mistakes[("wrong-output", "lstm_cell_backward", "")] == 2
    example = summary.examples[("wrong-output", "lstm_cell_backward", "")]
    assert "bob" not in example and example == "<submission>: dx differs"
    assert (summary.stale, dict(summary.stale_kinds)) == (1, {"redefined": 1})


def test_anonymised_messages_lose_names_and_paths():
    text = anonymised("eve.ipynb failed reading /home/eve/course/data.npy", "eve.ipynb")
    assert "eve" not in text and "<path>" in text and "<submission>" in text


def test_the_page_loads_in_a_browser_with_every_chart(tmp_path):
    """Headless chromium opens the page with no console or load error, and each of the four
    charts is a decoded image with a size."""
    from browser import dump_dom

    page = class_report(_reports())
    probe = (
        "<script>window.__errors = [];"
        "window.addEventListener('error', e => window.__errors.push(String(e.message ||"
        " (e.target && e.target.src || '').slice(0, 40))), true);"
        "const log = console.error; console.error = (...a) => { window.__errors.push(a.join(' '));"
        " log(...a); };"
        "window.addEventListener('load', () => { const imgs = [...document.images].map(i =>"
        " [i.id, i.complete, i.naturalWidth, i.naturalHeight]);"
        " const out = document.createElement('pre'); out.id = '__probe';"
        " out.textContent = JSON.stringify({imgs, errors: window.__errors});"
        " document.body.appendChild(out); });</script>"
    )
    checked = tmp_path / "report.html"
    checked.write_text(page.replace("<head>", "<head>" + probe, 1), encoding="utf-8")
    dom = dump_dom(checked)
    found = re.search(r"<pre id=\"__probe\">(.*?)</pre>", dom, re.S)
    assert found, dom[-2000:]
    state = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert state["errors"] == []
    ids = [img[0] for img in state["imgs"]]
    assert ids == ["chart-scores", "chart-functions", "chart-mistakes", "chart-stale"]
    assert all(done and width > 100 and height > 50 for _, done, width, height in state["imgs"])
