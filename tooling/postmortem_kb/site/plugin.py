"""The MkDocs plugin: a thin adapter that adds the site's pages to a build (`mkdocs_build` does the work).

Pages are added in `on_files` as generated files, so nothing is written into
`docs/`. Each page's HTML blocks (header card, listings) join it once
MkDocs has rendered its markdown and the search index has read it. Under
`mkdocs serve` the plugin keeps what it rendered between rebuilds.
"""

from __future__ import annotations

import logging

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files

from postmortem_kb.config import ConfigError, load_config
from postmortem_kb.site import search_pagefind
from postmortem_kb.site.blocks import REQUIRED_EXTENSIONS
from postmortem_kb.site.indexes import LATEST_MARKER
from postmortem_kb.site.mkdocs_build import SiteBuild, root_of, settle_after_first_build
from postmortem_kb.site.urls import STYLESHEET

log = logging.getLogger("mkdocs.plugins.postmortems")
# Material's search box is a dialog without a name (axe: aria-dialog-name).
SEARCH_DIALOG = 'data-md-component="search" role="dialog"'


class PostmortemsConfig(base.Config):
    # fail: a postmortem that cannot be loaded stops the build.
    # warn: the build logs a warning (which `--strict` turns into failure)
    # and the broken file is listed on a "could not be loaded" page.
    on_load_error = c.Choice(("fail", "warn"), default="fail")
    # lunr: Material's own search. pagefind: a chunked Pagefind index with
    # filters, for large knowledge bases (see search_pagefind).
    search = c.Choice((search_pagefind.LUNR, search_pagefind.PAGEFIND), default=search_pagefind.LUNR)


class PostmortemsPlugin(BasePlugin[PostmortemsConfig]):
    site: SiteBuild | None = None
    live = False
    dirty = False

    def on_startup(self, *, command, dirty: bool) -> None:
        """Handling this keeps one plugin instance across `mkdocs serve` rebuilds, and with it the rendered site."""
        self.live = command == "serve"
        self.dirty = dirty

    def on_config(self, config):
        """Read the knowledge base's own config; register our stylesheet and the extensions our pages use."""
        try:
            kb_config = load_config(root_of(config))
        except ConfigError as exc:
            raise PluginError(f"postmortems: {exc}") from exc
        if self.site is None or self.site.kb_config != kb_config:
            self.site = SiteBuild(kb_config, live=self.live, dirty=self.live and self.dirty)
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
        return config

    def on_files(self, files: Files, config) -> Files:
        """Add every generated page and asset (in a rebuild, only what changed counts as modified)."""
        pagefind = self.config.search == search_pagefind.PAGEFIND
        extra = {search_pagefind.SCRIPT: search_pagefind.script()} if pagefind else {}
        self.site.add_to(files, config, self.config.on_load_error, extra)
        return files

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        """Fill the latest-postmortems marker on hand-written pages."""
        if LATEST_MARKER not in markdown:
            return markdown
        if page.file.generated_by is not None:
            # Not a page of the docs folder (a plugin made it): the marker
            # stays, an invisible comment.
            log.info("postmortems: %s has the latest-postmortems marker but is not in %s",
                     page.file.src_uri, config.docs_dir)
            return markdown
        return markdown.replace(LATEST_MARKER, self.site.latest(page.file.src_uri, config.use_directory_urls))

    @event_priority(-100)  # last: every plugin has read the page's markdown by now
    def on_page_content(self, html: str, page, config, files) -> str:
        """Let go of a generated page's markdown, which nothing reads again."""
        self.site.release_source(page)
        return html

    @event_priority(-100)  # after the search plugin has indexed the page's own text
    def on_page_context(self, context, page, config, nav):
        """Put a generated page's HTML blocks into it (they stay out of the search index)."""
        self.site.finish(page)
        return context

    def on_env(self, env, config, files):
        """In a preview, compile the theme's templates once."""
        if self.live:
            env.bytecode_cache = self.site.templates
        return env

    @event_priority(100)  # before any minifier rewrites the page
    def _on_post_page_mark(self, output: str, page, config) -> str:
        """Name Material's search dialog for screen readers; mark what Pagefind indexes, in that mode."""
        output = output.replace(SEARCH_DIALOG, SEARCH_DIALOG + ' aria-label="Search"', 1)
        if self.config.search == search_pagefind.PAGEFIND and self.site.indexed(page.file.src_uri):
            output = search_pagefind.mark_for_index(output, page.file.src_uri)
        return output

    @event_priority(-100)  # after every plugin has seen the page
    def _on_post_page_release(self, output: str, page, config) -> str:
        """Let go of a generated page's HTML once it is written (`SiteBuild.release_html`)."""
        self.site.release_html(page)
        return output

    on_post_page = CombinedEvent(_on_post_page_mark, _on_post_page_release)

    def on_post_build(self, config):
        """Index the built site with Pagefind, in that mode."""
        if self.config.search == search_pagefind.PAGEFIND:
            search_pagefind.build_index(config.site_dir)

    def on_build_error(self, error):
        """A failed build may have left pages unwritten: the next one builds everything."""
        if self.site is not None:
            self.site.forget()

    def on_serve(self, server, config, builder):
        """Rebuild when a postmortem or the KB config changes (the first build is done by now)."""
        settle_after_first_build()
        for path in (self.site.kb_config.postmortems_dir, self.site.kb_config.root / "postmortem-kb.yml"):
            if path.exists():
                server.watch(str(path))
        return server
