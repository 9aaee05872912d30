"""The second assignment: a deep feed-forward network, step by step, in NumPy.

Instructor-only, like the rest of `solutions/`: the reference (`reference.py`), a plain-data
declaration draft (`spec_draft.py`), the fixed-seed public and the hidden cases (`cases.py`), a
catalog of real mistakes (`mistakes.py`) and the generator of the master notebook
(`notebook.py`, which writes `assignment/deep_nn.ipynb`). Not wired into the build yet.
"""
