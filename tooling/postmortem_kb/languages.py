"""Languages and translations: which language a postmortem is in, which postmortems translate which.

A postmortem's language is its `lang:`; without one, a `lang-xx` tag (the
convention of blogs such as the seed's, which `postmortem import` also
writes into `lang:`); without either, the config's `language`.

A translation names its original with `translation_of: <id>`. The link is
read both ways: `Translations` answers, for any postmortem, what it
translates and what translates it, so a page can offer every language
version. A translation of a translation belongs to the first original.

`source_hash:` records which text of the original a translation was last
brought up to date with: `postmortem translate sync ID` writes the
original's current `source_hash()` into the translation; lint's
`translation-stale` compares the two. The hash covers the original's words
(its body and its prose fields: title, summary, public summary, customer
impact, what went well, where we got lucky), not its bookkeeping (status,
approvals, tags), so approving the original does not make its
translations stale.
"""

from __future__ import annotations

import errno
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from postmortem_kb.config import KBConfig
from postmortem_kb.model import Postmortem
from postmortem_kb.yaml_text import yaml_quoted

LANG_TAG_PREFIX = "lang-"
# The schema's `lang` pattern (BCP 47, loosely): en, pt-BR, zh-Hant.
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
HASHED_FIELDS = ("title", "summary", "public_summary", "customer_impact", "what_went_well", "where_we_got_lucky")
HASH_PREFIX = "sha256:"
# Longer chains are refused rather than walked: translation_of loops happen by mistake.
MAX_CHAIN = 20


def is_language(value: object) -> bool:
    return isinstance(value, str) and bool(LANGUAGE.match(value))


def language_from_tags(tags: Iterable[str]) -> str | None:
    """The language a `lang-xx` tag names (`lang-en` -> `en`), or None."""
    for tag in tags:
        if isinstance(tag, str) and tag.lower().startswith(LANG_TAG_PREFIX):
            code = tag[len(LANG_TAG_PREFIX):]
            if is_language(code):
                return code
    return None


def stated_language(pm: Postmortem) -> str | None:
    """The language the file itself states: `lang:`, else a `lang-xx` tag; None when it states none."""
    own = pm.meta.get("lang")
    if is_language(own):
        return own
    return language_from_tags(pm.tags)


def language_of(pm: Postmortem, config: KBConfig) -> str:
    """The postmortem's language: what it states, else the config's default."""
    return stated_language(pm) or config.language


def translation_target(pm: Postmortem) -> str | None:
    """The id in `translation_of:` (a `.md` suffix tolerated), or None."""
    value = pm.meta.get("translation_of")
    if not isinstance(value, str) or not value.strip():
        return None
    return Path(value.strip()).name.removesuffix(".md")


@dataclass(frozen=True)
class Version:
    """One language version of an incident's write-up."""

    id: str
    lang: str
    title: str
    is_original: bool

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "lang": self.lang, "title": self.title, "original": self.is_original}


class Translations:
    """Who translates whom in a knowledge base, read both ways."""

    def __init__(self, postmortems: Iterable[Postmortem], config: KBConfig):
        self._by_id = {pm.id: pm for pm in postmortems if not pm.failed}
        self._lang = {pm_id: language_of(pm, config) for pm_id, pm in self._by_id.items()}
        self._target = {pm_id: t for pm_id, pm in self._by_id.items() if (t := translation_target(pm))}
        self._root = {pm_id: self._find_root(pm_id) for pm_id in self._by_id}
        self._groups: dict[str, list[str]] = {}
        for pm_id, root in self._root.items():
            self._groups.setdefault(root, []).append(pm_id)

    def _find_root(self, pm_id: str) -> str:
        seen = [pm_id]
        current = pm_id
        while current in self._target and len(seen) <= MAX_CHAIN:
            parent = self._target[current]
            if parent not in self._by_id:
                break  # a missing original: lint reports it
            if parent in seen:
                # A loop (a mistake): every member agrees on one original, the smallest id.
                return min(seen[seen.index(parent):])
            seen.append(parent)
            current = parent
        return current

    def language(self, pm_id: str) -> str | None:
        return self._lang.get(pm_id)

    def original_of(self, pm_id: str) -> str | None:
        """The original this postmortem translates (the first one, along a chain), or None."""
        root = self._root.get(pm_id)
        return root if root is not None and root != pm_id else None

    def translations_of(self, pm_id: str) -> list[str]:
        """The postmortems that translate this one (directly or along a chain), by language."""
        if self._root.get(pm_id) != pm_id:
            return []
        others = [i for i in self._groups.get(pm_id, []) if i != pm_id]
        return sorted(others, key=lambda i: (self._lang[i], i))

    def versions(self, pm_id: str) -> list[Version]:
        """Every language version of this incident, the original first; one item when there is no other."""
        root = self._root.get(pm_id)
        if root is None:
            return []
        ids = [root, *self.translations_of(root)]
        return [Version(i, self._lang[i], self._by_id[i].title, i == root) for i in ids]

    def record(self, pm_id: str) -> dict[str, Any]:
        """The language facts of one postmortem as plain data (for the API, `list`, `show`)."""
        pm = self._by_id.get(pm_id)
        return {
            "lang": self._lang.get(pm_id),
            "translation_of": translation_target(pm) if pm is not None else None,
            "original": self.original_of(pm_id),
            "translations": self.translations_of(pm_id),
        }

    def missing_originals(self) -> dict[str, str]:
        """id -> the `translation_of` it names that is not in the knowledge base."""
        return {pm_id: target for pm_id, target in self._target.items() if target not in self._by_id}


# -- source hashes ------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    from postmortem_kb.schema import FrontMatterTooComplex, to_json_compatible

    try:
        return to_json_compatible(value)
    except FrontMatterTooComplex:
        return repr(type(value))


def source_hash(pm: Postmortem) -> str:
    """The digest of the original's words (see the module's docstring): `sha256:` and 16 hex digits."""
    fields = {key: _json_value(pm.meta.get(key)) for key in HASHED_FIELDS}
    # Trailing spaces and blank lines at the end are not words: editors add and drop them.
    body = "\n".join(line.rstrip() for line in pm.body.split("\n")).strip("\n")
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False) + "\0" + body
    return HASH_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def recorded_hash(pm: Postmortem) -> str | None:
    value = pm.meta.get("source_hash")
    return value.strip() if isinstance(value, str) and value.strip() else None


# -- writing front matter keys ------------------------------------------------------------------

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


class FrontMatterEditError(ValueError):
    """The file has no front matter block to put the key in."""


def _front_matter_lines(text: str) -> tuple[str, list[str], int]:
    """(byte order mark or "", the file's lines with their endings, index of the closing `---`)."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = text[len(bom):].splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        raise FrontMatterEditError("the file has no front matter (a first line `---`)")
    try:
        close = next(n for n in range(1, len(lines)) if lines[n].rstrip("\r\n").rstrip() in ("---", "..."))
    except StopIteration:
        raise FrontMatterEditError("the front matter's closing `---` is missing") from None
    return bom, lines, close


def _key_span(lines: list[str], close: int, key: str) -> tuple[int, int] | None:
    """(first, end) line indexes of the top-level `key` and the lines continuing its value."""
    for n in range(1, close):
        match = _TOP_KEY.match(lines[n])
        if match and match.group(1) == key:
            end = n + 1
            # The old value may continue on indented lines or as a `- item` list.
            while end < close and (lines[end][:1] in (" ", "\t", "-") or not lines[end].strip()):
                end += 1
            while end > n + 1 and not lines[end - 1].strip():
                end -= 1  # blank lines after the value belong to the layout, not to it
            return n, end
    return None


def set_front_matter_value(text: str, key: str, value: str) -> str:
    """`text` with the top-level `key:` set to the YAML scalar `value` (already quoted as needed).

    Only that key's line (and lines continuing its old value) changes; a
    missing key goes just above the closing `---`. Every other byte stays,
    line endings included.
    """
    bom, lines, close = _front_matter_lines(text)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    new_line = f"{key}: {value}{newline}"
    span = _key_span(lines, close, key)
    if span is None:
        return bom + "".join(lines[:close] + [new_line] + lines[close:])
    return bom + "".join(lines[:span[0]] + [new_line] + lines[span[1]:])


def remove_front_matter_key(text: str, key: str) -> str:
    """`text` without the top-level `key:` and its value (every one, if the key is duplicated); unchanged when there is none."""
    while True:
        bom, lines, close = _front_matter_lines(text)
        span = _key_span(lines, close, key)
        if span is None:
            return text
        text = bom + "".join(lines[:span[0]] + lines[span[1]:])


def replace_in_front_matter(text: str, word: str, replacement: str) -> str:
    """`text` with every whole `word` (a tag such as lang-en) in the front matter replaced."""
    bom, lines, close = _front_matter_lines(text)
    pattern = re.compile(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])")
    head = [pattern.sub(replacement, line) for line in lines[1:close]]
    return bom + "".join([lines[0], *head, *lines[close:]])


# -- sync and start ------------------------------------------------------------------------------


class TranslationError(Exception):
    """A translation that cannot be synced or started; the message says why."""


@dataclass(frozen=True)
class SyncResult:
    id: str
    original: str
    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def postmortem_paths(config: KBConfig) -> dict[str, Path]:
    """id -> file of every postmortem of the knowledge base."""
    from postmortem_kb.kb import postmortem_files

    return {path.stem: path for path in postmortem_files(config.postmortems_dir)}


def _load(path: Path, config: KBConfig) -> Postmortem:
    from postmortem_kb.kb import load_one

    pm = load_one(path, config)
    if pm.failed:
        problem = pm.diagnostics[0]
        raise TranslationError(f"{problem.path}:{problem.line}: {problem.message}")
    return pm


def original_hash(original_id: str, config: KBConfig, paths: dict[str, Path] | None = None) -> str | None:
    """The current source hash of a postmortem, by id; None when there is no such postmortem."""
    paths = paths if paths is not None else postmortem_paths(config)
    path = paths.get(original_id)
    return source_hash(_load(path, config)) if path is not None else None


def sync_translation(pm_id: str, config: KBConfig) -> SyncResult:
    """Record in translation `pm_id` that it matches its original as the original now reads."""
    from postmortem_kb.atomic import replace
    from postmortem_kb.locking import exclusive_lock

    paths = postmortem_paths(config)
    path = paths.get(pm_id)
    if path is None:
        raise TranslationError(f"no postmortem has the id {pm_id!r} in {config.postmortems_dir}")
    with exclusive_lock(path):
        pm = _load(path, config)
        target = translation_target(pm)
        if target is None:
            raise TranslationError(f"{pm_id} has no `translation_of:`; it is not a translation")
        if target == pm_id:
            raise TranslationError(f"{pm_id} names itself in `translation_of:`")
        current = original_hash(target, config, paths)
        if current is None:
            raise TranslationError(f"{pm_id}: `translation_of: {target}` is not a postmortem in the knowledge base")
        before = recorded_hash(pm)
        if before != current:
            text = path.read_bytes().decode("utf-8")
            replace(path, set_front_matter_value(text, "source_hash", yaml_quoted(current)))
    return SyncResult(pm_id, target, before, current)


def translation_id(original_id: str, lang: str) -> str:
    return f"{original_id}-{lang.lower()}"


def start_translation(original_id: str, lang: str, config: KBConfig) -> Path:
    """A new file `<original id>-<lang>.md`: the original's text to translate, linked and synced.

    It starts as the original's copy with `lang:`, `translation_of:`,
    `source_hash:` set, the first configured status (a draft), no
    approvals, and a `lang-xx` tag of the original's language changed to
    the new one; the original is not touched. Raises FileExistsError when
    the file exists.
    """
    from postmortem_kb.atomic import create_new

    if not is_language(lang):
        raise TranslationError(f"{lang!r} is not a language tag such as de or pt-BR")
    paths = postmortem_paths(config)
    path = paths.get(original_id)
    if path is None:
        raise TranslationError(f"no postmortem has the id {original_id!r} in {config.postmortems_dir}")
    original = _load(path, config)
    if translation_target(original):
        raise TranslationError(f"{original_id} is itself a translation (of {translation_target(original)}); "
                               "translate the original")
    if language_of(original, config) == lang:
        raise TranslationError(f"{original_id} is already in {lang}")
    text = path.read_bytes().decode("utf-8")
    for key, value in (("status", config.statuses[0]), ("lang", lang), ("translation_of", original_id),
                       ("source_hash", source_hash(original))):
        text = set_front_matter_value(text, key, yaml_quoted(value))
    # The original's approvals are of the original's words, not of the translation's.
    text = remove_front_matter_key(text, "approvals")
    old_tag = f"{LANG_TAG_PREFIX}{language_of(original, config)}"
    text = replace_in_front_matter(text, old_tag, f"{LANG_TAG_PREFIX}{lang.lower()}")
    target = path.with_name(translation_id(original_id, lang) + ".md")
    try:
        create_new(target, text)
    except FileExistsError:
        raise FileExistsError(errno.EEXIST, "the translation already exists", str(target)) from None
    return target
