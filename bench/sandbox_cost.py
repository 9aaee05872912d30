"""What the sandbox costs per submission, measured in one run.

    .venv/bin/python bench/sandbox_cost.py [--dist dist] [--repeat 3]

For each bundled example (not-a-notebook left out) it grades the same submission with
`grader.check_submission`, alternating, with the kernel
  sandboxed   in bubblewrap (the default: namespaces, read-only Python, tmpfs scratch, rlimits);
  bare        with the same launcher and limits but no namespaces (`--sandbox off`),
and prints the median seconds of each and their ratio. The issue's target: the sandbox adds at
most 10% to grading time per submission.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import grader  # noqa: E402  (after the path set-up above)
from grader.sandbox import Containment, Mode, availability  # noqa: E402


def seconds(example: Path, cases, limits: grader.Limits) -> float:
    start = time.perf_counter()
    report = grader.check_submission(example, cases, limits)
    elapsed = time.perf_counter() - start
    if report.run.status in ("kernel_died", "not_run"):
        raise SystemExit(f"{example.name}: not graded ({report.run.status}); see the report")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    reason = availability()
    if reason is not None:
        raise SystemExit(f"the sandbox cannot start here ({reason}); nothing to compare")
    dist = Path(args.dist)
    cases = grader.load_cases(dist / "public_cases.json", dist / "hidden_cases.json")
    examples = [
        p for p in sorted((ROOT / "examples").glob("*.ipynb")) if p.name != "not-a-notebook.ipynb"
    ]
    boxed = grader.Limits()
    bare = grader.Limits(containment=Containment(mode=Mode.OFF))
    rows = []
    for example in examples:
        timings: dict[str, list[float]] = {"sandboxed": [], "bare": []}
        for _ in range(args.repeat):
            timings["sandboxed"].append(seconds(example, cases, boxed))
            timings["bare"].append(seconds(example, cases, bare))
        rows.append((example.stem, *(statistics.median(timings[k]) for k in ("sandboxed", "bare"))))
    print(f"{'example':<42} {'sandboxed s':>12} {'bare s':>8} {'ratio':>7}")
    for name, boxed_s, bare_s in rows:
        print(f"{name:<42} {boxed_s:>12.2f} {bare_s:>8.2f} {boxed_s / bare_s:>7.3f}")
    total_boxed, total_bare = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(
        f"{'all examples':<42} {total_boxed:>12.2f} {total_bare:>8.2f} "
        f"{total_boxed / total_bare:>7.3f}"
    )


if __name__ == "__main__":
    main()
