"""The site's pages in a MkDocs build, and what stays between the rebuilds of `mkdocs serve`.

Every page is rendered here, in the build's own process, once: the plugin
hands MkDocs each page's markdown as a generated file and, once MkDocs has
rendered it, the page's HTML blocks (`parts.MkDocsPage.finish`).

A live preview keeps one `SiteBuild` (the plugin keeps its instance
across rebuilds because it handles `on_startup`). On a rebuild it reads
again only the postmortems whose file changed (`reloading`), renders again
only the pages whose inputs changed (`site_render`), and marks every other
generated file unmodified, so that `mkdocs serve --dirty` skips it. A
hand-written page showing the latest postmortems is marked modified when
that list changed. A postmortem that fails to load shows its error at its
own URL instead of stopping the rebuild; the next save that fixes it
brings its page back.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.bccache
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from postmortem_kb.bulk import fewer_collections
from postmortem_kb.config import KBConfig
from postmortem_kb.kb import KnowledgeBase
from postmortem_kb.loader import read_body
from postmortem_kb.model import Diagnostic, Postmortem
from postmortem_kb.site.indexes import LATEST_MARKER, render_latest
from postmortem_kb.site.parts import MkDocsPage, PageShapeError, PageSource
from postmortem_kb.site.reloading import ReloadingKnowledgeBase
from postmortem_kb.site.site_render import SiteOptions, SiteRender
from postmortem_kb.site.urls import LOAD_ERRORS_PAGE, is_item_page

log = logging.getLogger("mkdocs.plugins.postmortems")


class CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates as compiled by the first build of a preview.

    MkDocs makes a new Jinja environment for every rebuild, and compiling
    Material's templates costs about as much again as rebuilding a page.
    Jinja checks each template's source against the compiled code it keeps,
    so an edited override is compiled afresh.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


class GeneratedFile(File):
    """A file of ours. MkDocs asks `is_modified` in a dirty build; the render knows the answer."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


@dataclass
class SiteBuild:
    kb_config: KBConfig
    live: bool = False  # a `mkdocs serve` preview: load errors become pages, nothing stops a rebuild
    kb: KnowledgeBase | None = None
    pages: dict[str, MkDocsPage] = field(default_factory=dict)  # rendered markdown pages, until finished
    generated: set[str] = field(default_factory=set)
    _reloading: ReloadingKnowledgeBase | None = None
    _render: SiteRender | None = None
    _latest: dict[str, str] = field(default_factory=dict)
    _split: dict[str, tuple[PageSource, MkDocsPage]] = field(default_factory=dict)
    templates: CompiledTemplates = field(default_factory=CompiledTemplates)

    def add_to(self, files: Files, config, on_load_error: str, extra: dict[str, str]) -> None:
        """Render what changed and add every generated file (and `extra`: path -> content) to `files`."""
        options = SiteOptions(include_home=files.get_file_from_path("index.md") is None, site_name=config.site_name,
                              site_url=config.site_url or None, directory_urls=config.use_directory_urls,
                              error_pages=self.live)
        if self._render is None or self._render.options != options:
            self._render = SiteRender(self.kb_config, options)  # everything again, as in a first build
        if self._reloading is None:
            # A preview keeps every postmortem whole, to render a page again
            # when its neighbours change; a build parses each body just
            # before its page and lets go of it after, as a plain build
            # holds one page's source at a time.
            self._reloading = ReloadingKnowledgeBase(self.kb_config, parse_bodies=self.live)
        with fewer_collections():
            self.kb, changed = self._reloading.refresh()
            self._report(self.kb.load_errors(), on_load_error, config)
            hooks = {} if self.live else {"prepare": functools.partial(read_body, config=self.kb_config),
                                          "release": _release_body}
            rendered = self._render.render(self.kb, dt.date.today(), changed, **hooks)
        if not self.live:
            self._render = self._reloading = None  # nothing renders again: hold no copy of the site
        self.pages = {path: self._for_mkdocs(path, page) for path, page in rendered.pages.items()
                      if isinstance(page, PageSource)}
        self.generated = set(rendered.pages)
        for path, content in [*extra.items(), *rendered.pages.items()]:
            if files.get_file_from_path(path) is not None:
                message = f"postmortems: {config.docs_dir}/{path} would be replaced by a generated page; rename or remove it"
                if not self.live:
                    raise PluginError(message)
                log.error(message)
                continue
            # Thousands of item pages in the sidebar make the build quadratic.
            inclusion = InclusionLevel.NOT_IN_NAV if is_item_page(path) else InclusionLevel.UNDEFINED
            if isinstance(content, PageSource):
                content = self.pages[path].markdown
            file = GeneratedFile.generated(config, path, content=content, inclusion=inclusion)
            file.modified = path in rendered.modified or path in extra
            files.append(file)
        if self.live:
            self._mark_latest_lists(files)

    def _for_mkdocs(self, path: str, page: PageSource) -> MkDocsPage:
        """The page as MkDocs gets it; a preview keeps it while the page is the same."""
        known = self._split.get(path)
        if known is not None and known[0] is page:
            return known[1]
        split = page.for_mkdocs()
        if self.live:
            self._split[path] = (page, split)
        return split

    def forget(self) -> None:
        """After a failed build: the next one renders and builds everything again."""
        self._render = None

    def _report(self, errors: list[Diagnostic], on_load_error: str, config) -> None:
        for error in errors:
            where = f"{error.path}:{error.line}: {error.message} ({error.rule})"
            if self.live:
                # A warning would abort a strict rebuild, and a failed rebuild
                # leaves the server waiting: the error is on the file's own page.
                log.info("postmortems: %s; the page shows the error until the file is fixed", where)
            else:
                log.warning("%s", where)
        if errors and on_load_error == "fail" and not self.live:
            detail = "; ".join(f"{e.path}:{e.line}: {e.message}" for e in errors)
            raise PluginError(
                f"postmortems: {len(errors)} postmortem file(s) could not be loaded, so the site would be "
                f"missing them: {detail}. Fix the file(s), or run `postmortem lint` for details."
            )

    def latest(self, src_uri: str, directory_urls: bool) -> str:
        """The latest postmortems, for the marker on a hand-written page."""
        assert self.kb is not None
        return render_latest(self.kb, src_uri, directory_urls=directory_urls)

    def _mark_latest_lists(self, files: Files) -> None:
        """A hand-written page that lists the latest postmortems is modified when the list is."""
        for file in files.documentation_pages():
            if file.generated_by is not None:
                continue
            try:
                if LATEST_MARKER not in file.content_string:
                    continue
            except (OSError, ValueError):
                continue
            latest = self.latest(file.src_uri, file.use_directory_urls)
            if self._latest.get(file.src_uri, latest) != latest:
                # The file itself did not change, so its mtime cannot tell MkDocs.
                file.is_modified = lambda: True  # type: ignore[method-assign]
            self._latest[file.src_uri] = latest

    def finish(self, src_uri: str, html: str) -> str:
        """A generated page's rendered HTML with its blocks in place."""
        # A build lets go of each page once finished; a preview needs them all again next time.
        page = self.pages.get(src_uri) if self.live else self.pages.pop(src_uri, None)
        if page is None:
            return html
        try:
            return page.finish(html)
        except PageShapeError as exc:
            raise PluginError(f"postmortems: the blocks of {src_uri} lost their place ({exc}); "
                              "a plugin that rewrites page HTML may have changed it") from exc

    def indexed(self, src_uri: str) -> bool:
        """Whether Pagefind indexes a page: postmortems and hand-written pages, not the generated listings."""
        if src_uri not in self.generated:
            return True
        return src_uri.startswith("postmortems/") and is_item_page(src_uri) and src_uri != LOAD_ERRORS_PAGE


def _release_body(pm: Postmortem) -> None:
    # Later pages read front matter and action items only; the body, its
    # sections and timeline are the bulk of a postmortem's memory.
    pm.body = ""
    pm.sections = []
    pm.timeline = []


def root_of(config) -> Path:
    return Path(config.config_file_path).resolve().parent
