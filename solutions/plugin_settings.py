"""The grader plugin's settings as the master notebook's assignment config states them.

The config is the first raw cell (`# ASSIGNMENT CONFIG`, YAML); the plugin is listed under
`plugins:` either bare or as a one-key mapping to its settings. The build copies the settings
that scoring needs (see grader.policy) into the case data, so every way of grading reads the
same value.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import yaml

from grader.policy import SETTING, mutation_policy

PLUGIN = "grader.otter_plugin.RootCausePlugin"
CONFIG_MARK = "# ASSIGNMENT CONFIG"


class SettingsError(ValueError):
    """The master notebook's assignment config cannot be read."""


def assignment_config(nb: nbformat.NotebookNode) -> dict:
    """The parsed ASSIGNMENT CONFIG cell of `nb`."""
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.lstrip().startswith(CONFIG_MARK):
            config = yaml.safe_load(cell.source)
            if not isinstance(config, dict):
                raise SettingsError("the ASSIGNMENT CONFIG cell is not a YAML mapping")
            return config
    raise SettingsError(f"no raw cell starting with {CONFIG_MARK!r} in the master notebook")


def plugin_settings(master: Path) -> dict:
    """The settings listed under the plugin's name in the master notebook ({} when bare)."""
    config = assignment_config(nbformat.read(master, as_version=4))
    for entry in config.get("plugins") or []:
        if entry == PLUGIN:
            return {}
        if isinstance(entry, dict) and PLUGIN in entry:
            return dict(entry[PLUGIN] or {})
    return {}


def case_data_settings(master: Path) -> dict:
    """What the case data carries of the plugin's settings, checked on entry."""
    return {SETTING: mutation_policy(plugin_settings(master)).value}
