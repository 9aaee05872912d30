"""The points the tests expect: each question's, as the build reads them from the master notebook
(assignment/rnn_lstm.ipynb), which is the one place an instructor sets them."""

from solutions.build import MASTER
from solutions.points import read

TABLE = read(MASTER)
POINTS = {name: entry["question"] for name, entry in TABLE.items()}
PUBLIC = {name: entry["public"] for name, entry in TABLE.items()}
TOTAL = sum(POINTS.values())
PUBLIC_TOTAL = sum(PUBLIC.values())
