"""How long a student's `grader.check("<function>")` takes on a passing function, next to
otter's own `Notebook.check` of the same question (the test cells `otter assign` wrote), in
one run on the same functions.

Builds the assignment into a temporary folder, then, in a fresh Python inside the built
student folder (as the notebook's kernel would be), defines the reference functions and times
each question's check: the first call (which loads the public case data) and the median of
the next REPEATS calls. Target: under 50 ms per question.

    .venv/bin/python bench/student_check.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 9
TARGET_MS = 50.0

TIMER = r"""
import json, statistics, sys, time, warnings
sys.path.insert(0, ".")
sys.path.insert(1, sys.argv[1])
warnings.simplefilter("ignore")
import numpy as np
import otter
import grader.student
from grader.assignments import rnn_lstm as spec
from solutions import reference

env = {"np": np}
env.update({n: getattr(reference, n) for n in ("sigmoid", "softmax", *spec.NAMES)})
ours = grader.student.Notebook("rnn_lstm.ipynb")
theirs = otter.Notebook("rnn_lstm.ipynb")
repeats = int(sys.argv[2])


def timed(call):
    start = time.perf_counter()
    outcome = call()
    return (time.perf_counter() - start) * 1000, outcome


rows = {}
for name in spec.NAMES:
    first, result = timed(lambda: ours.check(name, env))
    again = [timed(lambda: ours.check(name, env))[0] for _ in range(repeats)]
    otter_first, _ = timed(lambda: theirs.check(name, env))
    otter_again = [timed(lambda: theirs.check(name, env))[0] for _ in range(repeats)]
    rows[name] = {
        "status": result.status,
        "first": first,
        "median": statistics.median(again),
        "otter_first": otter_first,
        "otter_median": statistics.median(otter_again),
    }
print(json.dumps(rows))
"""


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from solutions.build import build

    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        built = build(Path(tmp) / "dist")
        folder = built["student"].parent
        done = subprocess.run(
            [sys.executable, "-c", TIMER, str(ROOT), str(REPEATS)],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return 1
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"grader.check() on passing functions, ms (median of {REPEATS} after the first call)")
    print(f"{'question':<20} {'ours':>8} {'first':>8} {'otter':>8} {'first':>8} {'ratio':>7}")
    worst = 0.0
    for name, row in rows.items():
        if row["status"] != "pass":
            print(f"{name}: the reference did not pass ({row['status']})", file=sys.stderr)
            return 1
        worst = max(worst, row["median"], row["first"])
        ratio = row["otter_median"] / row["median"]
        print(
            f"{name:<20} {row['median']:8.1f} {row['first']:8.1f} {row['otter_median']:8.1f} "
            f"{row['otter_first']:8.1f} {ratio:6.1f}x"
        )
    verdict = "met" if worst < TARGET_MS else "NOT met"
    print(
        f"slowest check (first calls included): {worst:.1f} ms; target {TARGET_MS:g} ms {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
