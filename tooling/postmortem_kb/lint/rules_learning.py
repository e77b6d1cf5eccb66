"""Learning rules: triggers, contributing factors and detection from the vocabularies; languages and translations.

The vocabularies are the config's `triggers`, `contributing_factors` and
`detection_methods`; the front matter schema holds them as enums, so the
values are judged by the one JSON Schema validation and each rule words
its field's errors with a did-you-mean. An empty vocabulary allows any value.
"""

from __future__ import annotations

from typing import Iterable

from postmortem_kb.languages import (
    TranslationError,
    is_language,
    language_from_tags,
    original_hash,
    postmortem_paths,
    recorded_hash,
    translation_target,
)
from postmortem_kb.lint.registry import Hit, LintContext, rule
from postmortem_kb.lint.suggest import closest
from postmortem_kb.model import ERROR, WARNING, Postmortem

# front matter key -> (config attribute holding its vocabulary, what one value is called)
VOCABULARY_FIELDS = {
    "trigger": ("triggers", "trigger"),
    "contributing_factors": ("contributing_factors", "contributing factor"),
    "detection": ("detection_methods", "detection method"),
}


def _vocabulary_hits(pm: Postmortem, ctx: LintContext, key: str) -> Iterable[Hit]:
    setting, noun = VOCABULARY_FIELDS[key]
    vocabulary = list(getattr(ctx.config, setting))
    if not vocabulary:
        return
    facts = ctx.facts(pm)
    for error in facts.schema_errors_for("enum"):
        if not error.path or error.path[0] != key or not isinstance(error.instance, str):
            continue
        value = error.instance
        where = f"`{key}` item {error.path[1] + 1}" if len(error.path) > 1 else f"`{key}`"
        # `config change` and `Config_Change` mean `config-change`: compare in the vocabulary's spelling.
        near = closest("-".join(value.replace("_", " ").split()), vocabulary)
        hint = f"; did you mean `{near}`?" if near and near != value else ""
        yield Hit(facts.key_line(key), f"{where} is `{value}`, not a {noun} of the `{setting}` vocabulary{hint} "
                                       f"(one of {', '.join(vocabulary)}; postmortem-kb.yml can add more)")


@rule("trigger-value", ERROR, "`trigger` is one of the config's `triggers` (with a suggestion for near misses).")
def trigger_value(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    return _vocabulary_hits(pm, ctx, "trigger")


@rule("contributing-factor-value", ERROR,
      "Each of `contributing_factors` is one of the config's `contributing_factors`.")
def contributing_factor_value(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    return _vocabulary_hits(pm, ctx, "contributing_factors")


@rule("detection-value", ERROR, "`detection` is one of the config's `detection_methods`.")
def detection_value(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    return _vocabulary_hits(pm, ctx, "detection")


# -- languages ------------------------------------------------------------------------------------


@rule("lang-value", ERROR, "`lang` is a language tag such as `en` or `pt-BR`.")
def lang_value(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    value = pm.meta.get("lang")
    if not isinstance(value, str) or not value.strip() or is_language(value):
        return  # blank is allowed (the default applies); a wrong type is front-matter-type's
    facts = ctx.facts(pm)
    guess = value.strip().lower().replace("_", "-")
    hint = f"; did you mean `{guess}`?" if is_language(guess) else ""
    yield Hit(facts.key_line("lang"), f"`lang: {value}` is not a language tag such as en, de or pt-BR{hint}")


@rule("lang-tag", WARNING, "`lang` and a `lang-xx` tag name the same language.")
def lang_tag(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    own, tagged = pm.meta.get("lang"), language_from_tags(pm.tags)
    if not is_language(own) or tagged is None or own.lower() == tagged.lower():
        return
    yield Hit(ctx.facts(pm).key_line("lang"), f"`lang: {own}` but the tags say `lang-{tagged}`; "
                                             f"change one so that both name the language the text is in")


@rule("translation-target", ERROR, "`translation_of` names another postmortem of the knowledge base.")
def translation_target_exists(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    target = translation_target(pm)
    if target is None:
        return
    line = ctx.facts(pm).key_line("translation_of")
    if target == pm.id:
        yield Hit(line, "`translation_of` names this postmortem itself; name the original's id")
    elif target not in ctx.known_ids:
        near = closest(target, _ids_like(target, ctx))
        hint = f"; did you mean `{near}`?" if near and near != target else ""
        yield Hit(line, f"`translation_of: {target}` is not a postmortem in the knowledge base{hint}")


def _ids_like(target: str, ctx: LintContext) -> list[str]:
    # The same month or the same slug: a typo almost always keeps one (and
    # comparing with every id would cost a large knowledge base dearly).
    return [i for i in ctx.known_ids if i[:7] == target[:7] or i[11:] == target[11:]][:500]


def _original_hash(target: str, ctx: LintContext) -> str | None:
    """The original's current source hash, computed once a run however many translations it has."""
    hashes = ctx.once("translation-original-hashes", dict)
    if target not in hashes:
        paths = ctx.once("postmortem-paths", lambda: postmortem_paths(ctx.config))
        try:
            hashes[target] = original_hash(target, ctx.config, paths)
        except TranslationError:
            hashes[target] = None  # the original does not load: its own lint says why
    return hashes[target]


@rule("translation-stale", WARNING,
      "A translation's `source_hash` matches its original's text (`postmortem translate sync` records it).")
def translation_stale(pm: Postmortem, ctx: LintContext) -> Iterable[Hit]:
    target = translation_target(pm)
    if target is None or target == pm.id or target not in ctx.known_ids:
        return
    # The finding depends on another file's bytes: a context that records
    # such dependencies (for lint's cache) is told which file.
    depend_on_file = getattr(ctx, "depend_on_file", None)
    if depend_on_file is not None:
        path = ctx.once("postmortem-paths", lambda: postmortem_paths(ctx.config)).get(target)
        if path is not None:
            depend_on_file(path)
    current = _original_hash(target, ctx)
    if current is None:
        return
    facts = ctx.facts(pm)
    recorded = recorded_hash(pm)
    if recorded is None:
        yield Hit(facts.key_line("translation_of"),
                  f"this translates `{target}` but has no `source_hash`, so no one can tell when the original "
                  f"changes; once it matches the original, run `postmortem translate sync {pm.id}`")
    elif recorded != current:
        yield Hit(facts.key_line("source_hash"),
                  f"the original `{target}` has changed since this translation was synced ({recorded}, now "
                  f"{current}); bring the translation up to date, then run `postmortem translate sync {pm.id}`")
