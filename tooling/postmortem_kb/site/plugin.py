"""The MkDocs plugin: a thin adapter that feeds `render_site` into a build.

Pages are added in `on_files` as generated files, so `mkdocs serve` rebuilds
them live and nothing is written into `docs/`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from postmortem_kb.config import ConfigError, KBConfig, load_config
from postmortem_kb.kb import KnowledgeBase, load_knowledge_base
from postmortem_kb.site.blocks import REQUIRED_EXTENSIONS
from postmortem_kb.site.pages import STYLESHEET, fill_latest, render_site
from postmortem_kb.site.urls import is_item_page

log = logging.getLogger("mkdocs.plugins.postmortems")


class PostmortemsConfig(base.Config):
    # fail: a postmortem that cannot be loaded stops the build.
    # warn: the build logs a warning (which `--strict` turns into failure)
    # and the broken file is listed on a "could not be loaded" page.
    on_load_error = c.Choice(("fail", "warn"), default="fail")


class PostmortemsPlugin(BasePlugin[PostmortemsConfig]):
    kb_config: KBConfig
    kb: KnowledgeBase | None = None

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
        return config

    def on_files(self, files: Files, config) -> Files:
        """Load every postmortem and add the generated pages to the build."""
        self.kb = kb = load_knowledge_base(config=self.kb_config)
        errors = kb.load_errors()
        for error in errors:
            log.warning("%s:%s: %s (%s)", error.path, error.line, error.message, error.rule)
        if errors and self.config.on_load_error == "fail":
            detail = "; ".join(f"{e.path}:{e.line}: {e.message}" for e in errors)
            raise PluginError(
                f"postmortems: {len(errors)} postmortem file(s) could not be loaded, so the site would be "
                f"missing them: {detail}. Fix the file(s), or run `postmortem lint` for details."
            )
        has_home = files.get_file_from_path("index.md") is not None
        pages = render_site(
            kb, include_home=not has_home, site_name=config.site_name, site_url=config.site_url or None,
            directory_urls=config.use_directory_urls,
        )
        for path, content in pages.items():
            if files.get_file_from_path(path) is not None:
                raise PluginError(
                    f"postmortems: {config.docs_dir}/{path} would be replaced by a generated page; rename or remove it"
                )
            # Thousands of item pages in the sidebar make the build quadratic.
            inclusion = InclusionLevel.NOT_IN_NAV if is_item_page(path) else InclusionLevel.UNDEFINED
            files.append(File.generated(config, path, content=content, inclusion=inclusion))
        return files

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        """Fill the latest-postmortems marker on hand-written pages."""
        if self.kb is not None:
            markdown = fill_latest(markdown, self.kb, page.file.src_uri)
        return markdown

    def on_serve(self, server, config, builder):
        """Rebuild when a postmortem or the KB config changes."""
        for path in (self.kb_config.postmortems_dir, self.kb_config.root / "postmortem-kb.yml"):
            if path.exists():
                server.watch(str(path))
        return server
