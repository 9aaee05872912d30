"""What a function that writes into its inputs scores: the instructor's one setting.

Set in the master notebook under the plugin's name (`mutated_inputs: warn|deduct|fail`), read by
the build into the case data, so `check`, `grader.check()` and `otter run` score it the same.

- warn (the default): full points and a finding. The outputs are right, and the grade measures
  the math; where the write does damage (a step function that scales its state argument in
  place corrupts the cache of the previous step) a caller fails as written and the report says so.
- deduct: the finding, and the function loses DEDUCTION of its points.
- fail: the cases where it wrote into an input count as failed.
"""

from __future__ import annotations

from enum import StrEnum

from grader.errors import ConfigError

SETTING = "mutated_inputs"
DEDUCTION = 0.5


class MutationPolicy(StrEnum):
    WARN = "warn"
    DEDUCT = "deduct"
    FAIL = "fail"


DEFAULT = MutationPolicy.WARN


def mutation_policy(settings: dict | None) -> MutationPolicy:
    """The policy named in `settings` (case data or plugin settings); unknown values are
    rejected with the list of valid ones."""
    value = (settings or {}).get(SETTING, DEFAULT.value)
    try:
        return MutationPolicy(value)
    except ValueError:
        raise ConfigError(
            SETTING, [f"{SETTING}: {value!r}"], [p.value for p in MutationPolicy]
        ) from None
