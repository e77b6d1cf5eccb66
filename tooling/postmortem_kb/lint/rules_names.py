"""Name rules: a tag, service or severity whose site URL is not the one its spelling suggests.

The site gives each value a page at its slug (`/tags/server-infra/`). Names
are data, never paths (`site.urls.allocate_slugs`): two values that fold to
one slug ("Server infra" and "server-infra") each keep a page, but only one
keeps the plain URL; a value that spells one of the site's own pages
(`index`, `none`) or is too long for a file name gets a hashed one. Nothing
breaks, but a link someone types from the value's spelling leads elsewhere,
and the two spellings usually mean one thing: a warning says so.

What this file can see is compared: its own values, and the values the
config names (the `tags`/`services` vocabularies, the severities).
"""

from __future__ import annotations

from typing import Iterable

from postmortem_kb.lint.registry import Hit, LintContext, rule
from postmortem_kb.model import WARNING, Postmortem
from postmortem_kb.scaffold import url_slug
from postmortem_kb.site.urls import MAX_SLUG, RESERVED_SLUGS

# front matter key -> (what one value is called, the folder of its pages, the config attribute naming its values)
_KINDS = {"tags": ("tag", "tags", "tags"), "services": ("service", "services", "services"),
          "severity": ("severity", "severities", "severities")}


def _values(pm: Postmortem, key: str) -> list[str]:
    if key == "severity":
        return [pm.severity] if pm.severity else []
    return [value for value in dict.fromkeys(pm.list_field(key)) if value]


def _configured(ctx: LintContext, attribute: str) -> list[str]:
    values = getattr(ctx.config, attribute, None)
    return [value for value in values or () if isinstance(value, str) and value]


@rule("value-url", WARNING,
      "A tag, service or severity does not fold to the same URL as another value, nor to one of the site's own pages.")
def value_url(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    facts = ctx.facts(pm)
    for key, (noun, folder, attribute) in _KINDS.items():
        own = _values(pm, key)
        if not own:
            continue
        known = _configured(ctx, attribute)
        line = facts.key_line(key)
        for value in own:
            slug = url_slug(value)
            others = [other for other in dict.fromkeys(known + own) if other != value and url_slug(other) == slug]
            if others:
                named = ", ".join(f"`{other}`" for other in others)
                yield Hit(line, f"{noun} `{value}` and {named} fold to the same URL /{folder}/{slug}/: each gets a "
                                f"page, only one at that URL; write them the same way if they mean one thing")
            elif slug in RESERVED_SLUGS:
                yield Hit(line, f"{noun} `{value}` spells the site's own /{folder}/{slug}/ page, so its page gets "
                                f"another URL; rename it if you can")
            elif len(slug) > MAX_SLUG:
                yield Hit(line, f"{noun} `{value[:40]}…` is {len(slug)} characters as a URL, over {MAX_SLUG}: its "
                                f"page gets a shortened URL; shorten the value")
