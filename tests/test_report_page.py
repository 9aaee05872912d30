"""`check --format html` is a standalone page: charset, title, its own style sheet with print
rules, code spans as <code>, a reason for not grading said once; drawn by a real browser."""

import html
import re
import subprocess
import sys
from pathlib import Path

import browser
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _page(built, example: str, folder: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(EXAMPLES / example), "--format", "html"]
        + ["--cases", str(built["cases"])],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    page = folder / (Path(example).stem + ".html")
    page.write_text(done.stdout, encoding="utf-8")
    return page


def _visible_text(dom: str) -> str:
    body = re.sub(r"(?s)<(style|script)[^>]*>.*?</\1>", " ", dom)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def failing(built, tmp_path_factory):
    return _page(built, "lstm-forward-aliased-c-next.ipynb", tmp_path_factory.mktemp("page"))


def test_the_page_stands_alone(failing):
    """A whole document: doctype, UTF-8, a title with the score, a style sheet with print
    rules, and nothing loaded from elsewhere."""
    text = failing.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert "<meta charset='utf-8'>" in text and "@media print" in text
    assert re.search(r"<title>lstm-forward-aliased-c-next\.ipynb: [\d.]+ / [\d.]+</title>", text)
    assert "src=" not in text and "<link" not in text


def test_the_browser_shows_code_not_backticks(failing):
    """Drawn by chromium, the findings show code spans as code: no raw Markdown backtick is
    left in the visible text, and the function names are <code> elements."""
    dom = browser.dump_dom(failing)
    visible = _visible_text(dom)
    assert "lstm_forward" in visible and "c_prev" in visible
    assert "`" not in visible
    assert "<code>lstm_forward</code>" in dom


def test_the_page_prints(failing, tmp_path):
    """Printing to PDF (what "print" does) gives a non-trivial document."""
    pdf = tmp_path / "report.pdf"
    browser._run(failing, ["--no-pdf-header-footer", f"--print-to-pdf={pdf}"], 120)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5_000


def test_a_reason_not_to_grade_is_said_once(built, tmp_path):
    """A file that is not a notebook: the reason appears once on the page, not under each of
    the eight functions."""
    page = _page(built, "not-a-notebook.ipynb", tmp_path)
    visible = _visible_text(browser.dump_dom(page))
    functions = re.findall(r"MISSING\s+\w+", visible)
    assert len(functions) == 8
    reason = "is not a jupyter notebook"
    counts = visible.lower().count(reason)
    assert counts == 1, visible[:2000]
