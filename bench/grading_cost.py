"""What root-cause grading costs per submission, measured in one run.

    .venv/bin/python bench/grading_cost.py [--dist dist] [--repeat 1]

For each bundled example it times, in the same run on the same machine:
  engine      `grader.check_submission` alone (fresh kernel, probes, diagnosis);
  otter       `otter run` with an autograder whose plugin list is emptied (otter's own grading);
  otter+plug  `otter run` with the shipped autograder (otter, then the engine via the plugin).
and prints seconds per submission and the peak memory of the child processes.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import grader  # noqa: E402  (after the path set-up above)


def without_plugin(zip_path: Path, folder: Path) -> Path:
    """A copy of the autograder zip whose otter_config.json lists no plugins."""
    out = folder / "no-plugin.zip"
    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "otter_config.json":
                config = json.loads(data)
                config["plugins"] = []
                data = json.dumps(config).encode()
            dst.writestr(item, data)
    return out


def time_otter(notebook: Path, autograder: Path, folder: Path) -> float:
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
        check=True,
        capture_output=True,
        cwd=folder,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    dist = Path(args.dist)
    zip_path = next((dist / "autograder").glob("*.zip"))
    cases = grader.load_cases(dist / "public_cases.json", dist / "hidden_cases.json")
    examples = [
        p for p in sorted((ROOT / "examples").glob("*.ipynb")) if p.name != "not-a-notebook.ipynb"
    ]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bare = without_plugin(zip_path, folder)
        for example in examples:
            engine, otter, both = [], [], []
            for _ in range(args.repeat):
                start = time.perf_counter()
                grader.check_submission(example, cases)
                engine.append(time.perf_counter() - start)
                otter.append(time_otter(example, bare, folder))
                both.append(time_otter(example, zip_path, folder))
            rows.append((example.stem, *(statistics.median(x) for x in (engine, otter, both))))
    print(f"{'example':<42} {'engine s':>9} {'otter s':>9} {'otter+plug s':>13}")
    for name, engine, otter, both in rows:
        print(f"{name:<42} {engine:>9.2f} {otter:>9.2f} {both:>13.2f}")
    means = [statistics.mean(r[i] for r in rows) for i in (1, 2, 3)]
    print(f"{'mean':<42} {means[0]:>9.2f} {means[1]:>9.2f} {means[2]:>13.2f}")
    print(
        f"engine overhead on top of otter run: {means[2] - means[1]:+.2f} s per submission "
        f"({means[2] / means[1]:.2f}x)"
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of a child process (kernel or otter): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
