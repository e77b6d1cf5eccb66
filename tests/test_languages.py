"""Languages and translations: the language of a postmortem, links both ways, source hashes, the translate command."""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter
import pytest

from conftest import VALID_POSTMORTEM, write
from postmortem_kb.commands.translate import translate
from postmortem_kb.config import KBConfig, load_config
from postmortem_kb.kb import load_knowledge_base
from postmortem_kb.languages import (
    FrontMatterEditError,
    Translations,
    language_from_tags,
    language_of,
    remove_front_matter_key,
    set_front_matter_value,
    source_hash,
)
from postmortem_kb.loader import parse_postmortem

ORIGINAL = "2024-01-09-cache-stampede"


def parsed(text: str, name: str = ORIGINAL):
    return parse_postmortem(text, Path(f"{name}.md"), KBConfig(root=Path(".")))


def translation(lang: str, target: str = ORIGINAL, title: str = "Übersetzung") -> str:
    return (VALID_POSTMORTEM.replace("Cache stampede on the session store", title)
            .replace("summary:", f"lang: {lang}\ntranslation_of: {target}\nsummary:"))


def test_language_is_lang_then_a_lang_tag_then_the_config_default():
    config = KBConfig(root=Path("."), language="fr")
    assert language_of(parsed(VALID_POSTMORTEM), config) == "fr"
    tagged = parsed(VALID_POSTMORTEM.replace("tags: [server-infra, cache]", "tags: [lang-pt-BR, cache]"))
    assert language_of(tagged, config) == "pt-BR"
    both = parsed(VALID_POSTMORTEM.replace("summary:", "lang: de\nsummary:").replace("[server-infra,", "[lang-en,"))
    assert language_of(both, config) == "de"
    assert language_from_tags(["server-infra", "lang-", "lang-EN!", "lang-ja"]) == "ja"


def test_translations_are_linked_both_ways(kb):
    write(kb / f"postmortems/{ORIGINAL}.md", VALID_POSTMORTEM)
    write(kb / f"postmortems/{ORIGINAL}-de.md", translation("de"))
    write(kb / f"postmortems/{ORIGINAL}-fr.md", translation("fr", title="Traduction"))
    # A translation of a translation belongs to the first original.
    write(kb / f"postmortems/{ORIGINAL}-nl.md", translation("nl", target=f"{ORIGINAL}-de"))
    write(kb / "postmortems/2024-02-01-lonely.md", translation("es", target="2023-01-01-gone"))
    kb_loaded = load_knowledge_base(kb)
    index = Translations(kb_loaded.loaded, kb_loaded.config)
    assert index.translations_of(ORIGINAL) == [f"{ORIGINAL}-de", f"{ORIGINAL}-fr", f"{ORIGINAL}-nl"]
    assert index.original_of(f"{ORIGINAL}-nl") == ORIGINAL and index.original_of(ORIGINAL) is None
    assert index.translations_of(f"{ORIGINAL}-de") == []
    versions = index.versions(f"{ORIGINAL}-fr")
    assert [(v.id, v.lang, v.is_original) for v in versions] == [
        (ORIGINAL, "en", True), (f"{ORIGINAL}-de", "de", False), (f"{ORIGINAL}-fr", "fr", False),
        (f"{ORIGINAL}-nl", "nl", False)]
    assert versions[2].title == "Traduction"
    assert [v.id for v in index.versions("2024-02-01-lonely")] == ["2024-02-01-lonely"]
    assert index.missing_originals() == {"2024-02-01-lonely": "2023-01-01-gone"}
    assert index.record(f"{ORIGINAL}-de") == {"lang": "de", "translation_of": ORIGINAL, "original": ORIGINAL,
                                               "translations": []}


def test_a_translation_loop_does_not_hang(kb):
    write(kb / "postmortems/2024-01-01-a.md", translation("de", target="2024-01-01-b"))
    write(kb / "postmortems/2024-01-01-b.md", translation("fr", target="2024-01-01-a"))
    kb_loaded = load_knowledge_base(kb)
    index = Translations(kb_loaded.loaded, kb_loaded.config)
    assert {v.id for v in index.versions("2024-01-01-a")} == {"2024-01-01-a", "2024-01-01-b"}


def test_source_hash_follows_the_words_not_the_bookkeeping():
    base = source_hash(parsed(VALID_POSTMORTEM))
    assert base.startswith("sha256:") and len(base) == len("sha256:") + 16
    assert source_hash(parsed(VALID_POSTMORTEM.replace("status: published", "status: draft"))) == base
    assert source_hash(parsed(VALID_POSTMORTEM.replace("tags: [server-infra, cache]", "tags: [x]"))) == base
    assert source_hash(parsed(VALID_POSTMORTEM + "\n\n   \n")) == base  # trailing blank lines are no words
    assert source_hash(parsed(VALID_POSTMORTEM.replace("slow for 30", "slow for 31"))) != base
    assert source_hash(parsed(VALID_POSTMORTEM.replace("Cache stampede on", "Cache rush on"))) != base
    assert source_hash(parsed(VALID_POSTMORTEM.replace("summary:", "public_summary: Sorry.\nsummary:"))) != base


def test_front_matter_edits_change_one_key_and_keep_every_other_byte():
    text = "---\r\ntitle: A\r\nsource_hash: old\r\ntags:\r\n  - a\r\n\r\nstatus: draft\r\n---\r\n\r\nBody\r\n"
    changed = set_front_matter_value(text, "source_hash", '"sha256:1"')
    assert changed == text.replace("source_hash: old", 'source_hash: "sha256:1"')
    listed = set_front_matter_value(text, "tags", "[b]")
    assert listed == "---\r\ntitle: A\r\nsource_hash: old\r\ntags: [b]\r\n\r\nstatus: draft\r\n---\r\n\r\nBody\r\n"
    added = set_front_matter_value("\ufeff---\ntitle: A\n---\nBody\n", "lang", "de")
    assert added == "\ufeff---\ntitle: A\nlang: de\n---\nBody\n"
    assert remove_front_matter_key(text, "tags") == text.replace("tags:\r\n  - a\r\n", "")
    with pytest.raises(FrontMatterEditError):
        set_front_matter_value("# no front matter\n", "lang", "de")
    with pytest.raises(FrontMatterEditError):
        set_front_matter_value("---\ntitle: A\n", "lang", "de")


def test_translate_new_sync_and_status(kb, runner):
    original = write(kb / f"postmortems/{ORIGINAL}.md", VALID_POSTMORTEM.replace(
        "tags: [server-infra, cache]", "tags: [server-infra, lang-en]"))
    before = original.read_bytes()
    assert "approvals" in frontmatter.loads(before.decode()).metadata
    result = runner.invoke(translate, ["new", ORIGINAL, "--lang", "de"])
    assert result.exit_code == 0, result.output
    path = kb / f"postmortems/{ORIGINAL}-de.md"
    assert result.output.strip().endswith(f"{ORIGINAL}-de.md") and original.read_bytes() == before
    meta = frontmatter.load(path).metadata
    assert (meta["lang"], meta["translation_of"], meta["status"]) == ("de", ORIGINAL, "draft")
    assert meta["tags"] == ["server-infra", "lang-de"] and "approvals" not in meta
    assert meta["source_hash"] == source_hash(parsed(original.read_text(encoding="utf-8")))
    again = runner.invoke(translate, ["new", ORIGINAL, "--lang", "de"])
    assert again.exit_code == 1 and "already exists" in again.output
    assert runner.invoke(translate, ["new", ORIGINAL, "--lang", "en"]).exit_code == 2
    assert runner.invoke(translate, ["new", ORIGINAL, "--lang", "German"]).exit_code == 2

    def states():
        out = runner.invoke(translate, ["status", "--format", "json"])
        return {r["id"]: r["state"] for r in json.loads(out.output)}

    assert states() == {f"{ORIGINAL}-de": "in sync"}
    original.write_text(original.read_text(encoding="utf-8").replace("slow for 30", "slow for 35"), encoding="utf-8")
    assert states() == {f"{ORIGINAL}-de": "stale"}
    synced = runner.invoke(translate, ["sync", f"{ORIGINAL}-de"])
    assert synced.exit_code == 0 and "synced with" in synced.output
    assert states() == {f"{ORIGINAL}-de": "in sync"}
    assert "already in sync" in runner.invoke(translate, ["sync", f"{ORIGINAL}-de"]).output
    table = runner.invoke(translate, ["status"]).output
    assert "in sync" in table and "1 translation(s), 0 to look at" in table

    not_one = runner.invoke(translate, ["sync", ORIGINAL])
    assert not_one.exit_code == 1 and "not a translation" in not_one.output
    assert runner.invoke(translate, ["sync", "2099-01-01-nothing"]).exit_code == 1
    # The written file loads, and only source_hash changed in it.
    config = load_config(kb)
    assert not parse_postmortem(path.read_text(encoding="utf-8"), path, config).failed


def test_removing_a_duplicated_key_removes_every_copy():
    text = "---\ntitle: A\napprovals: [{by: kim}]\nlang: en\napprovals:\n  - {by: ana}\n---\nBody\n"
    assert remove_front_matter_key(text, "approvals") == "---\ntitle: A\nlang: en\n---\nBody\n"
