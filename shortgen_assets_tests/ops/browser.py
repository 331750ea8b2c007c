"""Headless Debian Chromium for UI tests, driven over the Chrome DevTools Protocol.

CDP (through `websockets`, which dagster-webserver already installs) lets a test wait until the
React UI has really rendered something, read the page, and take a screenshot; a one-shot
`chromium --screenshot` can do neither.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
# As root, headless, on a closed network: no sandbox, and no background connections to Google.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)


class BrowserUnavailable(RuntimeError):
    """Chromium is missing and could not be installed here."""


def _run(command: list[str], timeout: float) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BrowserUnavailable(f"`{' '.join(command)}` exited {done.returncode}: {tail}")


def find_chromium() -> Path | None:
    found = shutil.which("chromium")
    if found:
        return Path(found)
    return DEBIAN_CHROMIUM if DEBIAN_CHROMIUM.exists() else None


def ensure_chromium() -> Path:
    """Debian's chromium, installed with apt-get (as root) when it is not there yet."""
    found = find_chromium()
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise BrowserUnavailable(
            "chromium is not installed and this is not root on Debian: "
            "run `apt-get install -y chromium` first"
        )
    _run(["apt-get", "update"], timeout=600)
    _run(["apt-get", "install", "-y", "chromium"], timeout=1200)
    found = find_chromium()
    if found is None:
        raise BrowserUnavailable("apt-get installed chromium but /usr/bin/chromium is missing")
    return found


class CDPError(RuntimeError):
    """A DevTools command failed, or a page never reached the state a test waited for."""


class Chromium:
    """One headless Chromium with one page, controlled over its DevTools websocket."""

    def __init__(self, executable: Path, width: int = 1440, height: int = 900) -> None:
        self._profile = tempfile.TemporaryDirectory(
            prefix="shortgen-chromium-", ignore_cleanup_errors=True
        )
        self._process = subprocess.Popen(
            [
                str(executable),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self._profile.name}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own group, so its helper processes stop with it
        )
        self._ids = itertools.count(1)
        try:
            self._socket = self._connect_to_page(timeout=30)
            self.command("Page.enable")
            self.command("Runtime.enable")
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
            self.command("Emulation.setDeviceMetricsOverride", metrics)
        except BaseException:
            self.close()
            raise

    def _debugging_port(self, timeout: float) -> int:
        """Chromium writes the port it chose (for port 0) into the profile folder."""
        marker = Path(self._profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise CDPError(f"chromium exited with code {self._process.returncode}")
            if marker.exists():
                first_line = marker.read_text().splitlines()[:1]
                if first_line and first_line[0].isdigit():
                    return int(first_line[0])
            time.sleep(0.1)
        raise CDPError(f"chromium opened no DevTools port within {timeout:.0f} s")

    def _connect_to_page(self, timeout: float) -> ClientConnection:
        port = self._debugging_port(timeout)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
            targets = json.load(reply)
        page = next(target for target in targets if target["type"] == "page")
        return connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10)

    def command(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30):
        """Send one CDP command and return its result, skipping the events in between."""
        message_id = next(self._ids)
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self._socket.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if reply.get("id") != message_id:
                continue
            if "error" in reply:
                raise CDPError(f"{method}: {reply['error'].get('message')}")
            return reply["result"]

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited if it is a promise)."""
        params = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        result = self.command("Runtime.evaluate", params)
        if "exceptionDetails" in result:
            raise CDPError(f"{expression!r} threw: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def open(self, url: str, timeout: float = 30) -> None:
        """Load `url` and wait for its new document, so no check reads the previous page."""
        self.evaluate("window.__shortgenPrevious = true")
        reply = self.command("Page.navigate", {"url": url})
        if reply.get("errorText"):
            raise CDPError(f"could not open {url}: {reply['errorText']}")
        fresh = "!window.__shortgenPrevious && document.readyState === 'complete'"
        self.wait_for(fresh, timeout, what=f"{url} to load")

    def wait_for(self, expression: str, timeout: float = 30, what: str = "") -> Any:
        """Poll a JavaScript expression until it is truthy; its last value names the failure."""
        deadline = time.monotonic() + timeout
        value: Any = None
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except CDPError:  # the page is between documents
                value = None
            if value:
                return value
            time.sleep(0.25)
        raise CDPError(f"timed out after {timeout:.0f} s waiting for {what or expression}")

    def text(self) -> str:
        return self.evaluate("document.body ? document.body.innerText : ''") or ""

    def settle(self, quiet: float = 1.0, timeout: float = 10) -> None:
        """Wait until the page stops fetching and changing: late queries (asset status, say)
        restyle what is already there without changing its text."""
        state = (
            "[performance.getEntriesByType('resource').length, document.body.innerHTML.length,"
            " document.body.innerText].join('|')"
        )
        deadline = time.monotonic() + timeout
        last, since = self.evaluate(state), time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - since < quiet:
            time.sleep(0.2)
            now = self.evaluate(state)
            if now != last:
                last, since = now, time.monotonic()

    def click_text(self, text: str) -> None:
        """Click the innermost element whose visible text is exactly `text`, as a user would."""
        clicked = self.evaluate(
            f"""(() => {{
                const hits = [...document.querySelectorAll('body *')]
                    .filter(el => el.innerText && el.innerText.trim() === {json.dumps(text)});
                const target = hits.find(el => !hits.some(other => other !== el
                    && el.contains(other)));
                if (!target) return false;
                target.scrollIntoView({{block: 'center'}});
                target.click();
                return true;
            }})()"""
        )
        if not clicked:
            raise CDPError(f"nothing to click with the text {text!r}")

    def screenshot(self, path: Path) -> Path:
        """A PNG of the viewport, written under a temporary name and renamed when complete."""
        data = self.command("Page.captureScreenshot", {"format": "png"})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(base64.b64decode(data))
        os.replace(tmp, path)
        return path

    def close(self) -> None:
        """Ask Chromium to quit, then end whatever is left of its process group."""
        socket = getattr(self, "_socket", None)
        if socket is not None:
            with contextlib.suppress(Exception):  # it may already be gone
                self.command("Browser.close", timeout=5)
            socket.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGTERM)
            self._process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # renderers that outlived the browser
            os.killpg(self._process.pid, signal.SIGKILL)
        self._profile.cleanup()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
