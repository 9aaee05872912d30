"""How a long grading run shows itself: a progress bar on a terminal (tqdm: done / total, rate,
time left, failures so far), one plain line per submission anywhere else (CI logs)."""

from __future__ import annotations

import sys
from typing import TextIO

LINE = "[{done}/{total}] {name}  {score} / {max_score}  {status}  {headline}"


RUN_WORDS = {  # a run status that is not "ok"/"errors", as the per-submission line says it
    "invalid_notebook": "not graded (not a valid notebook)",
    "not_run": "not graded (not run)",
    "timeout": "graded (the run timed out)",
    "kernel_died": "graded (the kernel died)",
}


def _status(result: dict) -> str:
    """The result's status, with what kept the submission from running to the end: a file that
    is not a notebook has a result (so a rerun skips it) but no grade."""
    run = result.get("report", {}).get("run", {}).get("status")
    if result["status"] == "graded" and run in RUN_WORDS:
        return RUN_WORDS[run]
    return result["status"]


class Progress:
    """Counts finished submissions; `update` is called once per result, `close` at the end."""

    def __init__(self, total: int, done: int = 0, stream: TextIO | None = None, bar=None):
        self.stream = stream or sys.stderr
        self.total, self.done, self.failed = total, done, 0
        self.bar = None
        interactive = bar if bar is not None else self.stream.isatty()
        if interactive:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                initial=done,
                unit="sub",
                file=self.stream,
                dynamic_ncols=True,
                smoothing=0.1,
            )
            self.bar.set_postfix(failed=0)
        elif done:
            print(
                f"{done} of {total} already graded (results found); grading the rest",
                file=self.stream,
                flush=True,
            )

    def update(self, name: str, result: dict, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        if self.bar is not None:
            self.bar.set_postfix(failed=self.failed, refresh=False)
            self.bar.update(1)
            return
        report = result["report"]
        print(
            LINE.format(
                done=self.done,
                total=self.total,
                name=name,
                score=f"{report['score']:g}",
                max_score=f"{report['max_score']:g}",
                status=_status(result),
                headline=result["headline"][:160],
            ),
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
