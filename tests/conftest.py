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
def student_nb(built):
    return nbformat.read(built["student"], as_version=4)


@pytest.fixture(scope="session")
def cases(built):
    import grader

    return grader.load_cases(
        built["cases"] / "public_cases.json", built["cases"] / "hidden_cases.json"
    )
