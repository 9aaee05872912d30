"""Running the real `otter run` from tests and reading its results."""

import json
import subprocess
import sys
from pathlib import Path


def otter_run(notebook: Path, autograder: Path, out: Path) -> dict:
    """`otter run -a AUTOGRADER NOTEBOOK`; returns the parsed results.json."""
    out.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "otter",
        "run",
        "-a",
        str(autograder),
        "-o",
        str(out),
        str(notebook),
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=out, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((out / "results.json").read_text())


def per_question(results: dict) -> dict[str, float]:
    """Question name -> score, from otter's results.json."""
    return {t["name"]: t["score"] for t in results["tests"] if "score" in t}
