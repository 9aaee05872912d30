"""The hostile corpus (tests/attacks): notebooks whose graded functions are all wrong, plus code
that tries to raise the score, stop or hang the grader, outlive the submission, or change what
later runs on this machine do.

Every attack runs through the engine (`grader.check_submission`, what `check` and `batch`
call); a representative subset also through `otter run` with the shipped autograder and through
`python -m grader batch` beside a correct peer. For each run the test asserts:
- the score is exactly what the code deserves (0 / 16 unless the attack says why not);
- it ends within the limits (`TIME_BOUND`, from the small `LIMITS` every run is given);
- no process of the submission is left (the attack's marker in a command line, or the user id
  the kernels of this process run as), and the grader's own memory stayed bounded;
- the submission and the grader's case files are byte for byte what they were;
- no hidden expected value appears in what the student can see (the rendered report, the run's
  kept output, otter's results.json, batch's reports and summary);
- for the persistent ones, a second run in a fresh process gives the same score and a correct
  notebook still gets 16 / 16.
A failed defence restores what it could (files written back, planted lines removed) and fails
the test; nothing is skipped.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import nbformat
import pytest
from attacks import (
    ATTACKS,
    LIMITS,
    TIME_BOUND,
    FileGuard,
    Target,
    build_notebook,
    by_id,
    correct_notebook,
    hidden_digits,
    leaked_digits,
    marked_processes,
    processes_of_uid,
    remove_marker,
    wait_until_gone,
)
from attacks.code import REFUSED
from attacks.corpus import TOTAL
from otterrun import per_question

import grader
from grader import sandbox
from grader.assignments import rnn_lstm as spec

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GONE_SECONDS = sandbox.KILL_WAIT_SECONDS + 1.0  # how long leftovers may take to disappear
STABLE_SECONDS = 3.0  # how long outputs are watched for a late rewrite
MEMORY_BOUND = 1024**3  # growth of the grader's peak RSS allowed during one submission
DISK_BOUND = 1024**3  # growth of the host's used disk allowed during one submission
OTTER_OVERHEAD = 30.0  # otter run's own start-up, unzipping and results, on top of the engine
BATCH_OVERHEAD = 30.0  # spawning workers and writing results
STARTUP_MARGIN = 10.0  # a fresh Python process importing the grader and loading case data
LIMIT_ARGS = [
    "--cell-seconds",
    str(LIMITS.cell_seconds),
    "--probe-seconds",
    str(LIMITS.probe_seconds),
    "--submission-seconds",
    str(LIMITS.submission_seconds),
]


def _ids(attacks):
    return [a.id for a in attacks]


ENGINE = [a for a in ATTACKS if "check" in a.routes]
CLI = [a for a in ATTACKS if "cli" in a.routes]
OTTER = [a for a in ATTACKS if "otter" in a.routes]
BATCH = [a for a in ATTACKS if "batch" in a.routes]


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def digits(cases):
    return hidden_digits(cases)


@pytest.fixture(scope="session")
def public_shapes(cases):
    import numpy as np

    return {
        name: tuple(np.shape(next(c for c in items if c.set == "public").args[0]))
        for name, items in cases.cases.items()
    }


@pytest.fixture(scope="session")
def otter_zip(built, tmp_path_factory):
    """The shipped autograder zip with the plugin given the same small limits."""
    source = built["autograder_zip"]
    out = tmp_path_factory.mktemp("otter-zip") / source.name
    settings = {"cell_seconds": LIMITS.cell_seconds, "probe_seconds": LIMITS.probe_seconds}
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "otter_config.json":
                config = json.loads(data)
                config["plugins"] = [
                    {p: settings} if isinstance(p, str) else p for p in config.get("plugins", [])
                ]
                data = json.dumps(config).encode()
            dst.writestr(item, data)
    return out


@pytest.fixture
def listener():
    """A socket listening on the host's 127.0.0.1, that no kernel may reach."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


@pytest.fixture
def make_target(built, student_nb, public_shapes, listener, tmp_path):
    def make(submission: Path, out: Path, **extra) -> Target:
        submission.parent.mkdir(parents=True, exist_ok=True)
        out.mkdir(parents=True, exist_ok=True)
        return Target(
            student=student_nb,
            built=built,
            root=ROOT,
            submission=submission,
            out=out,
            marker=f"rnn-hostile-{uuid.uuid4().hex[:12]}",
            port=listener.getsockname()[1],
            grader_pid=os.getpid(),
            touch=tmp_path / "touched-by-another-kernel.txt",
            public_shapes=public_shapes,
            **extra,
        )

    return make


@pytest.fixture
def peer_kernel():
    """A plain kernel of the host (TCP on 127.0.0.1, connection file in the Jupyter runtime
    folder), as another student's or the instructor's kernel would be."""
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    try:
        yield km.connection_file
    finally:
        km.shutdown_kernel(now=True)


# --------------------------------------------------------------------------------------------
# observation helpers
# --------------------------------------------------------------------------------------------
def _case_files(built) -> list[Path]:
    names = ("public_cases.json", "hidden_cases.json", "case_digests.json")
    folders = [
        built["cases"],
        built["cases"] / "autograder",
        ROOT / "dist",
        ROOT / "dist" / "autograder",
    ]
    files = [f / n for f in folders for n in names]
    files += [built["autograder_zip"], built["solution"], built["student"]]
    return files


def _installation_files(marker: str) -> list[Path]:
    """Every file the installation attack tries to plant or edit (see attacks.persistence)."""
    sites = sorted((ROOT / ".venv" / "lib").glob("python3*/site-packages"))
    import site

    sites += [Path(p) for p in site.getsitepackages()]
    files = []
    for s in dict.fromkeys(sites):
        files += [s / f"{marker}.pth", s / "sitecustomize.py", s / "otter" / "__init__.py"]
        files += [s / "numpy" / "__init__.py", s / "grader" / "scoring.py"]
    for module in ("scoring.py", "diagnosis.py", "pipeline.py", "__init__.py"):
        files.append(ROOT / "grader" / module)
    version = "python{}.{}".format(*sys.version_info[:2])
    files.append(Path.home() / ".local" / "lib" / version / "site-packages" / "usercustomize.py")
    return files


def _home_files(marker: str) -> list[Path]:
    files = []
    for home in dict.fromkeys([Path.home(), Path("/root")]):
        files.append(home / ".ipython" / "profile_default" / "startup" / f"00-{marker}.py")
        files += [
            home / ".config" / "matplotlib" / "matplotlibrc",
            home / ".jupyter" / "jupyter_config.py",
        ]
    files += [Path(t) / f"{marker}.py" for t in ("/tmp", "/var/tmp", "/dev/shm")]
    return files


def _survivors(marker: str, uid: int | None) -> list[int]:
    def find():
        found = marked_processes(marker)
        if uid is not None:
            found += processes_of_uid(uid)
        return sorted(set(found))

    return wait_until_gone(find, GONE_SECONDS)


def _maxrss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _disk_used() -> int:
    return sum(shutil.disk_usage(p).used for p in dict.fromkeys(["/", "/tmp"]))


def _run(command: list[str], timeout: float, cwd: Path, env: dict | None = None):
    """Run `command` in a session of its own; past `timeout`, kill that whole session (otter's
    kernel too) and return exit status None with what it printed so far."""
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        return subprocess.CompletedProcess(command, proc.returncode, out, err)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return subprocess.CompletedProcess(
            command, None, out, err + f"\nhung: killed at {timeout:g} s"
        )


def _cli(*args, timeout: float, env: dict | None = None) -> subprocess.CompletedProcess:
    return _run([PYTHON, "-m", "grader", *args], timeout, ROOT, env)


def _check_json(path: Path, built, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m grader check PATH --format json` with the test limits, in a fresh process."""
    args = ("check", str(path), "--cases", str(built["cases"]), "--format", "json", *LIMIT_ARGS)
    return _cli(*args, timeout=TIME_BOUND * 3, env=env)


def _cli_score(path: Path, built) -> tuple[float | None, str]:
    """Score of `python -m grader check PATH` in a fresh process (None if it gave none)."""
    done = _check_json(path, built)
    try:
        return json.loads(done.stdout)["score"], done.stdout[-2000:] + done.stderr[-2000:]
    except (ValueError, KeyError):
        return None, done.stdout[-2000:] + done.stderr[-2000:]


def _kept_text(report) -> str:
    """Everything of the run the report holds and the student may be shown."""
    cells = "\n".join(f"{c.ename} {c.evalue}\n{c.text}" for c in report.run.cells)
    return grader.render_text(report) + grader.render_json(report) + cells


def _files_text(folder: Path) -> str:
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 64 * 1024**2:
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _stable(folder: Path) -> list[str]:
    """Files under `folder` that change (or appear, or vanish) within STABLE_SECONDS."""
    before = _snapshot(folder)
    time.sleep(STABLE_SECONDS)
    after = _snapshot(folder)
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@contextlib.contextmanager
def _guarded(attack, target: Target):
    """Remembers what the attack must not change; afterwards reports and undoes changes."""
    guard = FileGuard([target.submission, *_case_files(target.built)])
    marked = _installation_files(target.marker) + _home_files(target.marker)
    problems: list[str] = []
    try:
        yield problems
    finally:
        changed = guard.changed()
        if changed:
            problems.append(f"files the submission must not change were changed: {changed}")
            guard.restore()
        planted = remove_marker(marked, target.marker)
        if planted:
            problems.append(f"the attack planted its marker in: {planted} (removed)")


def _expect_score(problems, report_score, attack, route: str) -> None:
    if report_score != attack.deserves:
        problems.append(
            f"{route}: scored {report_score} / {TOTAL}; the code deserves {attack.deserves} "
            f"({attack.why})"
        )


def _live_cheat(attack, target: Target, cases, tmp_path: Path) -> list[str]:
    """The attack's own cell, run in this process where the case files are visible, answers
    every hidden case right: the attack is real, only the sandbox stops it."""
    import numpy as np

    folder = tmp_path / "live"
    folder.mkdir()
    for name in ("public_cases.json", "hidden_cases.json"):
        shutil.copy(target.built["cases"] / name, folder / name)
    namespace: dict = {}
    with contextlib.chdir(folder), contextlib.redirect_stdout(io.StringIO()):
        exec(compile(attack.after(target), f"<{attack.id}>", "exec"), namespace)
    wrong = []
    for fn in spec.FUNCTIONS:
        for case in cases.for_function(fn.name):
            if case.set != "hidden":
                continue
            got = namespace.get(fn.name, lambda *a: None)(*case.args)
            first = fn.outputs[0]
            value = got[0] if fn.returns == "tuple" and got is not None else (got or {}).get(first)
            if value is None or not np.array_equal(value, case.expected[first]):
                wrong.append(f"{fn.name} {case.id}")
    return [f"the attack's cell does not answer from visible case data: {wrong}"] if wrong else []


# --------------------------------------------------------------------------------------------
# the engine: grader.check_submission, what `check` and `batch` call
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("attack", ENGINE, ids=_ids(ENGINE))
def test_engine_gives_wrong_code_what_it_deserves(
    attack, make_target, cases, digits, listener, tmp_path, monkeypatch, request
):
    """The attack raises no score, stops nothing, leaves nothing running or changed, and shows
    no hidden value; the grading ends within the limits."""
    extra = {}
    if "peer-kernel-untouched" in attack.checks:
        extra["connection_files"] = (request.getfixturevalue("peer_kernel"),)
    target = make_target(tmp_path / "sub" / "attack.ipynb", tmp_path / "out", **extra)
    secret = f"rnn-hostile-secret-{uuid.uuid4().hex}"
    monkeypatch.setenv("RNN_HOSTILE_SECRET", secret)
    nbformat.write(build_notebook(attack, target), target.submission)
    uid = sandbox.kernel_uid()
    with _guarded(attack, target) as problems:
        rss, disk = _maxrss_bytes(), _disk_used()
        start = time.monotonic()
        report = grader.check_submission(target.submission, cases, LIMITS)
        elapsed = time.monotonic() - start
        survivors = _survivors(target.marker, uid)
        text = _kept_text(report)
        if "outputs-stable" in attack.checks:
            (target.out / "report.json").write_text(grader.render_json(report), encoding="utf-8")
            (target.out / "report.txt").write_text(grader.render_text(report), encoding="utf-8")
            rewritten = _stable(target.out)
            if rewritten:
                problems.append(f"written reports changed after grading: {rewritten}")
        _expect_score(problems, report.score, attack, "check")
        if attack.deserves == 0:
            scored = [f.name for f in report.functions if f.score]
            if scored:
                problems.append(f"functions with points: {scored}")
        if elapsed > TIME_BOUND:
            problems.append(f"took {elapsed:.0f} s; the limits allow {TIME_BOUND:.0f} s")
        if survivors:
            problems.append(f"processes of the submission still alive: {survivors}")
        if REFUSED in text:
            problems.append("the kernel ran as root outside a sandbox (the attack refused to run)")
        leaks = leaked_digits(text, digits)
        if leaks:
            problems.append(f"hidden expected values shown: {leaks[:8]}")
        grew = _maxrss_bytes() - rss
        if grew > MEMORY_BOUND:
            problems.append(f"the grader's peak memory grew by {grew / 1024**2:.0f} MiB")
        if "disk" in attack.checks and _disk_used() - disk > DISK_BOUND:
            problems.append(
                f"the host's disk usage grew by {(_disk_used() - disk) / 1024**2:.0f} MiB"
            )
        if "memory-error" in attack.checks:
            for result in report.functions:
                said = " ".join(f.message for f in result.findings)
                if result.status != "error" or "MemoryError" not in said:
                    problems.append(
                        f"{result.name} is {result.status!r}, not a MemoryError: {said[:200]}"
                    )
        if "no-connection" in attack.checks:
            with contextlib.suppress(BlockingIOError):
                conn, peer = listener.accept()
                conn.close()
                problems.append(f"the kernel connected to the host's 127.0.0.1 from {peer}")
        if "peer-kernel-untouched" in attack.checks and target.touch.exists():
            problems.append("the kernel ran code in another kernel of this machine")
        if "secret-hidden" in attack.checks and secret in text:
            problems.append("a secret of the grading process reached the report")
        if "cheat-is-live" in attack.checks:
            problems += _live_cheat(attack, target, cases, tmp_path)
        if attack.persistent:
            again, log = _cli_score(target.submission, target.built)
            if again != report.score:
                problems.append(
                    f"a second run in a fresh process scored {again}, not {report.score}\n{log}"
                )
            correct = tmp_path / "correct" / "rnn_lstm.ipynb"
            correct.parent.mkdir()
            nbformat.write(correct_notebook(target.student), correct)
            full, log = _cli_score(correct, target.built)
            if full != TOTAL:
                problems.append(f"after the attack, a correct notebook scored {full}\n{log}")
        if "installation-clean" in attack.checks:
            probe = subprocess.run(
                [PYTHON, "-c", "import os; print(os.environ.get('RNN_GRADER_BACKDOOR'))"],
                capture_output=True,
                text=True,
            )
            if probe.stdout.strip() != "None":
                problems.append(f"a new Python process runs planted code: {probe.stdout!r}")
    assert not problems, "\n".join(problems) + "\n\n" + grader.render_text(report)


@pytest.mark.parametrize("attack", CLI, ids=_ids(CLI))
def test_cli_streams_are_not_the_kernels(attack, make_target, cases, tmp_path):
    """Under `python -m grader check`, what the kernel writes to its file descriptors never
    reaches the grader's stdout or stderr; the report is still whole and right."""
    target = make_target(tmp_path / "sub" / "attack.ipynb", tmp_path / "out")
    nbformat.write(build_notebook(attack, target), target.submission)
    with _guarded(attack, target) as problems:
        start = time.monotonic()
        done = _cli(
            "check",
            str(target.submission),
            "--cases",
            str(target.built["cases"]),
            "--format",
            "json",
            *LIMIT_ARGS,
            timeout=TIME_BOUND * 3,
        )
        elapsed = time.monotonic() - start
        streams = done.stdout + done.stderr
        if target.marker in streams:
            problems.append(
                f"the kernel's writes reached the grader's streams ({len(streams)} chars)"
            )
        try:
            _expect_score(problems, json.loads(done.stdout)["score"], attack, "cli")
        except (ValueError, KeyError):
            problems.append(f"stdout is not one JSON report: {done.stdout[:300]!r}")
        if elapsed > TIME_BOUND + STARTUP_MARGIN:
            problems.append(f"took {elapsed:.0f} s")
        survivors = _survivors(target.marker, None)
        if survivors:
            problems.append(f"processes of the submission still alive: {survivors}")
    assert not problems, "\n".join(problems) + "\n" + done.stderr[-2000:]


# --------------------------------------------------------------------------------------------
# otter run with the shipped autograder
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("attack", OTTER, ids=_ids(OTTER))
def test_otter_run_gives_wrong_code_what_it_deserves(
    attack, make_target, otter_zip, digits, tmp_path
):
    """Under `otter run` the attack raises no score, otter finishes with a results.json, no
    process of the submission is left, and results.json shows no hidden value and stays put."""
    target = make_target(tmp_path / "sub" / "rnn_lstm.ipynb", tmp_path / "out")
    nbformat.write(build_notebook(attack, target), target.submission)
    with _guarded(attack, target) as problems:
        start = time.monotonic()
        command = [PYTHON, "-m", "otter", "run", "-a", str(otter_zip), "-o", str(target.out)]
        done = _run(
            [*command, str(target.submission)], (TIME_BOUND + OTTER_OVERHEAD) * 3, target.out
        )
        elapsed = time.monotonic() - start
        survivors = _survivors(target.marker, None)
        results_file = target.out / "results.json"
        if done.returncode != 0 or not results_file.is_file():
            problems.append(
                f"otter run failed (exit {done.returncode}, results.json "
                f"{'present' if results_file.is_file() else 'missing'}):\n"
                f"{done.stdout[-1500:]}\n{done.stderr[-1500:]}"
            )
        else:
            results = json.loads(results_file.read_text())
            _expect_score(problems, sum(per_question(results).values()), attack, "otter run")
            leaks = leaked_digits(_files_text(target.out), digits)
            if leaks:
                problems.append(f"hidden expected values in results.json: {leaks[:8]}")
            rewritten = _stable(target.out) if "outputs-stable" in attack.checks else []
            if rewritten:
                problems.append(f"otter's outputs changed after it finished: {rewritten}")
        if elapsed > TIME_BOUND + OTTER_OVERHEAD:
            problems.append(f"took {elapsed:.0f} s; allowed {TIME_BOUND + OTTER_OVERHEAD:.0f} s")
        if survivors:
            problems.append(f"processes of the submission still alive: {survivors}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# python -m grader batch, the attack beside a correct peer
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("attack", BATCH, ids=_ids(BATCH))
def test_batch_survives_and_the_peer_keeps_its_score(
    attack, make_target, student_nb, digits, tmp_path
):
    """A batch of the attack and a correct peer, two at a time, ends with a row for each: the
    attack scores what it deserves, the peer 16 / 16, neither file changed, the reports and
    summary stay as written and show no hidden value, and nothing of either is left."""
    peer = tmp_path / "peer" / "peer.ipynb"
    peer.parent.mkdir()
    nbformat.write(correct_notebook(student_nb), peer)
    target = make_target(
        tmp_path / "sub" / "attack.ipynb", tmp_path / "out", peer_folder=peer.parent
    )
    nbformat.write(build_notebook(attack, target), target.submission)
    peer_guard = FileGuard([peer])
    with _guarded(attack, target) as problems:
        start = time.monotonic()
        done = _cli(
            "batch",
            str(target.submission),
            str(peer),
            "--out",
            str(target.out),
            "--cases",
            str(target.built["cases"]),
            "--jobs",
            "2",
            *LIMIT_ARGS,
            timeout=(TIME_BOUND + BATCH_OVERHEAD) * 3,
        )
        elapsed = time.monotonic() - start
        survivors = _survivors(target.marker, None)
        summary = target.out / "summary.csv"
        if done.returncode != 0 or not summary.is_file():
            problems.append(
                f"batch failed (exit {done.returncode}):\n"
                f"{done.stdout[-1500:]}\n{done.stderr[-1500:]}"
            )
        else:
            rows = {Path(r["submission"]).name: r for r in csv.DictReader(summary.open())}
            if set(rows) != {"attack.ipynb", "peer.ipynb"}:
                problems.append(f"summary rows: {sorted(rows)}")
            else:
                _expect_score(problems, float(rows["attack.ipynb"]["score"]), attack, "batch")
                if float(rows["peer.ipynb"]["score"]) != TOTAL:
                    problems.append(f"the correct peer scored {rows['peer.ipynb']['score']}")
            leaks = leaked_digits(_files_text(target.out), digits)
            if leaks:
                problems.append(f"hidden expected values in the batch's outputs: {leaks[:8]}")
            rewritten = _stable(target.out) if "outputs-stable" in attack.checks else []
            if rewritten:
                problems.append(f"the batch's outputs changed after it finished: {rewritten}")
        if peer_guard.changed():
            problems.append("the peer's notebook was changed")
            peer_guard.restore()
        if elapsed > 2 * TIME_BOUND + BATCH_OVERHEAD:
            problems.append(f"took {elapsed:.0f} s")
        if survivors:
            problems.append(f"processes of the submission still alive: {survivors}")
    assert not problems, "\n".join(problems) + "\n" + done.stdout[-2000:]


# --------------------------------------------------------------------------------------------
# the corpus itself, and the fallback
# --------------------------------------------------------------------------------------------
def test_the_corpus_covers_the_issue():
    """At least 30 attacks; every row of issue 6's table is rebuilt; every route is used."""
    rows = {a.row for a in ATTACKS if a.row}
    hostile = [a for a in ATTACKS if not a.correct]
    assert len(hostile) >= 30, len(hostile)
    assert len(rows) >= 20, sorted(rows)
    assert {r for a in ATTACKS for r in a.routes} == {"check", "cli", "otter", "batch"}
    for attack in ATTACKS:
        assert attack.correct or attack.deserves < TOTAL, attack.id
    assert by_id("rewrite-submission").routes == ("check", "otter", "batch")


def _no_bwrap_env() -> dict:
    env = dict(os.environ)
    env["RNN_GRADER_BWRAP"] = "/nonexistent"
    env.pop("PYTHONPATH", None)
    return env


def test_fallback_is_reported_and_required_refuses(built, student_nb, tmp_path):
    """Without bubblewrap (RNN_GRADER_BWRAP=/nonexistent), `check` still grades, and its report
    carries the loud sandbox-unavailable notice; `Mode.REQUIRED` refuses to run anything and
    says why, in a report."""
    correct = tmp_path / "correct.ipynb"
    nbformat.write(correct_notebook(student_nb), correct)
    done = _check_json(correct, built, env=_no_bwrap_env())
    report = json.loads(done.stdout)
    codes = [n["code"] for n in report["notices"]]
    assert "sandbox-unavailable" in codes, (codes, done.stderr[-2000:])
    message = next(n["message"] for n in report["notices"] if n["code"] == "sandbox-unavailable")
    assert "WITHOUT the sandbox" in message and "not installed" in message, message
    assert report["score"] == TOTAL, report["score"]
    text = _cli(
        "check",
        str(correct),
        "--cases",
        str(built["cases"]),
        *LIMIT_ARGS,
        timeout=TIME_BOUND * 3,
        env=_no_bwrap_env(),
    ).stdout
    assert "WITHOUT the sandbox" in text, text[-2000:]

    done = _cli(
        "check",
        str(correct),
        "--cases",
        str(built["cases"]),
        "--format",
        "json",
        "--sandbox",
        "required",
        *LIMIT_ARGS,
        timeout=TIME_BOUND * 3,
        env=_no_bwrap_env(),
    )
    report = json.loads(done.stdout)
    assert report["run"]["status"] == "not_run" and report["score"] == 0, report["run"]
    assert "sandbox-required" in [n["code"] for n in report["notices"]], report["notices"]
    assert done.returncode == 3, done.returncode  # README: `check` refuses with exit status 3

    script = (
        "import json, sys\n"
        "import grader\n"
        "from grader import Limits\n"
        "from grader.sandbox import Containment, Mode\n"
        "folder = sys.argv[2]\n"
        "cases = grader.load_cases(folder + '/public_cases.json', folder + '/hidden_cases.json')\n"
        "limits = Limits(cell_seconds=5, probe_seconds=3,\n"
        "                containment=Containment(mode=Mode.REQUIRED))\n"
        "report = grader.check_submission(sys.argv[1], cases, limits)\n"
        "print(grader.render_json(report))\n"
    )
    refused = _run(
        [PYTHON, "-c", script, str(correct), str(built["cases"])], 120, ROOT, _no_bwrap_env()
    )
    report = json.loads(refused.stdout)
    assert report["run"]["status"] == "not_run", report["run"]
    assert report["score"] == 0
    notice = next(n for n in report["notices"] if n["code"] == "sandbox-required")
    assert "required" in notice["message"] and "not installed" in notice["message"], notice
    assert "Nothing was run" in notice["message"], notice
