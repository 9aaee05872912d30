"""What grading a course costs, against otter run, measured in one run on the same submissions.

    .venv/bin/python bench/course_grading.py [--dist dist] [--count 200] [--otter-sample 20]

It writes `--count` generated submissions (tests/generated.py: correct, buggy, stale and broken
mixed, a quarter in an LMS zip) and times, on this machine, in this run:
  single     `python -m grader check` vs `otter run` (the shipped autograder with its plugin
             list emptied: otter's own tests) on the same submissions, one at a time;
  batch      `python -m grader grade` over all of them with --workers 1 and --workers 2, and
             through a local Dask cluster (scheduler and two one-thread workers on 127.0.0.1),
             each into a fresh results folder; against `otter run` one by one, timed on the
             first `--otter-sample` submissions (the same mix) and counted per submission;
  memory     the peak resident memory of each local worker with every process below it
             (sandbox and kernel included), sampled every 0.1 s during the 2-worker run.
and prints the ratios. Nothing is extrapolated silently: the otter per-submission figure says
how many submissions it was measured on.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from dask_cluster import local_cluster  # noqa: E402
from generated import base_notebooks, write_corpus  # noqa: E402
from grading_cost import without_plugin  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _below(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


class PeakPerWorker(threading.Thread):
    """Samples, for each child of `pid` (a worker), its RSS plus that of everything below it."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peaks, self.stop = pid, {}, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.1):
            for task in (
                os.listdir(f"/proc/{self.pid}/task") if Path(f"/proc/{self.pid}").exists() else []
            ):
                try:
                    children = Path(f"/proc/{self.pid}/task/{task}/children").read_text().split()
                except OSError:
                    continue
                for worker in map(int, children):
                    total = _rss(worker) + sum(_rss(p) for p in _below(worker))
                    self.peaks[worker] = max(self.peaks.get(worker, 0), total)


def grade(sources, out: Path, cases: Path, *extra: str, memory: bool = False):
    command = [
        sys.executable,
        "-m",
        "grader",
        "grade",
        *sources,
        "--out",
        str(out),
        "--cases",
        str(cases),
        *extra,
    ]
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    sampler = PeakPerWorker(process.pid) if memory else None
    if sampler:
        sampler.start()
    _, err = process.communicate()
    elapsed = time.perf_counter() - start
    if sampler:
        sampler.stop.set()
        sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"grade failed ({process.returncode}):\n{err[-3000:]}")
    return elapsed, (sampler.peaks if sampler else {})


def time_otter(notebook: Path, autograder: Path, folder: Path) -> float:
    """`otter run` on one submission; a broken file makes it fail, which is its cost too."""
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "otter",
            "run",
            "-a",
            str(autograder),
            "-o",
            str(folder),
            str(notebook),
        ],
        capture_output=True,
        cwd=folder,
    )
    return time.perf_counter() - start


def check_once(notebook: Path, cases: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "grader", "check", str(notebook), "--cases", str(cases)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--otter-sample", type=int, default=20)
    parser.add_argument("--single", type=int, default=5, help="submissions for the single test")
    args = parser.parse_args()
    dist = Path(args.dist)
    autograder = next((dist / "autograder").glob("*.zip"))
    with tempfile.TemporaryDirectory(prefix="bench-course-") as tmp:
        folder = Path(tmp)
        print(f"writing {args.count} submissions ...", flush=True)
        sources, made = write_corpus(
            base_notebooks(dist / "student" / "rnn_lstm.ipynb"),
            folder / "course",
            args.count,
            in_zip=args.count // 4,
        )
        files = sorted((folder / "course" / "folder").rglob("*.ipynb"))
        bare = without_plugin(autograder, folder)
        otter_dir = folder / "otter"
        otter_dir.mkdir()

        # one submission at a time: check vs otter run, alternated, on the same notebooks
        singles = [f for f in files if f.stat().st_size > 1000][: args.single]
        ours, theirs = [], []
        for notebook in singles:
            ours.append(check_once(notebook, dist))
            theirs.append(time_otter(notebook, bare, otter_dir))
        one_ours, one_otter = statistics.median(ours), statistics.median(theirs)
        print(
            f"one submission (median of {len(singles)}): grader check {one_ours:.2f} s, "
            f"otter run {one_otter:.2f} s -> check takes {one_ours / one_otter:.2f}x otter's "
            "time (target <= 0.5)",
            flush=True,
        )

        sample = files[: args.otter_sample]
        start = time.perf_counter()
        for notebook in sample:
            time_otter(notebook, bare, otter_dir)
        otter_each = (time.perf_counter() - start) / len(sample)
        n = len(made)
        print(
            f"otter run one by one: {otter_each:.2f} s per submission (measured on "
            f"{len(sample)} of the {n})",
            flush=True,
        )

        def show(label: str, seconds: float) -> None:
            print(
                f"{label:<28} {seconds:7.1f} s for {n}: {seconds / n:.2f} s per submission, "
                f"{otter_each * n / seconds:.2f}x otter run's throughput (target >= 6)",
                flush=True,
            )

        one, _ = grade(sources, folder / "w1", dist, "--workers", "1")
        show("grade --workers 1", one)
        two, peaks = grade(sources, folder / "w2", dist, "--workers", "2", memory=True)
        show("grade --workers 2", two)
        print(f"2 workers vs 1 worker: {one / two:.2f}x (target >= 1.7)", flush=True)
        if peaks:
            worst = max(peaks.values()) / 2**20
            shown = ", ".join(f"{v / 2**20:.0f}" for v in sorted(peaks.values(), reverse=True)[:4])
            print(
                f"peak resident memory per local worker, kernel included: {worst:.0f} MiB "
                f"(largest: {shown} MiB; target < 250)",
                flush=True,
            )
        with local_cluster(2) as cluster:
            dask, _ = grade(sources, folder / "dask", dist, "--scheduler", cluster.address)
        show("grade via Dask (2 workers)", dask)


if __name__ == "__main__":
    main()
