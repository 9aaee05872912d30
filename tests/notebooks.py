"""Tests import the notebook factory under this short name; it lives in solutions/notebooks.py."""

from solutions.notebooks import defines, executed, function_cell, notebook, reference_source

__all__ = ["defines", "executed", "function_cell", "notebook", "reference_source"]
