"""The grader's own errors: a small tree on built-in bases, with the facts as fields.

Student mistakes are never errors here; they are findings in the report. These are for the
grader's inputs: case data, configuration.
"""

from __future__ import annotations


class GraderError(Exception):
    """Base of every error the grader raises on purpose."""


class CaseDataError(GraderError, ValueError):
    """A case file is missing, unreadable or of another schema."""


class ConfigError(GraderError, ValueError):
    """A configuration block has an unknown key or a bad value.

    block: which configuration (e.g. the plugin's name); unknown: the keys not understood;
    valid: the keys that are.
    """

    def __init__(self, block: str, unknown: list[str], valid: list[str]):
        self.block, self.unknown, self.valid = block, unknown, valid
        super().__init__(
            f"unknown setting(s) {', '.join(unknown)} for {block}; valid: {', '.join(valid)}"
        )
