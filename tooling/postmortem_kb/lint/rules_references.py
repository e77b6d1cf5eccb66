"""Reference rules: `related:` ids exist; tags and services come from the vocabularies."""

from __future__ import annotations

from typing import Iterable

from postmortem_kb.lint.registry import Hit, LintContext, rule
from postmortem_kb.lint.suggest import did_you_mean
from postmortem_kb.model import ERROR, Postmortem


@rule("related-exists", ERROR, "Every `related:` id is a postmortem in the knowledge base.")
def related_exists(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    related = ctx.facts(pm).meta.get("related")
    if not isinstance(related, list):
        return  # a wrong type is front-matter-type's finding
    line = ctx.facts(pm).key_line("related")
    for ref in related:
        if not isinstance(ref, str) or not ref.strip():
            continue
        ref = ref.strip().removesuffix(".md")
        if ref == pm.id:
            yield Hit(line, f"`related:` lists this postmortem itself (`{ref}`)")
        elif ref not in ctx.known_ids:
            yield Hit(line, f"`related:` id `{ref}` is not a postmortem in the knowledge base"
                            f"{did_you_mean(ref, _likely_ids(ref, ctx))}")


def _likely_ids(ref: str, ctx: LintContext) -> list[str]:
    """Ids worth comparing with a broken reference.

    difflib against every id costs milliseconds per lookup in a large
    knowledge base; a typo almost always keeps the month or the slug.
    """
    by_month = ctx.once("ids-by-month", lambda: _group(ctx.known_ids, lambda i: i[:7]))
    by_slug = ctx.once("ids-by-slug", lambda: _group(ctx.known_ids, lambda i: i[11:]))
    return sorted(set(by_month.get(ref[:7], [])) | set(by_slug.get(ref[11:], [])))[:500]


def _group(ids: set[str], key) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for item in ids:
        groups.setdefault(key(item), []).append(item)
    return groups


def _vocabulary_hits(pm: Postmortem, ctx: LintContext, key: str) -> Iterable[Hit]:
    vocabulary = getattr(ctx.config, key)
    if vocabulary is None:
        return
    facts = ctx.facts(pm)
    for error in facts.schema_errors_for("enum"):
        if not error.path or error.path[0] != key or not isinstance(error.instance, str):
            continue
        yield Hit(facts.key_line(key), f"{key[:-1]} `{error.instance}` is not in the `{key}` vocabulary"
                                       f"{did_you_mean(error.instance, vocabulary)} (postmortem-kb.yml lists "
                                       f"the allowed {key})")


@rule("tag-vocabulary", ERROR, "Tags come from the `tags` vocabulary, when the config gives one.")
def tag_vocabulary(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    return _vocabulary_hits(pm, ctx, "tags")


@rule("service-vocabulary", ERROR, "Services come from the `services` vocabulary, when the config gives one.")
def service_vocabulary(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    return _vocabulary_hits(pm, ctx, "services")
