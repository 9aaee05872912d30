"""The hostile corpus: one `Attack` per trick, each a notebook whose graded functions are all
wrong (the untouched skeleton unless it says otherwise), plus the attack's cells.

Every attack names the row of issue 6's table it rebuilds (`row`, empty for the ones added
here), the score its code deserves and why, the routes it is run through (`check`: the engine
in the test process, `cli`: `python -m grader check` in a subprocess, `otter`: `otter run`
with the shipped autograder, `batch`: `python -m grader batch` beside a correct peer), and the
extra observations the test makes (`checks`, see tests/test_hostile.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from master_points import PUBLIC_TOTAL, TOTAL

from attacks import code, persistence, processes, reading, records, resources, writing
from grader import Limits, sandbox
from grader.assignments import rnn_lstm as spec
from grader.execution import RECORD_MIME
from solutions.mistakes import MISTAKES
from solutions.notebooks import function_cell, notebook, reference_source

LIMITS = Limits(cell_seconds=5, probe_seconds=3, submission_seconds=40)
# Past the submission budget: the cell or probe running when it ran out, two kills of a whole
# kernel tree, and a kernel start-up.
STARTUP_SECONDS = 10.0
TIME_BOUND = (
    LIMITS.submission_seconds
    + LIMITS.cell_seconds
    + LIMITS.probe_seconds
    + 2 * sandbox.KILL_WAIT_SECONDS
    + STARTUP_SECONDS
)
ALL_WRONG = "every graded function is the untouched skeleton (returns None)"


@dataclass(frozen=True)
class Target:
    """What an attack aims at: the grader's real paths and processes, as a student could find
    or guess them."""

    student: nbformat.NotebookNode
    built: dict[str, Path]
    root: Path
    submission: Path
    out: Path
    marker: str
    port: int = 0
    grader_pid: int = 0
    touch: Path | None = None
    peer_folder: Path | None = None
    connection_files: tuple[str, ...] = ()
    public_shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def grader_folders(self) -> list[str]:
        """Where the grader keeps case data and solutions: the checkout's build, the build
        the tests made, and its autograder folder."""
        folders = [self.root / "dist", self.root / "dist" / "autograder"]
        folders += [self.built["cases"], self.built["cases"] / "autograder"]
        return [str(f) for f in folders]

    def zips(self) -> list[str]:
        return [str(self.built["autograder_zip"])]

    def zip_globs(self) -> list[str]:
        return [
            str(self.root / "dist" / "autograder" / "*.zip"),
            "/tmp/**/*autograder*.zip",
            "*.zip",
            "../*.zip",
        ]


@dataclass(frozen=True)
class Attack:
    """One hostile notebook.

    id: kebab-case name, used as the test id.
    summary: what the notebook does, in one line.
    row: the row of issue 6's table it rebuilds ("" when it is one added here).
    before: cell source inserted after the notebook's `import numpy` cell.
    after: cell source appended at the end.
    functions: the wrong definitions of the graded functions (default: the skeleton's).
    drop_checks: remove the notebook's own `grader.check(...)` cells, so the wrong functions
        run only in the grader's probes.
    correct: the functions are the reference (a control: correct code with an attack cell).
    deserves: the score the notebook's code deserves; why: the reason.
    routes: check, cli, otter, batch (see the module docstring).
    checks: extra observations (named in tests/test_hostile.py).
    persistent: the attack tries to change what later runs on this machine do; a second run
        (a fresh process) must give the same scores and a correct notebook full marks.
    metadata: notebook metadata merged in.
    """

    id: str
    summary: str
    row: str = ""
    before: Callable[[Target], str] | None = None
    after: Callable[[Target], str] | None = None
    functions: Callable[[Target], dict[str, str]] | None = None
    drop_checks: bool = False
    correct: bool = False
    deserves: float = 0.0
    why: str = ALL_WRONG
    routes: tuple[str, ...] = ("check",)
    checks: tuple[str, ...] = ()
    persistent: bool = False
    metadata: dict = field(default_factory=dict)


def correct_notebook(student: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student notebook with every function the reference (scores 16 / 16)."""
    return notebook(student)


def build_notebook(attack: Attack, target: Target) -> nbformat.NotebookNode:
    """The attack's notebook, built from the student notebook."""
    nb = correct_notebook(target.student) if attack.correct else copy.deepcopy(target.student)
    if attack.functions is not None:
        for name, source in attack.functions(target).items():
            nb.cells[function_cell(nb, name)].source = source
    if attack.drop_checks:
        nb.cells = [c for c in nb.cells if c.cell_type != "code" or "grader.check(" not in c.source]
    if attack.before is not None:
        index = next(
            i
            for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and "import numpy" in c.source
        )
        nb.cells.insert(index + 1, nbformat.v4.new_code_cell(attack.before(target)))
    if attack.after is not None:
        nb.cells.append(nbformat.v4.new_code_cell(attack.after(target)))
    nb.metadata.update(copy.deepcopy(attack.metadata))
    return nb


def _correct_bytes(target: Target) -> bytes:
    return nbformat.writes(correct_notebook(target.student)).encode()


def _skeleton_text(target: Target) -> str:
    return nbformat.writes(target.student)


def _rotate(expressions: list[str], prefix: str = "") -> Callable[[Target], dict[str, str]]:
    """Each function returns (or runs) the next of `expressions`."""

    def make(target: Target) -> dict[str, str]:
        return {
            fn.name: code.function_source(fn.name, prefix + expressions[i % len(expressions)])
            for i, fn in enumerate(spec.FUNCTIONS)
        }

    return make


def _huge_returns(target: Target) -> dict[str, str]:
    return {
        fn.name: code.function_source(
            fn.name, records.HUGE_DICT_BODY if fn.returns == "dict" else records.HUGE_TUPLE_BODY
        )
        for fn in spec.FUNCTIONS
    }


def _exfiltrating(target: Target) -> dict[str, str]:
    """The reference on the public case (so the report goes on to the hidden cases), and on
    every other case an exception whose message is what the grader handed the function: the
    reference results of its callees (replay stubs) or the reference caches it was given."""
    out = {}
    for fn in spec.FUNCTIONS:
        ref = reference_source(fn.name).replace(f"def {fn.name}(", f"def _ref_{fn.name}(", 1)
        if fn.calls and not fn.backward:
            value = {
                "rnn_cell_forward": "rnn_cell_forward(x[:, :, 0], a0, parameters)",
                "lstm_cell_forward": "lstm_cell_forward(x[:, :, 0], a0, np.zeros_like(a0), "
                "parameters)",
            }[fn.calls[0]]
        elif fn.backward:
            value = fn.params[-1]
        else:
            value = "None"
        body = (
            f"{ref}\n"
            f"if np.shape({fn.params[0]}) == {target.public_shapes.get(fn.name)!r}:\n"
            f"    return _ref_{fn.name}({', '.join(fn.params)})\n"
            f"_leak({value})\n"
        )
        out[fn.name] = code.function_source(fn.name, body)
    return out


def _first_mistakes(target: Target) -> dict[str, str]:
    """The first catalogued mistake of every function (all eight wrong on every case)."""
    first = {}
    for mistake in MISTAKES:
        first.setdefault(mistake.function, mistake.source)
    return first


def _daemon_patterns(target: Target) -> list[str]:
    out = target.out
    return [
        str(out / "*.json"),
        str(out / "*.txt"),
        str(out / "*.csv"),
        str(out / "**" / "results.json"),
        "/tmp/*/autograder/results/results.json",
    ]


def _site_packages(target: Target) -> list[str]:
    return [str(p) for p in sorted((target.root / ".venv" / "lib").glob("python3*/site-packages"))]


ATTACKS: tuple[Attack, ...] = (
    # ---- reading expected values and answering from them --------------------------------
    Attack(
        "read-cases-from-cwd",
        "reads *_cases.json beside the notebook and in the folders above, answers every call",
        row="read hidden_cases.json / public_cases.json from disk (cwd)",
        after=lambda t: reading.read_cwd(),
        routes=("check", "otter"),
        checks=("cheat-is-live",),
        drop_checks=True,
    ),
    Attack(
        "read-cases-via-proc",
        "reads case files through /proc/<pid>/cwd and /proc/<pid>/root of every process",
        row="read case data via /proc/<ppid>/cwd",
        after=lambda t: reading.read_proc(t.grader_folders()),
        drop_checks=True,
    ),
    Attack(
        "read-cases-from-dist",
        "reads the grader's dist/ (the checkout's and the test build's) by absolute path",
        row="read case data from dist/",
        after=lambda t: reading.read_dist(t.grader_folders()),
        checks=("cheat-is-live",),
        drop_checks=True,
    ),
    Attack(
        "read-cases-from-zip",
        "opens the autograder zip (absolute path and globs) and reads its hidden_cases.json",
        row="read case data from the autograder zip",
        after=lambda t: reading.read_zip(t.zips(), t.zip_globs()),
        drop_checks=True,
    ),
    Attack(
        "read-cases-anywhere",
        "walks the whole file system for *_cases.json and autograder zips",
        after=lambda t: reading.read_search(),
        drop_checks=True,
    ),
    Attack(
        "exec-solution-notebook",
        "finds the solution notebook near the grader and execs its function cells",
        row="found the solution notebook (dist/autograder/*.ipynb) and exec'd it",
        after=lambda t: reading.exec_solution(
            [str(t.built["solution"]), str(t.root / "dist" / "autograder" / "rnn_lstm.ipynb")],
            [str(t.root / "**" / "autograder" / "*.ipynb"), "/tmp/**/autograder/*.ipynb"],
        ),
        drop_checks=True,
    ),
    Attack(
        "exfiltrate-through-errors",
        "right on the public case; elsewhere raises with what the grader handed it in the "
        "message (reference callee results from the replay stubs, reference caches)",
        functions=_exfiltrating,
        before=lambda t: records.EXFILTRATE,
        deserves=PUBLIC_TOTAL,
        why="each function runs the reference on the public case (1 of its 4 cases) and fails "
        "the hidden ones: the public quarter of its points",
    ),
    # ---- writing where the grader reads ---------------------------------------------------
    Attack(
        "forge-grader-case-files",
        "rewrites the grader's case files (and their digests) so that the expected outputs "
        "are what its catalogued mistakes return",
        row="rewrote dist/*_cases.json of the grader's folder (persistent)",
        functions=_first_mistakes,
        why="every function is a catalogued mistake, wrong on every case",
        after=lambda t: writing.forge_cases(t.grader_folders()),
        persistent=True,
        checks=("grader-files-unchanged",),
        drop_checks=True,
    ),
    Attack(
        "forge-cases-beside-notebook",
        "rewrites hidden_cases.json / public_cases.json beside the notebook and in every otter "
        "working folder with its mistakes' outputs as expected values, and keeps doing so",
        row="rewrote hidden_cases.json beside the notebook during otter's run",
        functions=_first_mistakes,
        why="every function is a catalogued mistake, wrong on every case",
        after=lambda t: writing.forge_cases_beside(),
        routes=("check", "otter"),
        checks=("grader-files-unchanged",),
        drop_checks=True,
    ),
    Attack(
        "rewrite-submission",
        "overwrites the submitted .ipynb (its own copy, the original path, otter's copy) with "
        "a correct notebook, and keeps doing so",
        row="overwrote the submission .ipynb during otter's run",
        after=lambda t: writing.rewrite_submission([str(t.submission)], _correct_bytes(t)),
        routes=("check", "otter", "batch"),
        checks=("submission-unchanged",),
    ),
    Attack(
        "poison-otter-results-pickle",
        "makes the kernel's pickle.dump write a malicious pickle and plants one in every "
        "/tmp/*.pkl: unpickled in otter's process, it gives every test file full marks",
        row="a malicious pickle in otter's results file",
        after=lambda t: writing.results_pickle(),
        routes=("check", "otter"),
    ),
    Attack(
        "post-run-cell-adds-records",
        "an IPython post_run_cell hook that sends a forged 'ok' record after each probe",
        row="an IPython post_run_cell hook that rewrites each record",
        after=lambda t: records.post_run_cell_adds(RECORD_MIME),
        routes=("check", "otter"),
    ),
    Attack(
        "post-run-cell-replaces-records",
        "swallows the probe's record and sends it back from a hook with ok=True",
        after=lambda t: records.post_run_cell_replaces(RECORD_MIME),
    ),
    Attack(
        "thread-sprays-records",
        "a thread that sends a forged record every 20 ms during the probes",
        after=lambda t: records.thread_forges(RECORD_MIME),
    ),
    Attack(
        "swap-json-in-sys-modules",
        "replaces json and base64 in sys.modules (the probe imports them) with forging copies",
        after=lambda t: records.MODULE_SWAP,
    ),
    # ---- processes --------------------------------------------------------------------------
    Attack(
        "daemon-rewrites-outputs",
        "a double-forked setsid daemon that rewrites reports, results.json and summary.csv "
        "after grading",
        row="a daemon that outlives the kernel and rewrites the report / results.json / "
        "summary.csv",
        after=lambda t: processes.daemon(_daemon_patterns(t), t.marker),
        routes=("check", "otter", "batch"),
        checks=("outputs-stable",),
    ),
    Attack(
        "kill-parent",
        "os.kill(os.getppid(), SIGKILL)",
        row="os.kill(os.getppid(), SIGKILL / SIGSTOP)",
        after=lambda t: processes.KILL_PARENT,
        routes=("check", "otter", "batch"),
    ),
    Attack(
        "stop-parent",
        "os.kill(os.getppid(), SIGSTOP)",
        row="os.kill(os.getppid(), SIGSTOP)",
        after=lambda t: processes.STOP_PARENT,
    ),
    Attack(
        "stop-every-process",
        "SIGSTOP to every process it can see",
        after=lambda t: processes.STOP_EVERYTHING,
    ),
    Attack(
        "killpg",
        "os.killpg of its parent's process group, of init's, and of its own",
        row="killpg, killing the batch's other workers",
        after=lambda t: processes.KILLPG,
        routes=("check", "batch"),
    ),
    Attack(
        "kill-minus-one",
        "os.kill(-1, SIGKILL): every process it may signal",
        row="killing the batch's other workers",
        after=lambda t: processes.KILL_ALL,
        routes=("check", "batch"),
    ),
    Attack(
        "kill-grader-by-pid",
        "SIGSTOP then SIGKILL to the grading process's real pid (and its neighbours)",
        after=lambda t: processes.kill_grader_pid(t.grader_pid),
    ),
    Attack(
        "fork-bomb",
        "four setsid processes that fork for eight generations and sleep",
        after=lambda t: processes.fork_bomb(t.marker),
    ),
    Attack(
        "peer-submissions",
        "rewrites every other notebook it can find with the skeleton and looks for other "
        "kernels' connection files, from a thread that runs while the peer is graded",
        row="a daemon that rewrites other submissions' notebooks, or runs code in their kernels",
        after=lambda t: processes.peer_attack(str(t.peer_folder or t.out), _skeleton_text(t)),
        routes=("check", "batch"),
    ),
    # ---- files the grader might read ------------------------------------------------------
    Attack(
        "fifo-everywhere",
        "replaces the notebook, record, results and case file names it can reach by FIFOs",
        row="the record path replaced by a FIFO (read blocks)",
        after=lambda t: writing.replace_with_fifos(),
        routes=("check", "otter"),
    ),
    Attack(
        "dev-zero-everywhere",
        "replaces the same names by symlinks to /dev/zero",
        row="the record path replaced by a symlink to /dev/zero",
        after=lambda t: writing.replace_with_dev_zero(),
        checks=("grader-rss",),
    ),
    # ---- time -------------------------------------------------------------------------------
    Attack(
        "sigint-ignored-endless-loop",
        "ignores SIGINT, then loops forever in its last cell",
        row="SIGINT ignored then an endless loop",
        after=lambda t: resources.SIGINT_LOOP,
        routes=("check", "otter"),
    ),
    Attack(
        "sleep-in-every-function",
        "every function ignores SIGINT and sleeps 28 s",
        row="a 28 s sleep in every function",
        functions=lambda t: code.every_function(resources.SLEEP_BODY),
        drop_checks=True,
    ),
    Attack(
        "every-probe-kills-the-kernel",
        "every function calls os._exit(1)",
        row="a kernel killed by every probe",
        functions=lambda t: code.every_function(resources.EXIT_BODY),
        drop_checks=True,
    ),
    Attack(
        "every-probe-stops-the-kernel",
        "every function sends SIGSTOP to its own kernel",
        functions=lambda t: code.every_function(resources.STOP_SELF_BODY),
        drop_checks=True,
    ),
    # ---- memory, output, disk -------------------------------------------------------------
    Attack(
        "allocate-50-gb",
        "every function allocates 50 GB",
        row="50 GB allocated inside a probed call",
        functions=lambda t: code.every_function(resources.ALLOCATE_BODY),
        drop_checks=True,
        checks=("memory-error", "grader-rss"),
    ),
    Attack(
        "return-1e9-elements",
        "every function returns 1e9-element arrays (a broadcast view and a real 1 GB one) and "
        "a 100 MB string",
        row="a 1e9-element output",
        functions=_huge_returns,
        drop_checks=True,
        checks=("grader-rss",),
    ),
    Attack(
        "hostile-return-objects",
        "returns objects whose repr or == never end, whose __array__ allocates 50 GB, and a "
        "list nested 100,000 deep",
        before=lambda t: records.HOSTILE_OBJECTS,
        functions=_rotate(
            [
                "return _Endless()",
                "return (_Endless(), _Greedy(), _Greedy())",
                "return _deep()",
                "return _Greedy()",
                "return {'dx': _Endless(), 'da0': _deep()}",
                "return (_deep(), _deep(), _deep(), _deep())",
            ]
        ),
        drop_checks=True,
    ),
    Attack(
        "hostile-exceptions",
        "raises SystemExit, KeyboardInterrupt, BaseException, GeneratorExit, an exception "
        "whose str never ends and one with a 100 MB message",
        before=lambda t: records.HOSTILE_EXCEPTIONS,
        functions=_rotate(
            [
                "raise SystemExit(3)",
                "raise KeyboardInterrupt",
                "raise _Unprintable()",
                "raise _Huge('h' * 10**8)",
                "raise GeneratorExit",
                "raise BaseException('base')",
                "import sys\nsys.exit(0)",
                "raise MemoryError",
            ]
        ),
        drop_checks=True,
    ),
    Attack(
        "print-flood",
        "prints 300 MB in a cell and 4 MB in every call",
        row="a huge print flood",
        after=lambda t: resources.PRINT_FLOOD,
        functions=lambda t: code.every_function(resources.PRINT_FLOOD_BODY),
        checks=("grader-rss",),
    ),
    Attack(
        "raw-fd-flood",
        "writes straight to file descriptors 1 and 2, /dev/tty and its parent's stdout",
        after=lambda t: resources.raw_fd_flood(t.marker),
        routes=("cli",),
        checks=("cli-streams",),
    ),
    Attack(
        "write-10-gb",
        "writes a 10 GB file in its folder, /tmp and home",
        row="writing a 10 GB file",
        after=lambda t: resources.BIG_FILE,
        checks=("disk",),
    ),
    # ---- reaching out -----------------------------------------------------------------------
    Attack(
        "network-to-host-loopback",
        "connects to a port listening on the host's 127.0.0.1, and to the internet",
        row="ports open on 127.0.0.1",
        after=lambda t: resources.network(t.port, t.marker),
        checks=("no-connection",),
    ),
    Attack(
        "other-kernels-connection-files",
        "reads kernel connection files in /tmp and the Jupyter runtime folders, and runs "
        "code in any kernel it can reach",
        row="runs code in other kernels (connection files in /tmp)",
        after=lambda t: resources.connection_files(list(t.connection_files), str(t.touch)),
        checks=("peer-kernel-untouched",),
    ),
    Attack(
        "proc-snoop",
        "reads every visible process's environ, cmdline, memory and open files for secrets",
        after=lambda t: resources.PROC_SNOOP,
        checks=("secret-hidden",),
    ),
    # ---- persistence ------------------------------------------------------------------------
    Attack(
        "backdoor-installation",
        "plants a .pth and sitecustomize in site-packages, edits otter, numpy and the grader "
        "package, and a usercustomize in ~/.local",
        row="a .pth file planted in site-packages / an edit to the installed grader",
        after=lambda t: persistence.persist_install(
            t.marker, _site_packages(t), [str(t.root / "grader")]
        ),
        persistent=True,
        checks=("installation-clean",),
    ),
    Attack(
        "sabotage-startup-files",
        "plants an IPython start-up file (every later kernel would replace the graded "
        "functions), matplotlibrc and jupyter config in every home it can reach, and /tmp",
        after=lambda t: persistence.persist_home(t.marker, [str(Path.home())]),
        persistent=True,
        checks=("homes-clean",),
    ),
    # ---- controls: correct code with a hostile cell ---------------------------------------
    Attack(
        "correct-with-os-exit",
        "correct functions, and a last cell that calls os._exit(1)",
        row="a correct notebook with an os._exit cell",
        correct=True,
        after=lambda t: "import os\nos._exit(1)\n",
        deserves=TOTAL,
        why="the functions are the reference; only the cell that kills the kernel is skipped",
        routes=("check", "otter"),
    ),
    Attack(
        "correct-with-unknown-kernelspec",
        "correct functions in a notebook whose kernelspec this machine does not have",
        row="a kernelspec the machine lacks",
        correct=True,
        deserves=TOTAL,
        why="the functions are the reference; the grader picks its own kernel",
        routes=("check", "otter"),
        metadata={
            "kernelspec": {
                "name": "python-rnn-hostile-missing",
                "display_name": "Missing",
                "language": "python",
            }
        },
    ),
)


def by_id(attack_id: str) -> Attack:
    """The attack named `attack_id`; a failed lookup lists the known ones."""
    for attack in ATTACKS:
        if attack.id == attack_id:
            return attack
    raise LookupError(f"no attack {attack_id!r}; known: {', '.join(a.id for a in ATTACKS)}")
