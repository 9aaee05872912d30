"""The otter plugin adapter: configuration is checked on entry; missing data is a clear zero."""

import pytest
from otter.test_files import GradingResults

from grader import ConfigError, spec
from grader.otter_plugin import PluginConfig, RootCausePlugin


def test_unknown_settings_are_rejected_with_the_valid_ones():
    """A misspelt setting names itself and lists the valid keys."""
    with pytest.raises(ConfigError, match="cell_second.*valid: cell_seconds, probe_seconds"):
        PluginConfig.from_mapping({"cell_second": 5})
    assert PluginConfig.from_mapping({"cell_seconds": 5}).cell_seconds == 5.0


def test_missing_case_data_gives_zero_and_says_why(tmp_path):
    """Without hidden_cases.json beside the submission every question scores 0 with a reason."""
    submission = tmp_path / "rnn_lstm.ipynb"
    submission.write_text("{}")
    plugin = RootCausePlugin(str(submission), {}, {})
    results = GradingResults([])
    plugin.after_grading(results)
    assert sorted(results.results) == sorted(spec.NAMES)
    assert results.total == 0 and results.possible == sum(f.points for f in spec.FUNCTIONS)
    assert "no hidden_cases.json" in results.output
    assert "no hidden_cases.json" in plugin.generate_report()
