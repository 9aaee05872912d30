"""The GitHub Classroom autograding workflow of the student repository, written by the build.

One step grades the notebook once (one fresh kernel, all eight functions) with
`python -m grader classroom`, which writes one result per function as a step output, in the
contract of `autograding-grading-reporter` (see grader.classroom_report), and the diagnosis as
Markdown to the job summary. The reporter step then hands those results to GitHub Classroom.
The notebook runs in the grader's sandbox; Ubuntu runners need user namespaces allowed for it
(a step does that), and without them the report says the sandbox was unavailable.

Every action is pinned to a commit (the tag it was is in a comment beside it). Optionally the
workflow also checks out a private repository holding `hidden_cases.json`, with a token kept as
a repository or organisation secret, and grades with those cases too.
"""

from __future__ import annotations

from grader.assignments import assignment

CHECKOUT = "actions/checkout@11d5960a326750d5838078e36cf38b85af677262  # v4.4.0"
SETUP_PYTHON = "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065  # v5.6.0"
REPORTER = (
    "classroom-resources/autograding-grading-reporter@"
    "d13b5912daf5042ac1b71bc38bdb4a6bcd61d8ca  # v1"
)
GRADE_STEP = "grade"
HIDDEN_FOLDER = ".hidden-cases"
HIDDEN_TOKEN = "HIDDEN_CASES_TOKEN"
TIMEOUT_MINUTES = 20  # the grader's own budget per submission is 10 minutes (--submission-seconds)


def runner(name: str) -> str:
    """The reporter's runner name for the function `name` (letters and digits only, as the
    reporter's check of its `runners:` input wants)."""
    return name.replace("_", "")


def grade_command(notebook: str, hidden: bool = False) -> str:
    """The grading step's command: one run of the grader for every function."""
    cases = "--cases grader/data" + (f" --hidden-cases {HIDDEN_FOLDER}" if hidden else "")
    return (
        f"python -m grader classroom {notebook} {cases} "
        f'--output-env "$GITHUB_OUTPUT" --summary "$GITHUB_STEP_SUMMARY"'
    )


def _private_checkout(repository: str) -> str:
    return f"""    - name: Check out the hidden case data (a private repository)
      uses: {CHECKOUT}
      with:
        repository: {repository}
        token: ${{{{ secrets.{HIDDEN_TOKEN} }}}}
        path: {HIDDEN_FOLDER}
        persist-credentials: false
"""


def workflow(
    notebook: str,
    sandbox_requirements: tuple[str, ...] = (),
    hidden_repository: str | None = None,
    names: tuple[str, ...] | None = None,
) -> str:
    """The text of .github/workflows/classroom.yml for a repository holding `notebook`.

    names: the graded functions, one reporter runner each (default: the default assignment's).

    sandbox_requirements: what to install besides requirements.txt for the grader's sandbox.
    hidden_repository: "owner/name" of a private repository with hidden_cases.json (and the
        build's case_digests.json), read with the secret HIDDEN_CASES_TOKEN; None grades on
        the public case only.
    """
    extra = "".join(f' "{r}"' for r in sandbox_requirements)
    install = f"python -m pip install --quiet -r requirements.txt{extra}"
    hidden = _private_checkout(hidden_repository) if hidden_repository else ""
    names = names or assignment().names
    env = "\n".join(
        f"        {runner(name).upper()}_RESULTS: "
        f"${{{{ steps.{GRADE_STEP}.outputs.{runner(name)} }}}}"
        for name in names
    )
    runners = ",".join(runner(name) for name in names)
    return f"""name: Autograding Tests
on:
  - push
  - repository_dispatch
  - workflow_dispatch
permissions:
  contents: read  # the checkout; nothing is written back
concurrency:  # a newer push grades the newer notebook; the older run is not needed
  group: ${{{{ github.workflow }}}}-${{{{ github.ref }}}}
  cancel-in-progress: true
jobs:
  run-autograding-tests:
    name: run-autograding-tests  # the check run GitHub Classroom reads is named so
    runs-on: ubuntu-latest
    timeout-minutes: {TIMEOUT_MINUTES}
    if: github.actor != 'github-classroom[bot]'
    permissions:
      contents: read  # the checkout
      actions: read  # as GitHub Classroom's own template has it
    steps:
    - name: Checkout code
      uses: {CHECKOUT}
      with:
        persist-credentials: false
{hidden}    - name: Set up Python
      uses: {SETUP_PYTHON}
      with:
        python-version: "3.11"
    - name: Install the grader's dependencies
      run: {install}
    - name: Let the grader's sandbox (bubblewrap) make user namespaces
      run: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 || true
    - name: Grade every function in one run
      id: {GRADE_STEP}
      run: {grade_command(notebook, bool(hidden_repository))}
    - name: Autograding Reporter
      uses: {REPORTER}
      env:
{env}
      with:
        runners: {runners}
"""
