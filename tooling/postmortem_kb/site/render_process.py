"""Render the site's pages while MkDocs builds: in a helper process, or in the build's own.

MkDocs renders pages on one core. Loading thousands of postmortems and
rendering their pages costs about a third of that again, so on a large
knowledge base the plugin hands this work to a helper process on another
core (`python -m postmortem_kb.site.render_process`) and MkDocs starts on
the first pages while the helper renders the next ones. The build process
never holds the parsed knowledge base: only the pages, as they arrive.

The helper sends pickled messages on its stdout: first a `Manifest` (every
path, the load errors, the latest-postmortems block for each hand-written
page), then a `Rendered(path, file)` for each page in `SiteRender` order,
then `DONE`; on an exception, `Failure` with the traceback. Each page itself
goes into a file of a private temporary folder the build made for it, so
the helper can run ahead and exit early without the build holding pages it
has not reached yet: the build reads a page when MkDocs asks for it, as a
plain build reads its docs folder.

`InlineRender` runs the very same `produce` generator in the build process
(small knowledge bases, where starting a process costs more than it saves,
or a single core), so both ways give the same pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pickle
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any, Iterator

from postmortem_kb.config import KBConfig
from postmortem_kb.model import Diagnostic, Postmortem
from postmortem_kb.site.parts import DeferredPage, PageSource

DONE = "done"


@dataclass
class RenderRequest:
    config: KBConfig
    include_home: bool
    today: dt.date
    site_name: str
    site_url: str | None
    directory_urls: bool
    # Hand-written pages that may hold the latest-postmortems marker.
    latest_pages: list[str] = field(default_factory=list)
    token: str = ""
    # Where the helper writes the pages (made and removed by the build).
    folder: str = ""


@dataclass
class Manifest:
    paths: list[str]
    errors: list[Diagnostic]
    latest: dict[str, str]


@dataclass
class Failure:
    traceback: str


@dataclass
class Rendered:
    path: str
    file: str  # in the request's folder


class RenderError(Exception):
    """The pages could not be rendered; the message says why (a traceback from the helper included)."""


Content = str | bytes | DeferredPage


def produce(request: RenderRequest) -> Iterator[Manifest | tuple[str, Content] | str]:
    """The manifest, then every page, then DONE.

    Only front matter is read before the manifest (it alone decides which
    files load, and so every path); each body is parsed just before its
    page is rendered and let go just after.
    """
    from postmortem_kb.kb import load_knowledge_base
    from postmortem_kb.loader import read_body
    from postmortem_kb.site.indexes import render_latest
    from postmortem_kb.site.site_render import SiteRender

    config = request.config
    kb = load_knowledge_base(config=config, parse_bodies=False)
    render = SiteRender(kb, include_home=request.include_home, today=request.today, site_name=request.site_name,
                        site_url=request.site_url, directory_urls=request.directory_urls)
    latest = {page: render_latest(kb, page, directory_urls=request.directory_urls) for page in request.latest_pages}
    yield Manifest(render.paths(), kb.load_errors(), latest)

    def release(pm: Postmortem) -> None:
        # Later pages read front matter and action items only; the body,
        # its sections and timeline are the bulk of a postmortem's memory.
        pm.body = ""
        pm.sections = []
        pm.timeline = []

    for path, content in render.pages(prepare=lambda pm: read_body(pm, config), release=release):
        yield path, content.deferred(request.token) if isinstance(content, PageSource) else content
    yield DONE


class InlineRender:
    """`produce` in the build process, one page at a time as MkDocs asks for it."""

    def __init__(self, request: RenderRequest):
        self._stream = produce(request)
        self._buffer: dict[str, Content] = {}
        self._done = False
        self._manifest: Manifest | None = None

    @property
    def manifest(self) -> Manifest:
        """Every path and the load errors; the first access waits for them."""
        if self._manifest is None:
            first = self._next()
            if not isinstance(first, Manifest):
                raise RenderError(f"expected the manifest first, got {type(first).__name__}")
            self._manifest = first
        return self._manifest

    def _next(self) -> Any:
        try:
            return next(self._stream)
        except StopIteration:
            raise RenderError("the page stream ended before the last page") from None

    def _pull(self) -> bool:
        """Receive one page into the buffer; False once everything has arrived."""
        if self._done:
            return False
        message = self._next()
        if message == DONE:
            self._done = True
            return False
        if isinstance(message, Failure):
            raise RenderError(message.traceback)
        path, content = message
        self._buffer[path] = content
        return True

    def content(self, path: str) -> Content:
        """The content of `path`, waiting for it if it has not arrived yet."""
        while path not in self._buffer:
            if not self._pull():
                raise RenderError(f"{path} was announced but never rendered")
        return self._buffer.pop(path)

    def finish(self) -> dict[str, Content]:
        """Every page not asked for yet (static files, pages MkDocs skipped)."""
        while self._pull():
            pass
        rest, self._buffer = self._buffer, {}
        return rest

    def close(self) -> None:
        self._stream.close()


class BackgroundRender(InlineRender):
    """`produce` in a helper process, pages through files; a reader thread keeps up with its messages."""

    def __init__(self, request: RenderRequest):
        self._folder = tempfile.mkdtemp(prefix="postmortems-render-")
        request = dataclasses.replace(request, folder=self._folder)
        self._stderr = tempfile.TemporaryFile()
        env = dict(os.environ)
        # The helper must import this very package, wherever MkDocs found it.
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "postmortem_kb.site.render_process"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=env,
        )
        try:
            pickle.dump(request, self._process.stdin)
            self._process.stdin.close()
        except (BrokenPipeError, OSError) as exc:
            self.close()
            raise RenderError(f"the render process did not start: {exc}{self._helper_output()}") from exc
        self._messages: queue.Queue = queue.Queue()
        self._reader = threading.Thread(target=self._read, name="postmortems-render-reader", daemon=True)
        self._reader.start()
        self._buffer = {}
        self._done = False
        self._manifest = None

    @property
    def manifest(self) -> Manifest:
        try:
            return super().manifest
        except RenderError:
            self.close()
            raise

    def _read(self) -> None:
        stream = self._process.stdout
        try:
            while True:
                message = pickle.load(stream)
                self._messages.put(message)
                if message == DONE or isinstance(message, Failure):
                    return
        except EOFError:
            self._messages.put(Failure(f"the render process ended without finishing (exit status "
                                       f"{self._process.wait()}){self._helper_output()}"))
        except Exception as exc:  # a torn pickle: report it rather than hang the build
            self._messages.put(Failure(f"unreadable message from the render process: {exc!r}"))

    def _next(self) -> Any:
        message = self._messages.get()
        if isinstance(message, Failure):
            raise RenderError(message.traceback)
        if isinstance(message, Rendered):
            # The build takes the page only now; until then it is on disk.
            return message.path, _LazyPage(os.path.join(self._folder, message.file))
        return message

    def content(self, path: str) -> Content:
        content = super().content(path)
        return content.load() if isinstance(content, _LazyPage) else content

    def finish(self) -> dict[str, Content]:
        rest = {path: content.load() if isinstance(content, _LazyPage) else content
                for path, content in super().finish().items()}
        self._process.wait()
        self._cleanup()
        return rest

    def _helper_output(self) -> str:
        try:
            self._stderr.seek(0)
            text = self._stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return f"\n{text[-4000:]}" if text else ""

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        try:
            self._stderr.close()
        except OSError:
            pass
        shutil.rmtree(self._folder, ignore_errors=True)


@dataclass
class _LazyPage:
    """A page the helper has written and the build has not read yet."""

    file: str

    def load(self) -> Content:
        with open(self.file, "rb") as handle:
            content = pickle.load(handle)
        os.unlink(self.file)
        return content


def start(request: RenderRequest, background: bool) -> InlineRender:
    return BackgroundRender(request) if background else InlineRender(request)


def _serve() -> int:
    """The helper process: a request on stdin, the stream on stdout."""
    import traceback

    from postmortem_kb.bulk import fewer_collections

    request = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    # Nothing else may write to the stream; stray prints go to stderr.
    sys.stdout = sys.stderr
    try:
        with fewer_collections():
            for number, message in enumerate(produce(request)):
                if isinstance(message, tuple):
                    path, content = message
                    name = f"{number}.pickle"
                    with open(os.path.join(request.folder, name), "wb") as handle:
                        pickle.dump(content, handle, protocol=pickle.HIGHEST_PROTOCOL)
                    message = Rendered(path, name)
                pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
                out.flush()
        return 0
    except BrokenPipeError:
        return 1  # the build stopped listening (it failed or was interrupted)
    except BaseException:  # noqa: BLE001 (every failure must reach the build, with its traceback)
        try:
            pickle.dump(Failure(traceback.format_exc()), out)
            out.flush()
        except OSError:
            pass
        return 1


if __name__ == "__main__":
    # Through the package's own module, not __main__: the classes in the
    # pickles must be importable by the build under their real names.
    from postmortem_kb.site.render_process import _serve as serve

    sys.exit(serve())
