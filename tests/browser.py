"""A real headless browser for rendering tests: Debian's chromium, installed when missing.

    node()               Node.js, for the Classroom reporter's own code (Debian's nodejs)
    chromium()           the browser binary (`apt-get install chromium` when there is none)
    mathjax2()           MathJax 2's MathJax.js, the version nbconvert's templates load
                         (Debian's libjs-mathjax, installed when missing)
    npm_package(spec)    an npm package (KaTeX, MathJax 3) installed into a cache folder
    dump_dom(page)       the page's DOM after its scripts ran (virtual time, no real waiting)
    screenshot(page, png)

The machine has no internet beyond the package registries, so every script a page loads must be
a local file; pages are opened with every host name resolving to nothing. Nothing here skips: a
browser or library that cannot be had raises BrowserUnavailable saying why, and the test fails.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Debian's /usr/bin/chromium is a shell wrapper that prints a shell error on some machines;
# the binary behind it takes the same flags.
DEBIAN_BINARY = Path("/usr/lib/chromium/chromium")
MATHJAX2 = Path("/usr/share/javascript/mathjax/MathJax.js")
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rnn-lstm-grader"
LOCK = Path(tempfile.gettempdir()) / "rnn-lstm-grader-browser.lock"
INSTALL_SECONDS = 900
PAGE_SECONDS = 120

NO_APT = (
    "{what} is not installed and cannot be installed here ({reason}). Install it with "
    "`apt-get install -y {package}` (Debian/Ubuntu) and run the tests again."
)
APT_FAILED = "`apt-get install -y {package}` failed (exit {code}):\n{output}"
NPM_FAILED = "`npm install {spec}` failed (exit {code}):\n{output}"
BROWSER_FAILED = "chromium exited with status {code} on {page}:\n{output}"


class BrowserUnavailable(RuntimeError):
    """A browser or a math library the rendering tests need cannot be had; says why."""


@contextlib.contextmanager
def _installing() -> Iterator[None]:
    """One installer at a time across test workers (apt and npm both keep locks of their own
    that make a second, concurrent run fail instead of wait)."""
    with open(LOCK, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _apt_install(package: str, what: str) -> None:
    if shutil.which("apt-get") is None:
        raise BrowserUnavailable(NO_APT.format(what=what, reason="no apt-get", package=package))
    if os.geteuid() != 0:
        raise BrowserUnavailable(NO_APT.format(what=what, reason="not root", package=package))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=INSTALL_SECONDS
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr)[-3000:]
            raise BrowserUnavailable(
                APT_FAILED.format(package=package, code=done.returncode, output=output)
            )


def _find_browser() -> Path | None:
    if DEBIAN_BINARY.is_file() and os.access(DEBIAN_BINARY, os.X_OK):
        return DEBIAN_BINARY
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def node() -> Path:
    """Node.js (to run a JavaScript action's own code); installs Debian's nodejs when missing."""
    found = shutil.which("node")
    if found is None:
        with _installing():
            found = shutil.which("node")
            if found is None:
                _apt_install("nodejs", "Node.js")
                found = shutil.which("node")
    if found is None:
        raise BrowserUnavailable("apt-get installed nodejs but no node binary was found")
    return Path(found)


def chromium() -> Path:
    """The headless browser; installs Debian's chromium when none is found."""
    found = _find_browser()
    if found is None:
        with _installing():
            found = _find_browser()
            if found is None:
                _apt_install("chromium", "A Chromium browser")
                found = _find_browser()
    if found is None:
        raise BrowserUnavailable("apt-get installed chromium but no chromium binary was found")
    return found


def mathjax2() -> Path:
    """MathJax.js of MathJax 2.7 (the version nbconvert's lab and classic templates load)."""
    if not MATHJAX2.is_file():
        with _installing():
            if not MATHJAX2.is_file():
                _apt_install("libjs-mathjax", "MathJax 2 (Debian's libjs-mathjax)")
    if not MATHJAX2.is_file():
        raise BrowserUnavailable(f"libjs-mathjax is installed but {MATHJAX2} does not exist")
    return MATHJAX2


def npm_package(spec: str) -> Path:
    """The folder of npm package `spec` (e.g. "katex@0.16"), installed once into the cache."""
    name = spec.rsplit("@", 1)[0] if spec.rfind("@") > 0 else spec
    prefix = CACHE / "npm" / spec.replace("/", "_")
    folder = prefix / "node_modules" / name
    if (folder / "package.json").is_file():
        return folder
    npm = shutil.which("npm")
    if npm is None:
        with _installing():
            _apt_install("npm", "npm (to fetch the math renderers)")
        npm = shutil.which("npm")
    if npm is None:
        raise BrowserUnavailable("apt-get installed npm but no npm command was found")
    with _installing():
        if not (folder / "package.json").is_file():
            prefix.mkdir(parents=True, exist_ok=True)
            command = [npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix"]
            done = subprocess.run(
                [*command, str(prefix), spec],
                capture_output=True,
                text=True,
                timeout=INSTALL_SECONDS,
            )
            if done.returncode != 0 or not (folder / "package.json").is_file():
                output = (done.stdout + done.stderr)[-3000:]
                raise BrowserUnavailable(
                    NPM_FAILED.format(spec=spec, code=done.returncode, output=output)
                )
    return folder


def _run(page: Path, flags: list[str], seconds: float) -> subprocess.CompletedProcess:
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [
            str(browser),
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            "--allow-file-access-from-files",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing leaves the machine
            *(["--no-sandbox"] if os.geteuid() == 0 else []),  # chromium refuses root otherwise
            *flags,
            page.resolve().as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=PAGE_SECONDS)
    if done.returncode != 0:
        output = done.stderr[-3000:]
        raise BrowserUnavailable(
            BROWSER_FAILED.format(code=done.returncode, page=page, output=output)
        )
    return done


def dump_dom(page: Path, budget_ms: int = 30_000) -> str:
    """The serialised DOM of `page` once its scripts have run; `budget_ms` of virtual time lets
    timers and script loads finish without waiting that long for real."""
    return _run(page, [f"--virtual-time-budget={budget_ms}", "--dump-dom"], PAGE_SECONDS).stdout


def screenshot(page: Path, png: Path, width: int = 1000, height: int = 1400) -> Path:
    """A PNG of `page` as the browser draws it."""
    flags = [
        "--virtual-time-budget=30000",
        "--run-all-compositor-stages-before-draw",
        f"--window-size={width},{height}",
        f"--screenshot={png.resolve()}",
    ]
    _run(page, flags, PAGE_SECONDS)
    if not png.is_file():
        raise BrowserUnavailable(f"chromium ran but wrote no screenshot to {png}")
    return png
