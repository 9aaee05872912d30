"""The second assignment: a deep feed-forward network, step by step, in NumPy.

Instructor-only, like the rest of `solutions/`: the reference (`reference.py`), the fixed-seed
public and the hidden cases (`cases.py`) and the writer of their case data (`casedata.py`), a
catalog of real mistakes (`mistakes.py`), correct alternatives (`alternatives.py`) and the
generator of the master notebook (`notebook.py`, which writes `assignment/deep_nn.ipynb`). Its
declaration is grader/assignments/deep_nn.py; `python -m grader build --assignment deep_nn`
builds it.
"""
