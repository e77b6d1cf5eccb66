"""The MkDocs plugin: a thin adapter that feeds the site's pages into a build.

Pages are added in `on_files` as generated files, so `mkdocs serve` rebuilds
them live and nothing is written into `docs/`. Their content arrives just
before MkDocs reads each one (`on_pre_page`), from `render_process`: on a
large knowledge base a helper process renders the next pages while MkDocs
renders this one. Our HTML blocks (header card, listings) skip
Python-Markdown: placeholders go in, the blocks come back after rendering
(`parts`), and each page's source is let go once it has been rendered, so
the build holds no more per page than a plain MkDocs build would.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from postmortem_kb.config import ConfigError, KBConfig, load_config
from postmortem_kb.kb import postmortem_files
from postmortem_kb.site import render_process, search_pagefind
from postmortem_kb.site.blocks import REQUIRED_EXTENSIONS
from postmortem_kb.site.indexes import LATEST_MARKER
from postmortem_kb.site.parts import DeferredPage, MissingPlaceholder, new_token
from postmortem_kb.site.urls import LOAD_ERRORS_PAGE, STYLESHEET, is_item_page

log = logging.getLogger("mkdocs.plugins.postmortems")

# Below this many postmortems, starting a helper process costs more than it saves.
BACKGROUND_THRESHOLD = 300


class PostmortemsConfig(base.Config):
    # fail: a postmortem that cannot be loaded stops the build.
    # warn: the build logs a warning (which `--strict` turns into failure)
    # and the broken file is listed on a "could not be loaded" page.
    on_load_error = c.Choice(("fail", "warn"), default="fail")
    # auto: render in a helper process when the knowledge base is large and
    # the machine has a second core; always / never: force either way.
    render_process = c.Choice(("auto", "always", "never"), default="auto")
    # lunr: Material's own search. pagefind: a chunked Pagefind index with
    # filters, for large knowledge bases (see search_pagefind).
    search = c.Choice((search_pagefind.LUNR, search_pagefind.PAGEFIND), default=search_pagefind.LUNR)


class PostmortemsPlugin(BasePlugin[PostmortemsConfig]):
    kb_config: KBConfig
    render: render_process.InlineRender | None = None

    def on_config(self, config):
        """Read the knowledge base's own config; register our stylesheet and the extensions our pages use."""
        root = Path(config.config_file_path).resolve().parent
        try:
            self.kb_config = load_config(root)
        except ConfigError as exc:
            raise PluginError(f"postmortems: {exc}") from exc
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        for extension in REQUIRED_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        if self.config.search == search_pagefind.PAGEFIND:
            search_pagefind.require_pagefind()
            search_pagefind.switch_off_material_search(config)
            if search_pagefind.SCRIPT not in config.extra_javascript:
                config.extra_javascript.append(search_pagefind.SCRIPT)
        # Start rendering now: the render reads every postmortem's front
        # matter while MkDocs loads the theme and lists the docs folder.
        docs = Path(config.docs_dir)
        self._start(config, include_home=not (docs / "index.md").is_file(), latest_pages=_pages_with_marker(docs))
        return config

    def _start(self, config, include_home: bool, latest_pages: list[str]) -> None:
        self._close()
        self.request = render_process.RenderRequest(
            config=self.kb_config, include_home=include_home, today=dt.date.today(), site_name=config.site_name,
            site_url=config.site_url or None, directory_urls=config.use_directory_urls, latest_pages=latest_pages,
            token=new_token(),
        )
        try:
            self.render = render_process.start(self.request, self._in_background())
        except render_process.RenderError as exc:
            raise PluginError(f"postmortems: {exc}") from exc

    def on_files(self, files: Files, config) -> Files:
        """Add every generated page to the build (front matter was enough to list them); content follows."""
        self.deferred: dict[str, DeferredPage] = {}
        self.pending: dict[str, File] = {}
        include_home = files.get_file_from_path("index.md") is None
        request = getattr(self, "request", None)
        if self.render is None or request is None or request.include_home != include_home:
            # A plugin added or removed the home page after on_config: render
            # again, with or without a generated home page as the files say.
            self._start(config, include_home, request.latest_pages if request else [])
        try:
            manifest = self.render.manifest
        except render_process.RenderError as exc:
            self._close()
            raise PluginError(f"postmortems: {exc}") from exc
        self.latest = manifest.latest
        for error in manifest.errors:
            log.warning("%s:%s: %s (%s)", error.path, error.line, error.message, error.rule)
        if manifest.errors and self.config.on_load_error == "fail":
            self._close()
            detail = "; ".join(f"{e.path}:{e.line}: {e.message}" for e in manifest.errors)
            raise PluginError(
                f"postmortems: {len(manifest.errors)} postmortem file(s) could not be loaded, so the site would be "
                f"missing them: {detail}. Fix the file(s), or run `postmortem lint` for details."
            )
        self.generated = set(manifest.paths)
        own = [search_pagefind.SCRIPT] if self.config.search == search_pagefind.PAGEFIND else []
        for path in [*own, *manifest.paths]:
            if files.get_file_from_path(path) is not None:
                self._close()
                raise PluginError(
                    f"postmortems: {config.docs_dir}/{path} would be replaced by a generated page; rename or remove it"
                )
            if path in own:
                # The plugin's own file: the same for every knowledge base.
                files.append(File.generated(config, path, content=search_pagefind.script()))
                continue
            # Thousands of item pages in the sidebar make the build quadratic.
            inclusion = InclusionLevel.NOT_IN_NAV if is_item_page(path) else InclusionLevel.UNDEFINED
            # Empty until MkDocs needs it (on_pre_page, or on_env for images and data).
            generated = File.generated(config, path, content="", inclusion=inclusion)
            files.append(generated)
            self.pending[path] = generated
        return files

    def _in_background(self) -> bool:
        choice = self.config.render_process
        if choice != "auto":
            return choice == "always"
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return cores > 1 and len(postmortem_files(self.kb_config.postmortems_dir)) >= BACKGROUND_THRESHOLD

    def _fill(self, path: str) -> None:
        """Give a generated file its content, waiting for the render if it is still on its way."""
        file = self.pending.pop(path)
        try:
            content = self.render.content(path)
        except render_process.RenderError as exc:
            raise PluginError(f"postmortems: rendering {path} failed: {exc}") from exc
        if isinstance(content, DeferredPage):
            self.deferred[path] = content
            content = content.markdown
        if isinstance(content, bytes):
            file.content_bytes = content
        else:
            file.content_string = content

    def on_pre_page(self, page, config, files):
        """Fill a generated page just before MkDocs reads it."""
        if self.render is not None and page.file.src_uri in self.pending:
            self._fill(page.file.src_uri)
        return page

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        """Fill the latest-postmortems marker on hand-written pages."""
        if LATEST_MARKER in markdown:
            latest = getattr(self, "latest", {}).get(page.file.src_uri)
            if latest is None:
                # Not a page of the docs folder (another plugin made it):
                # the marker stays, an invisible comment.
                log.info("postmortems: %s has the latest-postmortems marker but is not in %s",
                         page.file.src_uri, config.docs_dir)
            else:
                markdown = markdown.replace(LATEST_MARKER, latest)
        return markdown

    @event_priority(100)  # first: later plugins see the page whole
    def _restore_content_blocks(self, html: str, page, config, files) -> str:
        deferred = getattr(self, "deferred", {}).get(page.file.src_uri)
        if deferred is None:
            return html
        return self._restore(deferred.restore_content, html, page)

    @event_priority(-100)  # last: every plugin has read the source by now
    def _release_source(self, html: str, page, config, files) -> str:
        if page.file.src_uri in getattr(self, "deferred", {}):
            # Nothing reads a page's markdown after rendering; a plain build
            # keeps only the HTML, and so do we.
            page.markdown = ""
            page.file.content_string = ""
        return html

    on_page_content = CombinedEvent(_restore_content_blocks, _release_source)

    @event_priority(100)  # before any minifier that would drop our placeholder comments
    def on_post_page(self, output: str, page, config) -> str:
        """Put the long listings into the written page (they stay out of the search index)."""
        src_uri = page.file.src_uri
        deferred = getattr(self, "deferred", {}).pop(src_uri, None)
        if deferred is not None:
            output = self._restore(deferred.restore_output, output, page)
        if self.config.search == search_pagefind.PAGEFIND and self._indexed(src_uri):
            output = search_pagefind.mark_for_index(output, src_uri)
        return output

    def _indexed(self, src_uri: str) -> bool:
        """Pagefind indexes postmortems and hand-written pages, not the generated listings."""
        if src_uri not in getattr(self, "generated", ()):
            return True
        return src_uri.startswith("postmortems/") and is_item_page(src_uri) and src_uri != LOAD_ERRORS_PAGE

    @staticmethod
    def _restore(step, html: str, page) -> str:
        try:
            return step(html)
        except MissingPlaceholder as exc:
            raise PluginError(
                f"postmortems: a generated block of {page.file.src_uri} lost its place ({exc}); "
                "a plugin that rewrites page HTML may have removed it"
            ) from exc

    def on_env(self, env, config, files):
        """Everything MkDocs did not ask for page by page (charts, data, feed, stylesheet) arrives now."""
        if self.render is not None:
            try:
                rest = self.render.finish()
            except render_process.RenderError as exc:
                raise PluginError(f"postmortems: rendering failed: {exc}") from exc
            for path, content in rest.items():
                file = self.pending.pop(path, None)
                if file is None:
                    continue
                if isinstance(content, DeferredPage):
                    content = content.markdown
                if isinstance(content, bytes):
                    file.content_bytes = content
                else:
                    file.content_string = content
            self.render = None
        return env

    def on_post_build(self, config):
        """Index the built site with Pagefind, in that mode."""
        self._close()
        if self.config.search == search_pagefind.PAGEFIND:
            search_pagefind.build_index(config.site_dir)

    def on_build_error(self, error):
        self._close()

    def on_shutdown(self):
        self._close()

    def _close(self) -> None:
        if self.render is not None:
            self.render.close()
            self.render = None

    def on_serve(self, server, config, builder):
        """Rebuild when a postmortem or the KB config changes."""
        for path in (self.kb_config.postmortems_dir, self.kb_config.root / "postmortem-kb.yml"):
            if path.exists():
                server.watch(str(path))
        return server


def _pages_with_marker(docs: Path) -> list[str]:
    """Docs pages (as src_uri) that ask for the latest postmortems."""
    found = []
    for path in docs.rglob("*.md"):
        try:
            if LATEST_MARKER in path.read_text(encoding="utf-8", errors="replace"):
                found.append(path.relative_to(docs).as_posix())
        except OSError:
            continue
    return sorted(found)
