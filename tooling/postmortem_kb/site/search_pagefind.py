"""Pagefind instead of Material's lunr search (plugin option `search: pagefind`).

Material's search downloads one index of the whole site before the first
result (43 MB for 5,000 postmortems). Pagefind (the `pagefind[extended]`
package from PyPI, which ships its binary and runs offline) indexes the
built site after the build and splits the index into chunks, so a first
search fetches a few hundred kilobytes.

In this mode the plugin
- switches Material's search plugin off (no lunr index is built or
  fetched) and puts a Pagefind search box in the header instead
  (`assets/postmortem-search.js`, which loads Pagefind's UI on first use);
- marks what Pagefind indexes: the article of every postmortem and
  hand-written page (`data-pagefind-body`), not the generated listings,
  whose rows repeat the postmortems;
- relies on the postmortem page's header card for filters: severity,
  status, tag, service and year are `data-pagefind-filter` attributes there
  (see pages_postmortem), so a search can be narrowed by them;
- runs `python -m pagefind --site SITE_DIR` after the build.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from importlib import resources

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.plugins.postmortems")

LUNR, PAGEFIND = "lunr", "pagefind"
SCRIPT = "assets/postmortem-search.js"
# Material's article element, the one place every page's content sits in.
ARTICLE = '<article class="md-content__inner md-typeset">'
ARTICLE_INDEXED = '<article class="md-content__inner md-typeset" data-pagefind-body>'
# Not words of the page: heading permalinks (a pilcrow) and the card's
# badges and duration (severity and status are filters instead).
EXCLUDED = ".headerlink, .pm-card-head"


def script() -> str:
    return resources.files("postmortem_kb.site").joinpath(SCRIPT).read_text(encoding="utf-8")


def require_pagefind() -> None:
    """Fail early, saying what to install, rather than after the whole build."""
    try:
        import pagefind  # noqa: F401
    except ImportError as exc:
        raise PluginError(
            "postmortems: `search: pagefind` needs the pagefind package, which ships its own binary: "
            "pip install 'pagefind[extended]' (or the package's `pagefind` extra)"
        ) from exc


def switch_off_material_search(config) -> None:
    """Keep Material's search plugin from indexing, and its box out of the header."""
    for name, plugin in config.plugins.items():
        if name in ("search", "material/search") or type(plugin).__module__.startswith("material.plugins.search"):
            # The plugin and the theme both read this switch: no index is
            # built, and the header shows no search box or loads no index.
            plugin.config.enabled = False


def mark_for_index(output: str, src_uri: str) -> str:
    """Let Pagefind index this page's article (and nothing else of it: nav, header, footer)."""
    if ARTICLE not in output:
        log.warning("postmortems: %s has no Material article element; Pagefind will not index it", src_uri)
        return output
    return output.replace(ARTICLE, ARTICLE_INDEXED, 1)


def build_index(site_dir: str) -> None:
    """Run Pagefind over the built site; a failure fails the build."""
    try:
        result = subprocess.run([sys.executable, "-m", "pagefind", "--site", site_dir, "--silent",
                                 "--exclude-selectors", EXCLUDED],
                                capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.SubprocessError) as exc:
        raise PluginError(f"postmortems: Pagefind could not run: {exc}") from exc
    if result.returncode != 0:
        raise PluginError(f"postmortems: Pagefind failed ({result.returncode}): "
                          f"{(result.stderr or result.stdout).strip()[-2000:]}")
