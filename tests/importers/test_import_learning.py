"""Import maps what a post states about its language, trigger and detection, and nothing it does not."""

from __future__ import annotations

from pathlib import Path

import frontmatter

from conftest import write
from import_helpers import POSTS, missing_texts
from postmortem_kb.config import KBConfig, load_config
from postmortem_kb.importers.markdown_post import convert_post, vocabulary_value

BLOG = """\
---
title: Login outage
date: 2023-02-01
tags: [lang-de, auth]
---

Am Morgen fiel die Anmeldung aus.

- **Trigger:** Configuration change
- Detected by: customers
- Category: Kubernetes

## Timeline

| Time | Event |
|---|---|
| 2023-02-01 09:00 | Start |
"""


def converted(kb, tmp_path, text, name="post.md"):
    source = write(tmp_path / name, text)
    post = convert_post(source, load_config(kb))
    return post, frontmatter.loads(post.text).metadata


def test_lang_tag_sets_lang_and_the_tag_stays(kb, tmp_path):
    post, meta = converted(kb, tmp_path, BLOG)
    assert meta["lang"] == "de" and "lang-de" in meta["tags"]
    assert "lang: de (from the tag lang-de, which stays)" in post.notes


def test_stated_trigger_and_detection_lines_are_mapped_and_kept_as_text(kb, tmp_path):
    post, meta = converted(kb, tmp_path, BLOG)
    assert (meta["trigger"], meta["detection"]) == ("config-change", "customer-report")
    assert any("trigger: config-change (from '- **Trigger:** Configuration change' at line 9)" in n for n in post.notes)
    # The lines stay in the text, and a DFDS-style category is an area, not a trigger.
    assert missing_texts(BLOG, post.text) == [] and "Category: Kubernetes" in post.text
    assert "category" not in " ".join(post.notes).lower()


def test_front_matter_keys_win_and_unknown_values_are_kept_not_guessed(kb, tmp_path):
    text = BLOG.replace("tags:", "trigger: Deploy\ndetection: carrier pigeon\nlang: en\n"
                                 "contributing_factors: [missing alert, tooling-gap]\nincident_commander: Ana\ntags:")
    post, meta = converted(kb, tmp_path, text)
    assert meta["trigger"] == "deploy" and meta["lang"] == "en" and meta["incident_commander"] == "Ana"
    assert meta["contributing_factors"] == ["missing-alert", "tooling-gap"]
    # The front matter's detection is not in the vocabulary: not guessed, kept, and the text line does not override it.
    assert meta["imported"]["front_matter"]["detection"] == "carrier pigeon"
    assert meta.get("detection") == "customer-report"
    assert any("'carrier pigeon' is not in the `detection_methods` vocabulary" in n for n in post.notes)
    assert any("front matter says lang en but a tag says lang-de" in n for n in post.notes)
    assert "trigger" not in meta["imported"].get("front_matter", {})


def test_nothing_is_invented_for_a_post_that_states_nothing(kb, tmp_path):
    _, meta = converted(kb, tmp_path, "# Cache outage\n\nOn 2023-04-25 the cache failed.\n\n"
                                      "```\nTrigger: deploy\n```\n")
    assert not {"lang", "trigger", "detection", "contributing_factors"} & set(meta)
    for fixture in POSTS.rglob("*.md"):
        meta = frontmatter.loads(convert_post(fixture, load_config(kb)).text).metadata
        assert "trigger" not in meta and "detection" not in meta, fixture


def test_vocabulary_values_by_spelling_and_synonyms_only():
    config = KBConfig(root=Path("."))
    assert vocabulary_value("Config Change", config.triggers, {}) == "config-change"
    assert vocabulary_value("certificate_expiry.", config.triggers, {}) == "certificate-expiry"
    assert vocabulary_value("confg-change", config.triggers, {}) is None  # no did-you-mean at import
    assert vocabulary_value("deployment", config.triggers, {"deployment": "deploy"}) == "deploy"
    assert vocabulary_value("deployment", {"release": "x"}, {"deployment": "deploy"}) is None
