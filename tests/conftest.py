import pathlib
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The assignment built once per test session by the real build (case data + otter assign)."""
    from solutions.build import build

    return build(tmp_path_factory.mktemp("build") / "dist")


@pytest.fixture(scope="session")
def built_deep_nn(tmp_path_factory):
    """The deep network assignment built once per test session by the same build."""
    from solutions.build import build
    from solutions.recipes import recipe

    return build(tmp_path_factory.mktemp("build-deep_nn") / "dist", recipe("deep_nn").master)


@pytest.fixture(scope="session")
def deep_nn_student(built_deep_nn):
    return nbformat.read(built_deep_nn["student"], as_version=4)


@pytest.fixture(scope="session")
def deep_nn_cases(built_deep_nn):
    import grader

    return grader.load_cases(
        built_deep_nn["cases"] / "public_cases.json", built_deep_nn["cases"] / "hidden_cases.json"
    )


@pytest.fixture(scope="session")
def student_nb(built):
    return nbformat.read(built["student"], as_version=4)


@pytest.fixture(scope="session")
def cases(built):
    import grader

    return grader.load_cases(
        built["cases"] / "public_cases.json", built["cases"] / "hidden_cases.json"
    )


@pytest.fixture(scope="session", autouse=True)
def reports_follow_the_schema():
    """Every report the tests produce in this process is validated against
    grader/report_schema.json: each dict `to_dict` returns, and each Report that
    `check_submission` returns (turned into its dict)."""
    import functools
    import importlib

    from report_schema import validate

    import grader
    from grader import pipeline, report

    for name in ("batch", "cli", "otter_plugin", "classroom_report", "grade"):
        try:  # load the modules that hold references to the two functions before patching
            importlib.import_module(f"grader.{name}")
        except ImportError:
            pass

    original_to_dict, original_check = report.to_dict, pipeline.check_submission
    grader.to_dict, grader.check_submission  # noqa: B018 (lazy exports, bound before patching)

    # functools.wraps keeps the names, so messages and reprs read as the originals'
    @functools.wraps(original_to_dict)
    def to_dict(result):
        return validate(original_to_dict(result))

    @functools.wraps(original_check)
    def check_submission(*args, **kwargs):
        result = original_check(*args, **kwargs)
        to_dict(result)
        return result

    patched = {id(original_to_dict): to_dict, id(original_check): check_submission}
    originals = (original_to_dict, original_check)
    touched = []
    for name, module in list(sys.modules.items()):
        if name == "grader" or name.startswith(("grader.", "test_")):
            for attr, value in list(vars(module).items()):
                if module is pipeline and value is original_check:
                    continue  # pickled by name into batch workers: the original stays there
                if any(value is original for original in originals):
                    touched.append((module, attr, value))
                    setattr(module, attr, patched[id(value)])
    assert any(m is grader for m, _, _ in touched)
    yield
    for module, attr, value in touched:
        setattr(module, attr, value)
