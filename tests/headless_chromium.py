"""Open a page in headless Chromium and report what happened, without any network.

Chromium is driven over the DevTools protocol through a pipe (``--remote-debugging-pipe``:
commands on file descriptor 3, replies on 4, each message JSON ending in a NUL byte), so no
port is opened and no package beyond the standard library is needed. :func:`visit` loads a
``file://`` page, with the page's own JavaScript on or off, and returns every request it made,
every request that failed, every script error and console error, what a small script says
about the DOM on screen and in print, the fonts that drew chosen elements, screenshots and a
PDF print.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Flags for a quiet, offline, throw-away browser in a container.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
)
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: How long to wait for the browser before giving up (a hang guard, not a measurement).
PATIENCE = 90.0


def find_chromium() -> str | None:
    """``$CADRECORE_CHROMIUM``, else a Chromium or Chrome on the PATH, else None."""
    configured = os.environ.get("CADRECORE_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


class BrowserError(RuntimeError):
    """The browser did not answer as expected."""


class _Pipe:
    """A DevTools protocol session over the two pipes of a Chromium process."""

    def __init__(self, binary: str, profile: Path, log: Path) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_fds() -> None:  # runs in the child, before exec
            read_end = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
            write_end = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            close_fds=False,  # our own descriptors are not inheritable; 3 and 4 are
            preexec_fn=wire_fds,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self._replies: dict[int, dict[str, Any]] = {}

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.send("Browser.close", wait=False)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._log.close()

    def _pump(self, deadline: float) -> None:
        """Read what the browser sent until ``deadline``; sort replies from events."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BrowserError("the browser did not answer in time")
        # (poll, not select: a test process holding over 1,024 files gives the pipe a number
        # select cannot watch)
        poller = select.poll()
        poller.register(self._from_child, select.POLLIN)
        ready = poller.poll(int(min(remaining, 0.5) * 1000))
        if not ready:
            if self.process.poll() is not None:
                raise BrowserError(f"the browser exited with {self.process.returncode}")
            return
        chunk = os.read(self._from_child, 1 << 20)
        if not chunk:
            raise BrowserError("the browser closed its pipe")
        self._buffer += chunk
        while b"\0" in self._buffer:
            raw, self._buffer = self._buffer.split(b"\0", 1)
            message = json.loads(raw)
            if "id" in message:
                self._replies[message["id"]] = message
            else:
                self.events.append(message)

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        *,
        wait: bool = True,
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        if not wait:
            return {}
        deadline = time.monotonic() + PATIENCE
        while self._next_id not in self._replies:
            self._pump(deadline)
        reply = self._replies.pop(self._next_id)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def wait_for(self, matches: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        deadline = time.monotonic() + PATIENCE
        seen = 0
        while True:
            for event in self.events[seen:]:
                if matches(event):
                    return event
            seen = len(self.events)
            self._pump(deadline)


@dataclass
class Visit:
    """What happened when a page was opened."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    probe: Any = None
    print_probe: Any = None
    fonts: dict[str, list[str]] = field(default_factory=dict)
    screenshots: dict[str, Path] = field(default_factory=dict)
    pdf: Path | None = None

    @property
    def remote_requests(self) -> list[str]:
        """Requests for anything that is not in the page's own file (or a data: URL)."""
        return [u for u in self.requests if not u.startswith(("file://", "data:", "about:"))]


def visit(
    binary: str,
    page: Path,
    *,
    probe: str = "null",
    ready: str = "true",
    screenshots: Path | None = None,
    prefix: str = "",
    full_height: int = 12000,
    clips: dict[str, str] | None = None,
    fonts: dict[str, str] | None = None,
    width: int = 1280,
    height: int = 900,
    javascript: bool = True,
    print_probe: str | None = None,
    pdf: Path | None = None,
) -> Visit:
    """Open ``page`` (a file) in headless Chromium and report on it.

    ``ready`` is a JavaScript expression polled until true once the page has loaded (say,
    until the charts are drawn); ``probe`` an expression whose JSON value is returned. With
    ``screenshots``, ``<prefix>top.png`` (the first screen), ``<prefix>full.png`` (the page from
    the top, up to ``full_height`` pixels) and ``<name>.png`` for each CSS selector of ``clips``
    (that element) are written there. ``fonts`` maps names to CSS selectors: for each, the fonts
    the platform actually used to draw the text of every element it matches (as
    ``Family: glyphs``), which shows missing glyphs ("tofu") that ``document.fonts.check``
    cannot.

    With ``javascript=False`` the page's own scripts never run (``ready`` and the probes are
    still evaluated, by the test's side of the protocol). ``print_probe`` is evaluated with the
    print stylesheet in force; with ``pdf``, the page is printed to that file as Chromium's
    "Save as PDF" does, on the paper its ``@page`` rule asks for.
    """
    result = Visit()
    with tempfile.TemporaryDirectory(prefix="cadrecore-chromium-") as scratch:
        browser = _Pipe(binary, Path(scratch) / "profile", Path(scratch) / "chromium.log")
        try:
            target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            for domain in ("Network", "Page", "Runtime", "Log"):
                browser.send(f"{domain}.enable", session=session)
            browser.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                session,
            )
            if not javascript:
                browser.send("Emulation.setScriptExecutionDisabled", {"value": True}, session)
            browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session)
            browser.wait_for(
                lambda e: e.get("method") == "Page.loadEventFired" and e.get("sessionId") == session
            )
            deadline = time.monotonic() + PATIENCE
            while not _evaluate(browser, session, f"Boolean({ready})"):
                if time.monotonic() > deadline:
                    raise BrowserError(f"the page never became ready ({ready})")
                time.sleep(0.2)
            _evaluate(browser, session, "document.fonts.ready.then(() => true)")
            result.probe = _evaluate(browser, session, probe)
            if fonts:
                browser.send("DOM.enable", session=session)
                browser.send("CSS.enable", session=session)
                root = browser.send("DOM.getDocument", {"depth": 0}, session)["root"]["nodeId"]
                for name, selector in fonts.items():
                    nodes = browser.send(
                        "DOM.querySelectorAll", {"nodeId": root, "selector": selector}, session
                    )["nodeIds"]
                    if not nodes:
                        raise BrowserError(f"no element matches {selector!r}")
                    glyphs: dict[str, int] = {}
                    for node in nodes:
                        used = browser.send(
                            "CSS.getPlatformFontsForNode", {"nodeId": node}, session
                        )
                        for font in used["fonts"]:
                            family = font["familyName"]
                            glyphs[family] = glyphs.get(family, 0) + font["glyphCount"]
                    result.fonts[name] = [f"{f}: {n}" for f, n in glyphs.items()]
            if screenshots is not None:
                screenshots.mkdir(parents=True, exist_ok=True)
                result.screenshots["top"] = _shoot(
                    browser, session, screenshots / f"{prefix}top.png"
                )
                size = browser.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
                clip = {
                    "x": 0,
                    "y": 0,
                    "width": width,
                    "height": min(int(size["height"]), full_height),
                    "scale": 1,
                }
                result.screenshots["full"] = _shoot(
                    browser, session, screenshots / f"{prefix}full.png", clip=clip
                )
                for name, selector in (clips or {}).items():
                    box = _evaluate(
                        browser, session, _BOX.replace("SELECTOR", json.dumps(selector))
                    )
                    if box is None:
                        raise BrowserError(f"no element matches {selector!r}")
                    result.screenshots[name] = _shoot(
                        browser, session, screenshots / f"{name}.png", clip={**box, "scale": 1}
                    )
            if print_probe is not None:
                browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session)
                result.print_probe = _evaluate(browser, session, print_probe)
                browser.send("Emulation.setEmulatedMedia", {"media": ""}, session)
            if pdf is not None:
                printed = browser.send(
                    "Page.printToPDF",
                    {"preferCSSPageSize": True, "printBackground": True},
                    session,
                )
                pdf.parent.mkdir(parents=True, exist_ok=True)
                pdf.write_bytes(base64.b64decode(printed["data"]))
                result.pdf = pdf
        finally:
            browser.close()
        urls: dict[str, str] = {}
        for event in browser.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                urls[params["requestId"]] = params["request"]["url"]
                result.requests.append(params["request"]["url"])
            elif method == "Network.loadingFailed":
                url = urls.get(params["requestId"], params["requestId"])
                result.failed.append(f"{url}: {params.get('errorText')}")
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                text = details.get("exception", {}).get("description") or details.get("text")
                result.errors.append(f"exception: {text}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                args = " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                result.errors.append(f"console.error: {args}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                entry = params["entry"]
                result.errors.append(f"log: {entry.get('text')} {entry.get('url', '')}".strip())
    return result


_BOX = """(() => {
  const element = document.querySelector(SELECTOR);
  if (!element) return null;
  const r = element.getBoundingClientRect();
  return {x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height};
})()"""


def _evaluate(browser: _Pipe, session: str, expression: str) -> Any:
    reply = browser.send(
        "Runtime.evaluate",
        {"expression": expression, "returnByValue": True, "awaitPromise": True},
        session,
    )
    if "exceptionDetails" in reply:
        raise BrowserError(f"{expression}: {reply['exceptionDetails'].get('text')}")
    return reply["result"].get("value")


def _shoot(browser: _Pipe, session: str, path: Path, clip: dict[str, Any] | None = None) -> Path:
    params: dict[str, Any] = {"format": "png"}
    if clip is not None:
        params.update(clip=clip, captureBeyondViewport=True)
    data = browser.send("Page.captureScreenshot", params, session)["data"]
    path.write_bytes(base64.b64decode(data))
    return path


# ---------------------------------------------------------------------------------------------
# A site opened from a folder: every page its links reach, in one browser
# ---------------------------------------------------------------------------------------------

#: Every link of the page, resolved by the browser (``a.href``).
_LINKS = "[...document.querySelectorAll('a[href]')].map(a => a.href)"


@dataclass
class Crawl:
    """What following every link of a site from its first page found."""

    pages: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    remote_requests: list[str] = field(default_factory=list)
    outside: set[str] = field(default_factory=set)


def crawl(binary: str, start: Path, *, limit: int = 1000) -> Crawl:
    """Open ``start`` (a file) in headless Chromium and follow every link to a file of its
    folder, page by page, in one browser: which pages were reached, which links lead to no
    file (``page -> link``), which requests failed or went off the machine, which scripts
    raised. Links elsewhere (``https://...``) are collected in ``outside``, not followed."""
    root = start.resolve().parent
    result = Crawl()
    queue_: list[Path] = [start.resolve()]
    seen: set[Path] = set(queue_)
    with tempfile.TemporaryDirectory(prefix="cadrecore-chromium-") as scratch:
        browser = _Pipe(binary, Path(scratch) / "profile", Path(scratch) / "chromium.log")
        try:
            target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            for domain in ("Network", "Page", "Runtime", "Log"):
                browser.send(f"{domain}.enable", session=session)
            while queue_ and len(result.pages) < limit:
                page = queue_.pop(0)
                result.pages.append(page)
                first = len(browser.events)
                browser.send("Page.navigate", {"url": page.as_uri()}, session)
                deadline = time.monotonic() + PATIENCE
                while not any(
                    e.get("method") == "Page.loadEventFired" and e.get("sessionId") == session
                    for e in browser.events[first:]
                ):
                    browser._pump(deadline)
                links = _evaluate(browser, session, _LINKS) or []
                for event in browser.events[first:]:
                    _note(result, page, event, browser.events[first:])
                for link in links:
                    if not link.startswith("file://"):
                        if not link.startswith(("javascript:", "mailto:", "data:")):
                            result.outside.add(link)
                        continue
                    path = Path(_unquote(link.split("#", 1)[0].split("?", 1)[0][len("file://") :]))
                    if not path.is_file():
                        result.missing.append(f"{page.relative_to(root)} -> {link}")
                    elif path.suffix == ".html" and path not in seen and root in path.parents:
                        seen.add(path)
                        queue_.append(path)
        finally:
            browser.close()
    return result


def _unquote(path: str) -> str:
    from urllib.parse import unquote

    return unquote(path)


def _note(result: Crawl, page: Path, event: dict[str, Any], events: list[dict[str, Any]]) -> None:
    method, params = event.get("method"), event.get("params", {})
    if method == "Network.requestWillBeSent":
        url = params["request"]["url"]
        if not url.startswith(("file://", "data:", "about:", "blob:")):
            result.remote_requests.append(f"{page.name}: {url}")
    elif method == "Network.loadingFailed":
        url = next(
            (
                e["params"]["request"]["url"]
                for e in events
                if e.get("method") == "Network.requestWillBeSent"
                and e["params"]["requestId"] == params["requestId"]
            ),
            params["requestId"],
        )
        result.failed.append(f"{page.name}: {url}: {params.get('errorText')}")
    elif method == "Runtime.exceptionThrown":
        details = params["exceptionDetails"]
        text = details.get("exception", {}).get("description") or details.get("text")
        result.errors.append(f"{page.name}: exception: {text}")
    elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
        result.errors.append(f"{page.name}: log: {params['entry'].get('text')}")


def search(binary: str, page: Path, query: str) -> list[str]:
    """Type ``query`` into the search box of a mkdocs-material ``page`` opened from its file,
    as a reader would, and return the addresses of the pages the results list (empty if the
    search never answers within 20 seconds)."""
    typed = f"""(() => {{
      const box = document.querySelector("input[data-md-component=search-query]");
      if (!box) return false;
      document.querySelector("label[for=__search]")?.click();
      box.focus();
      box.value = {json.dumps(query)};
      box.dispatchEvent(new Event("focus"));
      box.dispatchEvent(new KeyboardEvent("keyup", {{key: "x"}}));
      box.dispatchEvent(new Event("input", {{bubbles: true}}));
      return true;
    }})()"""
    titles = (
        "[...document.querySelectorAll('.md-search-result__item > a')]"
        ".map(a => a.getAttribute('href'))"
    )
    seen = visit(
        binary,
        page,
        ready=f"(window.__typed || (window.__typed = {typed})) && "
        "(document.querySelectorAll('.md-search-result__item').length > 0"
        " || performance.now() > 20000)",
        probe=titles,
    )
    found: list[str] = seen.probe or []
    return found
