"""/api/postmortems.json and /feed.xml."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

from site_samples import loaded, make_kb

from postmortem_kb.site.site_render import render_site

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def test_json_escapes_markup_characters_but_keeps_the_data_exact(tmp_path):
    kb = loaded(make_kb(tmp_path / "kb"))
    text = render_site(kb, today=dt.date(2025, 1, 1))["api/postmortems.json"]
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    hostile = next(pm for pm in data["postmortems"] if pm["id"] == "2021-03-03-hostile")
    assert hostile["title"] == "<script>alert(1)</script> [x](javascript:alert(2))"
    assert data["count"] == 5 and data["as_of"] == "2025-01-01" and data["load_errors"] == []
    overdue = next(pm for pm in data["postmortems"] if pm["id"] == "2024-01-09-cache-stampede")["action_items"][0]
    assert overdue["is_overdue"] is True and overdue["line"] > 0


def test_feed_is_atom_with_relative_links_or_absolute_with_a_site_url(tmp_path):
    kb = loaded(make_kb(tmp_path / "kb"))
    kb.loaded[0].meta["title"] = "Control \x01 character"
    plain = ET.fromstring(render_site(kb, today=dt.date(2025, 1, 1))["feed.xml"])
    entry = plain.find("a:entry", ATOM)
    assert entry.findtext("a:title", namespaces=ATOM) == "Control \ufffd character"
    assert entry.find("a:link", ATOM).get("href") == "postmortems/2024-01-09-cache-stampede/"
    assert entry.findtext("a:id", namespaces=ATOM).startswith("urn:uuid:")
    assert entry.findtext("a:updated", namespaces=ATOM) == "2024-01-09T11:00:00Z"
    assert "[SEV2, 2024-01-09]" in entry.findtext("a:summary", namespaces=ATOM)
    hosted = ET.fromstring(render_site(kb, today=dt.date(2025, 1, 1), site_url="https://kb.example.com/pm/",
                                       directory_urls=False)["feed.xml"])
    link = hosted.find("a:entry", ATOM).find("a:link", ATOM).get("href")
    assert link == "https://kb.example.com/pm/postmortems/2024-01-09-cache-stampede.html"
    assert hosted.find("a:entry/a:id", ATOM).text == entry.findtext("a:id", namespaces=ATOM), "ids do not depend on hosting"
