"""What starting and ending a submission's kernel costs, cold and warm, measured in one run.

    .venv/bin/python bench/kernel_start.py [--repeat 8] [--busy 1.5]

For the correct example, each round opens the kernel the engine opens (grader.execution.
fresh_kernel: sandbox, seed, client ready), runs one small cell, keeps it `--busy` seconds (a
submission being graded, while a warm kernel boots beside it) and ends it. Rounds alternate
  cold   a kernel launched when it is needed (`check`, one submission);
  warm   the kernel a grading worker launched at its previous submission
         (grader.execution.keep_kernels_warm; the first warm round has none ready and is left
         out),
and it prints the median seconds from asking for the kernel to its being ready, and from the
end of the work to the kernel being killed with everything it started (the part of the shutdown
on the critical path: a worker frees the rest, folders and sockets, after sending its answer).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402  (after the path set-up above)

from grader import execution, sandbox  # noqa: E402


def round_trip(nb, busy: float) -> tuple[float, float]:
    start = time.perf_counter()
    with execution.fresh_kernel(nb, "correct.ipynb") as session:
        ready = time.perf_counter()
        run, _ = session.execute("import numpy as np\nprint(np.ones(3).sum())")
        if run.status != "ok":
            raise SystemExit(f"the kernel did not run a cell: {run}")
        time.sleep(busy)
        done = time.perf_counter()
    return ready - start, time.perf_counter() - done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=8)
    parser.add_argument("--busy", type=float, default=1.5)
    args = parser.parse_args()
    reason = sandbox.availability()
    if reason is not None:
        raise SystemExit(f"the sandbox cannot start here ({reason}); warm kernels need it")
    nb = nbformat.read(ROOT / "examples" / "correct.ipynb", as_version=4)
    round_trip(nb, 0)  # the first kernel of a process loads what later ones reuse
    cold, warm = [], []
    execution.keep_kernels_warm()
    round_trip(nb, args.busy)  # launches the first warm kernel
    execution.stop_warm_kernels()
    for _ in range(args.repeat):
        cold.append(round_trip(nb, args.busy))
        execution.keep_kernels_warm()
        round_trip(nb, args.busy)  # no warm kernel yet: it launches one for the next round
        warm.append(round_trip(nb, args.busy))
        execution.stop_warm_kernels()
    for name, rows in (("cold", cold), ("warm", warm)):
        start = statistics.median(r[0] for r in rows)
        end = statistics.median(r[1] for r in rows)
        print(
            f"{name}: kernel ready in {start:.3f} s, ended in {end:.3f} s (median of {len(rows)})"
        )
    ratio = statistics.median(r[0] for r in cold) / statistics.median(r[0] for r in warm)
    print(f"warm / cold start: {ratio:.1f}x faster")


if __name__ == "__main__":
    main()
