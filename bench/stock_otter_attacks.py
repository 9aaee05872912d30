"""Attacks from the hostile corpus through stock `otter run` and through `otter run` with the
shipped autograder, measured in one run on this machine.

    .venv/bin/python bench/stock_otter_attacks.py [--dist DIR] [--timeout 90] [ATTACK ...]

`stock` is the autograder zip with its plugin list emptied: otter alone, which runs the
notebook in a kernel of its own, in the folder where it unpacked the autograder, and grades
with its test files inside that kernel. `plugin` is the shipped zip with the plugin given small
limits (cell 5 s, probe 3 s). Each attack notebook has every graded function wrong (the
untouched skeleton unless the attack says otherwise), so any points are forged. The script
prints a Markdown table: per attack and autograder, the score from results.json (or why there
is none), the wall time, and what else happened (a process of the submission still alive
afterwards, the submission file or otter's outputs changed).

Stock otter runs student code as the user who runs this script, with no sandbox. The attack
code keeps to its own folders when it finds itself running as root outside a sandbox, and the
machine-wide ones are not run here (see tests/attacks/cells.py). Without --dist the assignment
is built afresh into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import nbformat  # noqa: E402  (after the path set-up above)
from attacks import ATTACKS, Attack, Target, build_notebook, by_id  # noqa: E402
from attacks.watch import marked_processes  # noqa: E402

DEFAULT = (
    "patch-grader-in-kernel",
    "read-cases-from-cwd",
    "read-cases-via-proc",
    "read-cases-from-dist",
    "exec-solution-notebook",
    "forge-cases-beside-notebook",
    "rewrite-submission",
    "poison-otter-results-pickle",
    "post-run-cell-adds-records",
    "daemon-rewrites-outputs",
    "kill-parent",
    "fifo-everywhere",
    "sigint-ignored-endless-loop",
    "allocate-50-gb",
    "correct-with-os-exit",
)
SETTLE_SECONDS = 3.0  # how long outputs are watched for a late rewrite
PLUGIN_LIMITS = {"cell_seconds": 5, "probe_seconds": 3}


def patch_grader() -> Attack:
    """The in-kernel patching of numpy, otter and the grader's checks from
    tests/test_attacks.py (held by the engine there; here for the stock column)."""
    from test_attacks import GRADER_PATCH, NUMPY_PATCH, OTTER_PATCH

    return Attack(
        "patch-grader-in-kernel",
        "patches numpy's comparisons, otter's results and the grader's checks in the kernel",
        after=lambda t: NUMPY_PATCH + OTTER_PATCH + GRADER_PATCH,
        drop_checks=True,
    )


def autograders(zip_path: Path, folder: Path) -> dict[str, Path]:
    """The stock zip (no plugins) and the shipped one with small plugin limits."""
    out = {}
    for label in ("stock", "plugin"):
        target = folder / f"{label}-{zip_path.name}"
        with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(target, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "otter_config.json":
                    config = json.loads(data)
                    plugins = config.get("plugins", [])
                    config["plugins"] = (
                        [] if label == "stock" else [{p: PLUGIN_LIMITS} for p in plugins]
                    )
                    data = json.dumps(config).encode()
                dst.writestr(item, data)
        out[label] = target
    return out


def run_one(attack: Attack, zip_path: Path, built: dict, student, folder: Path, timeout: float):
    submission = folder / "sub" / "rnn_lstm.ipynb"
    out = folder / "out"
    submission.parent.mkdir(parents=True)
    out.mkdir()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    target = Target(
        student=student,
        built=built,
        root=ROOT,
        submission=submission,
        out=out,
        marker=f"rnn-hostile-bench-{uuid.uuid4().hex[:10]}",
        port=listener.getsockname()[1],
        grader_pid=os.getpid(),
        touch=folder / "touched",
    )
    nbformat.write(build_notebook(attack, target), submission)
    before = submission.read_bytes()
    command = [sys.executable, "-m", "otter", "run", "-a", str(zip_path), "-o", str(out)]
    start = time.monotonic()
    proc = subprocess.Popen(
        [*command, str(submission)],
        cwd=out,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    hung = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        hung = True
    finally:  # otter and everything it started, also when this script is interrupted
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    elapsed = time.monotonic() - start
    listener.close()
    notes = []
    results = out / "results.json"
    if hung:
        score = f"hung: killed after {timeout:g} s"
    elif not results.is_file():
        score = f"no results.json (exit {proc.returncode})"
    else:
        snapshot = results.read_bytes()
        try:
            data = json.loads(snapshot)
            tests = [t for t in data.get("tests", []) if "score" in t]
            total = sum(t["score"] for t in tests)
            score = f"{total:g} / {sum(t.get('max_score', 0) for t in tests):g}"
        except (ValueError, AttributeError, TypeError):
            score = f"results.json is not otter's: {snapshot[:40].decode(errors='replace')!r}"
        time.sleep(SETTLE_SECONDS)
        if results.read_bytes() != snapshot:
            notes.append("results.json rewritten afterwards")
    alive = marked_processes(target.marker)
    if alive:
        notes.append(f"{len(alive)} process(es) of the submission alive")
        for pid in alive:  # the daemons this run started
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    if submission.read_bytes() != before:
        notes.append("submission file rewritten")
        submission.write_bytes(before)
    return score, elapsed, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("attacks", nargs="*", default=list(DEFAULT))
    parser.add_argument("--dist", help="a built assignment (default: build one afresh)")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds per otter run")
    args = parser.parse_args()
    known = {a.id: a for a in ATTACKS}
    extra = patch_grader()
    attacks = [extra if a == extra.id else known.get(a) or by_id(a) for a in args.attacks]
    with tempfile.TemporaryDirectory(prefix="rnn-stock-otter-") as tmp:
        tmp = Path(tmp)
        if args.dist:
            dist = Path(args.dist).resolve()
        else:
            from solutions.build import build

            dist = build(tmp / "dist")["cases"]
        built = {
            "student": dist / "student" / "rnn_lstm.ipynb",
            "solution": dist / "autograder" / "rnn_lstm.ipynb",
            "autograder_zip": next((dist / "autograder").glob("*.zip")),
            "cases": dist,
        }
        student = nbformat.read(built["student"], as_version=4)
        zips = autograders(built["autograder_zip"], tmp)
        rows = []
        for attack in attacks:
            cells = []
            for label, zip_path in zips.items():
                folder = tmp / f"{attack.id}-{label}"
                folder.mkdir()
                score, elapsed, notes = run_one(
                    attack, zip_path, built, student, folder, args.timeout
                )
                cells.append(f"{score} ({elapsed:.0f} s{'; ' + '; '.join(notes) if notes else ''})")
                print(f"{attack.id:<32} {label:<7} {cells[-1]}", file=sys.stderr, flush=True)
            rows.append((attack, cells))
    print("| attack | deserves | stock `otter run` | `otter run` + plugin |")
    print("|---|---|---|---|")
    for attack, (stock, plugin) in rows:
        print(f"| `{attack.id}` | {attack.deserves:g} | {stock} | {plugin} |")


if __name__ == "__main__":
    main()
