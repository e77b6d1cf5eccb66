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
import gc
import json
import logging
import os
import zlib
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
from postmortem_kb.site.pages import published_assets
from postmortem_kb.site.parts import MkDocsPage, PageShapeError
from postmortem_kb.site.reloading import ReloadingKnowledgeBase
from postmortem_kb.site.site_render import Deferred, SiteOptions, SiteRender
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
    """A file of ours, with the blocks its page gets once rendered (`blocks`).

    MkDocs asks `is_modified` in a dirty build; the render knows the answer.
    In a build the content is rendered only when MkDocs first reads it
    (`deferred`); a static file, which MkDocs copies without reading, is
    rendered as it is copied and let go of once written, so that a build
    holds one such file at a time (a thousand per-postmortem API files
    would otherwise all sit in memory until the copying is done).
    """

    modified = True
    blocks: PackedBlocks | None = None
    deferred: Deferred | None = None

    def is_modified(self) -> bool:
        return self.modified

    def realise(self) -> None:
        """Render a deferred content now."""
        deferred, self.deferred = self.deferred, None
        if deferred is not None:
            self._set(deferred.render())

    def copy_file(self, dirty: bool = False) -> None:
        was_deferred = self.deferred is not None
        self.realise()
        super().copy_file(dirty)
        if was_deferred:
            self._content = b""  # written: nothing reads a static file again

    def _set(self, content: str | bytes | MkDocsPage) -> None:
        if isinstance(content, MkDocsPage):
            self.blocks = PackedBlocks.pack(content) if content.has_blocks else None
            content = content.markdown
        self._content = content

    @property  # type: ignore[override]
    def content_string(self) -> str:
        self.realise()
        return File.content_string.fget(self)

    @content_string.setter
    def content_string(self, value: str) -> None:
        File.content_string.fset(self, value)

    @property  # type: ignore[override]
    def content_bytes(self) -> bytes:
        self.realise()
        return File.content_bytes.fget(self)

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        File.content_bytes.fset(self, value)


@dataclass(frozen=True)
class PackedBlocks:
    """A page's blocks, compressed while they wait for the page to be rendered.

    MkDocs renders every page's markdown before it puts any page into the
    theme, so every page's blocks wait at once: at 1,000 postmortems about
    15 MB of header cards, timelines and listings, more than a third of
    what our build holds beyond a plain one. Compressed (one fast zlib pass
    each way) they take a fifth of that; the markdown, which MkDocs holds
    itself, is not kept twice.
    """

    data: bytes

    @classmethod
    def pack(cls, page: MkDocsPage) -> PackedBlocks:
        fields = [page.top, page.end, sorted(page.sections.items()), page.headings, page.after_h1]
        return cls(zlib.compress(json.dumps(fields).encode("utf-8"), 1))

    def unpack(self) -> MkDocsPage:
        top, end, sections, headings, after_h1 = json.loads(zlib.decompress(self.data))
        return MkDocsPage("", tuple(top), tuple(end), {number: blocks for number, blocks in sections},
                          headings, after_h1)


@dataclass
class SiteBuild:
    kb_config: KBConfig
    live: bool = False  # a `mkdocs serve` preview: load errors become pages, nothing stops a rebuild
    # `mkdocs serve --dirty`: MkDocs builds only the files that say they are modified, so an
    # unchanged generated file can be handed over again as it was (`_files`).
    dirty: bool = False
    kb: KnowledgeBase | None = None
    generated: set[str] = field(default_factory=set)
    _reloading: ReloadingKnowledgeBase | None = None
    _render: SiteRender | None = None
    _latest: dict[str, str] = field(default_factory=dict)
    templates: CompiledTemplates = field(default_factory=CompiledTemplates)
    # In a dirty preview, each generated file as last added: path -> file.
    _files: dict[str, GeneratedFile] = field(default_factory=dict)

    def add_to(self, files: Files, config, on_load_error: str, extra: dict[str, str]) -> None:
        """Render what changed and add every generated file (and `extra`: path -> content) to `files`."""
        options = SiteOptions(include_home=files.get_file_from_path("index.md") is None, site_name=config.site_name,
                              site_url=config.site_url or None, directory_urls=config.use_directory_urls,
                              error_pages=self.live)
        if self._render is None or self._render.options != options:
            # Everything again, as in a first build; a build renders each page as MkDocs reads it.
            self._render = SiteRender(self.kb_config, options, for_mkdocs=True,
                                      deferred=not self.live and not os.environ.get("PMKB_EAGER"))
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
        self.generated = set(rendered.pages)
        kept, self._files = self._files, {}
        for path, content in [*extra.items(), *rendered.pages.items()]:
            if path in files.src_uris:
                self._clash(f"{config.docs_dir}/{path} would be replaced by a generated page")
                continue
            modified = path in rendered.modified or path in extra
            file = kept.get(path) if self.dirty and not modified else None
            if file is None:
                # Thousands of item pages in the sidebar make the build quadratic.
                inclusion = InclusionLevel.NOT_IN_NAV if is_item_page(path) else InclusionLevel.UNDEFINED
                file = GeneratedFile.generated(config, path, content="", inclusion=inclusion)
                if isinstance(content, Deferred):
                    file.deferred = content
                else:
                    file._set(content)
            # else: unchanged since the last rebuild, which MkDocs skips: neither made nor packed again.
            file.modified = modified
            if self.dirty:
                self._files[path] = file
            files.append(file)
        self._add_assets(files, config)
        if self.live:
            self._mark_latest_lists(files)

    def _add_assets(self, files: Files, config) -> None:
        """The images and attachments beside the postmortems, copied from where they are (MkDocs compares mtimes)."""
        for path, source in published_assets(self.kb_config):
            if path in files.src_uris:
                self._clash(f"{source} would be published at {path}, where the site already has a file")
                continue
            files.append(File.generated(config, path, abs_src_path=str(source)))

    def _clash(self, problem: str) -> None:
        message = f"postmortems: {problem}; rename or remove it"
        if not self.live:
            raise PluginError(message)
        log.error(message)

    def forget(self) -> None:
        """After a failed build: the next one renders and builds everything again."""
        self._render = None
        self._files = {}

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

    @staticmethod
    def release_source(page) -> None:
        """Let go of a generated page's markdown once it is rendered.

        Nothing reads it again (its title is in its meta): the search index,
        the theme and every later plugin use its HTML. Thousands of pages
        need not keep their source twice over until the build ends.
        """
        if isinstance(page.file, GeneratedFile):
            page.file._content = page.markdown = ""

    @staticmethod
    def release_html(page) -> None:
        """Let go of a generated page's HTML once it is written.

        MkDocs keeps every page's HTML until the build ends, and ours carry
        header cards, listings and timeline data: at 5,000 postmortems that
        was most of what our build held beyond a plain one. Nothing reads
        it after the page is written (the search plugin took its text
        before the blocks were added); a hand-written page keeps its HTML,
        as MkDocs keeps it.
        """
        if isinstance(page.file, GeneratedFile):
            page.content = None

    @staticmethod
    def finish(page) -> None:
        """Put a generated page's blocks into its rendered HTML."""
        file = page.file
        if not isinstance(file, GeneratedFile) or file.blocks is None:
            return
        blocks, file.blocks = file.blocks.unpack(), None
        try:
            page.content = blocks.finish(page.content)
        except PageShapeError as exc:
            raise PluginError(f"postmortems: the blocks of {file.src_uri} lost their place ({exc}); "
                              "a plugin that rewrites page HTML may have changed it") from exc

    def indexed(self, src_uri: str) -> bool:
        """Whether Pagefind indexes a page: postmortems and hand-written pages, not the generated listings."""
        if src_uri not in self.generated:
            return True
        return src_uri.startswith("postmortems/") and is_item_page(src_uri) and src_uri != LOAD_ERRORS_PAGE


def settle_after_first_build() -> None:
    """Collect the first build's garbage once, and keep what a preview holds out of later collections.

    The collector's oldest generation would otherwise walk the whole kept
    knowledge base and site on every rebuild: a second of each rebuild at
    5,000 postmortems. Frozen objects are still freed when no longer used
    (only a reference cycle among them would stay), and what is kept here
    lives as long as the preview anyway.
    """
    gc.collect()
    gc.freeze()


def _release_body(pm: Postmortem) -> None:
    # Later pages read front matter and action items only; the body, its
    # sections and timeline are the bulk of a postmortem's memory.
    pm.body = ""
    pm.sections = []
    pm.timeline = []


def root_of(config) -> Path:
    return Path(config.config_file_path).resolve().parent
