"""/api/postmortems.json and /feed.xml."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from postmortem_kb.site.site_render import render_site
from site_samples import loaded, make_kb

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


def test_the_feed_is_titled_by_the_site_name_and_its_links_are_absolute_with_a_site_url(tmp_path):
    kb = loaded(make_kb(tmp_path / "kb"))
    feed = ET.fromstring(render_site(kb, today=dt.date(2025, 1, 1), site_name="Acme incidents",
                                     site_url="https://kb.example.com/")["feed.xml"])
    assert feed.findtext("a:title", namespaces=ATOM) == "Acme incidents"
    links = [link.get("href") for link in feed.iter(f"{{{ATOM['a']}}}link")]
    assert links and all(href.startswith("https://kb.example.com/") for href in links), links


def test_a_missing_site_url_is_said_at_info_level_which_a_strict_build_allows(tmp_path, caplog):
    import logging

    from postmortem_kb.site.feeds import render_atom_feed

    kb = loaded(make_kb(tmp_path / "kb"))
    with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.postmortems"):
        render_atom_feed(kb.loaded, "Postmortems", None)
    said = [r for r in caplog.records if "site_url" in r.getMessage()]
    assert [r.levelno for r in said] == [logging.INFO]
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.postmortems"):
        render_atom_feed(kb.loaded, "Postmortems", "https://kb.example.com/")
    assert not [r for r in caplog.records if "site_url" in r.getMessage()]


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59)),
    st.integers(min_value=-(23 * 60 + 59), max_value=14 * 60),
    st.sampled_from(["started_at", "resolved_at", None]),
)
@example(dt.datetime(9999, 12, 31, 23, 59), -(23 * 60 + 59), "started_at")  # no instant in UTC
@example(dt.datetime(1, 1, 1, 0, 0), 14 * 60, "resolved_at")  # before year 1 in UTC
@example(dt.datetime(1, 1, 1, 0, 0), 0, None)  # strftime writes year 1 as "1"
@example(dt.datetime(9999, 12, 31, 23, 59), 0, "resolved_at")
def test_updated_and_published_are_rfc3339_for_any_date_and_offset(moment, offset_minutes, key):
    from postmortem_kb.model import Postmortem
    from postmortem_kb.site.feeds import render_atom_feed

    moment = moment.replace(second=0, microsecond=0, tzinfo=dt.timezone(dt.timedelta(minutes=offset_minutes)))
    meta = {"title": "T", "date": moment.date()}
    if key:
        meta[key] = moment
    pm = Postmortem(path=Path("postmortems/x.md"), id="x", meta=meta)
    feed = ET.fromstring(render_atom_feed([pm], "Postmortems", None))
    stamps = [element.text for element in feed.iter()
              if element.tag in (f"{{{ATOM['a']}}}updated", f"{{{ATOM['a']}}}published")]
    assert len(stamps) >= 3  # the feed's, the entry's updated and published
    for stamp in stamps:
        assert RFC3339.match(stamp), stamp
        parsed = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        assert 1 <= parsed.year <= 9999


def test_each_postmortem_has_its_model_at_api_postmortems_id_json_the_same_json_as_show_prints(tmp_path):
    import subprocess
    import sys

    root = make_kb(tmp_path / "kb")
    pages = render_site(loaded(root), today=dt.date(2025, 1, 1))
    for pm_id in ("2024-01-09-cache-stampede", "2021-03-03-hostile", "undated"):
        shown = subprocess.run([sys.executable, "-m", "postmortem_kb", "show", pm_id, "--format", "json"],
                               cwd=root, capture_output=True, text=True)
        assert shown.returncode == 0, shown.stderr
        text = pages[f"api/postmortems/{pm_id}.json"]
        assert "<" not in text and ">" not in text
        assert json.loads(text) == json.loads(shown.stdout)
    cache = json.loads(pages["api/postmortems/2024-01-09-cache-stampede.json"])
    assert cache["timeline"] and cache["action_items"][0]["ticket"] == "OPS-1"


def test_the_index_is_the_list_record_without_bodies_and_says_null_for_what_is_missing(tmp_path):
    import subprocess
    import sys

    root = make_kb(tmp_path / "kb")
    index = json.loads(render_site(loaded(root), today=dt.date(2025, 1, 1))["api/postmortems.json"])
    by_id = {pm["id"]: pm for pm in index["postmortems"]}
    for record in by_id.values():
        assert not {"timeline", "sections", "body", "meta"} & set(record)
        assert record["lang"] == "en"
    assert by_id["undated"]["severity"] is None and by_id["undated"]["summary"] is None
    listed = subprocess.run([sys.executable, "-m", "postmortem_kb", "list", "--format", "json"],
                            cwd=root, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    for row in json.loads(listed.stdout):
        assert row == {key: by_id[row["id"]][key] for key in row}, "list and the API say the same, null alike"
