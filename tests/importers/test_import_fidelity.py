"""`postmortem import` reads what a post says about itself: dates in names and folders, a date in
the title, a blog's date-time, service keys, front matter it does not know, the zone the text states."""

import datetime as dt
import json

import frontmatter
import pytest
from import_helpers import POSTS, missing_texts, shared_path

from conftest import write
from postmortem_kb.cli import main
from postmortem_kb.config import load_config
from postmortem_kb.importers.markdown_post import collect_sources, convert_post, split_title_date
from postmortem_kb.loader import load_postmortem, parse_postmortem

UTC_PLUS_2 = dt.timezone(dt.timedelta(hours=2))


def converted(kb, path):
    post = convert_post(path, load_config(kb))
    return post, frontmatter.loads(post.text)


# -- dates from names and folders ---------------------------------------------------------


@pytest.mark.parametrize(("relative", "date"), [
    ("2023-04/04-25-user-account-compromise.md", "2023-04-25"),
    ("2023/04-25-user-account-compromise.md", "2023-04-25"),
    ("2023/04/25/user-account-compromise.md", "2023-04-25"),
    ("2023/04/25-user-account-compromise.md", "2023-04-25"),
    ("2023-04/25-user-account-compromise.md", "2023-04-25"),
    ("_posts/2023-04-25-user-account-compromise.md", "2023-04-25"),
])
def test_date_from_folder_and_file_name(kb, tmp_path, relative, date):
    source = write(tmp_path / "wiki" / relative, "Someone logged in from far away.\n")
    post, meta = converted(kb, source)
    assert post.date == dt.date.fromisoformat(date) and str(meta["date"]) == date
    assert post.name == f"{date}-user-account-compromise.md"
    assert "name" in post.date_origin


def test_folder_month_that_disagrees_with_the_name_gives_no_date_from_them(kb, tmp_path):
    # "2023-04/05-25": month 4 or 5? Neither is read; the text's date is used instead.
    source = write(tmp_path / "2023-04/05-25-mixup.md", "It happened on 2023-05-25.\n")
    post, _ = converted(kb, source)
    assert post.date == dt.date(2023, 5, 25) and post.date_origin == "first date in the text"


def test_a_name_that_only_starts_with_a_number_is_not_a_day(kb, tmp_path):
    source = write(tmp_path / "notes/5-whys.md", "# Five whys\n\nWritten on 2021-02-03.\n")
    assert converted(kb, source)[0].date == dt.date(2021, 2, 3)


def test_folder_dated_file_without_headings_gets_a_readable_title(kb):
    source = POSTS / "wiki-export/Incidents/2023-04/04-25-user-account-compromise.md"
    post, meta = converted(kb, source)
    assert meta["title"] == "User account compromise" and post.title_origin == "file name"
    assert post.name == "2023-04-25-user-account-compromise.md"
    assert missing_texts(source.read_text(), post.text) == []
    # No heading at all: the text is the summary, and the zone it states is the file's.
    assert "## Summary" in post.text and meta["timezone"] == "UTC" and post.zone == ("UTC", "statement at line 3")


@pytest.mark.parametrize(("name", "title"), [
    ("04-25-user-account-compromise.md", "User account compromise"),
    ("2023-04-25_db_failover.md", "Db failover"),
    ("PM2020-003 - Postmortem for ADSync migration.md", "Postmortem for ADSync migration"),
    ("Queue-Backlog-In-EU.md", "Queue Backlog In EU"),
])
def test_title_from_the_file_name(kb, tmp_path, name, title):
    source = write(tmp_path / name, "Text without a heading, on 2022-02-02.\n")
    assert converted(kb, source)[1]["title"] == title


# -- a date in the title -------------------------------------------------------------------


@pytest.mark.parametrize("written", ["2017-09-27, Hub 403", "2017-09-27: Hub 403", "[2017-09-27] Hub 403",
                                     "2017-09-27 - Hub 403", "Sept 27, 2017 - Hub 403", "September 27 2017: Hub 403",
                                     "27 Sep 2017 \u2013 Hub 403", "(2017/09/27) Hub 403"])
def test_title_date_prefix_is_split_off(written):
    assert split_title_date(written) == (dt.date(2017, 9, 27), "Hub 403")


@pytest.mark.parametrize("written", ["2017-09-27", "Smarch 27, 2017 - Hub", "2017-02-30: X", "500 errors: Hub"])
def test_title_without_a_date_prefix_stays(written):
    assert split_title_date(written) == (None, written)


@pytest.mark.parametrize("written", ["Hub 403 on 2017-09-27", "Hub 403 2017-09-27", "Hub 403 on Sept 27, 2017",
                                     "Hub 403 of 27 September 2017"])
def test_a_date_the_title_runs_into_gives_the_date_and_the_title_stays_whole(written):
    assert split_title_date(written) == (dt.date(2017, 9, 27), written)


def test_a_title_that_runs_into_its_date_names_the_file_with_the_date_once(kb, tmp_path):
    source = write(tmp_path / "payments.md", "# Payment outage 2019-08-14\n\n## Incident Timeline\n\n"
                                             "At 09:12 the gateway started timing out.\nBy 10:30 it had recovered.\n")
    post, meta = converted(kb, source)
    assert (post.name, meta["title"], str(meta["date"])) == ("2019-08-14-payment-outage.md",
                                                             "Payment outage 2019-08-14", "2019-08-14")
    assert [e.text for e in parse_postmortem(post.text, tmp_path / post.name, load_config(kb)).timeline] == [
        "the gateway started timing out.", "it had recovered."]


def test_h1_that_repeats_the_date(kb):
    post, meta = converted(kb, POSTS / "hub-403.md")
    assert meta["title"] == "Hub 403" and post.name == "2017-09-27-hub-403.md"
    assert post.date == dt.date(2017, 9, 27) and "date in the title" in post.date_origin
    assert meta["imported"]["title"] == "2017-09-27, Hub 403"  # the heading as it was
    assert missing_texts((POSTS / "hub-403.md").read_text(), post.text) == []


def test_title_date_beats_a_blog_publish_date_which_is_kept(kb):
    post, meta = converted(kb, POSTS / "hugo-bundle/2023-06-01-dns-flap/index.md")
    assert meta["title"] == "Internal DNS flapping" and post.date == dt.date(2023, 6, 1)
    assert meta["imported"]["front_matter"] == {"title": "2023-06-01: Internal DNS flapping",
                                                "date": dt.datetime(2023, 6, 2, 9, 30, tzinfo=dt.timezone.utc)}
    assert meta["started_at"] is None  # a publish time a day later says nothing about the start


# -- page bundles ------------------------------------------------------------------------------


def test_page_bundle_index_is_a_post_but_a_folder_readme_is_not(tmp_path):
    write(tmp_path / "content/README.md", "# About these posts\n")
    write(tmp_path / "content/index.md", "# Incidents\n")
    write(tmp_path / "content/posts/_index.md", "---\ntitle: Posts\n---\n")
    bundle = write(tmp_path / "content/posts/queue-stall/index.md", "---\ntitle: Queue stall\n---\nText.\n")
    dated = write(tmp_path / "content/2023-04-25/index.md", "# Login storm\n")
    chosen, passed = collect_sources([tmp_path / "content"])
    assert sorted(chosen) == sorted([bundle, dated])
    assert {p.name for p, _ in passed} == {"README.md", "index.md", "_index.md"}


def test_bundle_without_title_is_named_by_its_folder(kb, tmp_path):
    source = write(tmp_path / "posts/2023-04-25-login-storm/index.md", "---\ntags: [auth]\n---\nLogins failed.\n")
    post, meta = converted(kb, source)
    assert meta["title"] == "Login storm" and post.name == "2023-04-25-login-storm.md"


# -- front matter ------------------------------------------------------------------------------------


def test_jekyll_post_services_authors_and_publish_time(kb):
    source = POSTS / "jekyll-site/_posts/2023-04-25-cache-eviction-storm.md"
    post, meta = converted(kb, source)
    assert meta["services"] == ["cache", "api", "api-gateway"]  # affected_services and components
    assert meta["authors"] == ["Priya"]
    # No timeline and no started_at: the post's date-time is the only time given; kept as written too.
    assert meta["started_at"] == dt.datetime(2023, 4, 25, 14, 2, tzinfo=UTC_PLUS_2)
    assert post.started_at_from == "front matter `date`"
    assert any("started_at is the post's `date`" in note and "check it" in note for note in post.notes)
    assert meta["imported"]["front_matter"] == {
        "layout": "post", "date": "2023-04-25 14:02:00 +0200", "author": {"name": "Priya", "email": "priya@example.com"},
        "permalink": "/incidents/cache-eviction-storm/", "comments": True}
    assert "affected_services" not in meta["imported"]["front_matter"]  # v1's services hold all of it


def test_service_keys_become_services(kb, tmp_path):
    source = write(tmp_path / "2024-01-01-x.md", "---\nservice: kv\nsystems: [billing, kv]\ncomponents: edge, dns\n---\nText.\n")
    post, meta = converted(kb, source)
    assert meta["services"] == ["kv", "billing", "edge", "dns"]
    assert "imported" in meta and "front_matter" not in meta["imported"]


def test_a_timeline_is_better_than_the_publish_time(kb):
    post, meta = converted(kb, POSTS / "hugo-toml-post.md")
    assert meta["started_at"] is None and post.started_at_from is None
    assert meta["imported"]["front_matter"]["date"] == dt.datetime(2023, 4, 2, 9, 15, tzinfo=UTC_PLUS_2)


def test_a_plain_date_is_not_kept_twice(kb, tmp_path):
    source = write(tmp_path / "x.md", "---\ntitle: X\ndate: 2024-03-03\nowner: sam\n---\nText.\n")
    meta = converted(kb, source)[1]
    assert meta["imported"]["front_matter"] == {"owner": "sam"} and meta["started_at"] is None


def test_naive_publish_time_takes_the_stated_zone(kb, tmp_path):
    source = write(tmp_path / "x.md", "---\ntitle: X\ndate: 2024-03-03 10:00:00\n---\nAll times in CET.\n\nIt broke.\n")
    meta = converted(kb, source)[1]
    assert meta["timezone"] == "Europe/Paris"
    assert meta["started_at"].isoformat() == "2024-03-03T10:00:00+01:00"  # CET in March


# -- the stated zone -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("statement", "zone"), [
    ("All times in PDT.", "America/Los_Angeles"),
    ("All times in CEST", "Europe/Paris"),
    ("Times are GMT+2", "+02:00"),
    ("All times in UTC.", "UTC"),
])
def test_stated_zone_is_written_with_its_line(kb, tmp_path, statement, zone):
    source = write(tmp_path / "2024-07-01-x.md", f"# X\n\n## Timeline\n\n{statement}\n\n- 13:30 Alert\n")
    post, meta = converted(kb, source)
    assert meta["timezone"] == zone and post.zone == (zone, "statement at line 5")
    pm = load_postmortem(write(kb / "postmortems" / post.name, post.text), load_config(kb))
    assert pm.timeline[0].time is not None and pm.timeline[0].time.utcoffset() is not None


def test_no_statement_no_zone(kb, tmp_path):
    source = write(tmp_path / "2024-07-01-x.md", "# X\n\nIt failed three times in a row.\n\n## Timeline\n\n- 13:30 Alert\n")
    post, meta = converted(kb, source)
    assert "timezone" not in meta and post.zone is None


def test_front_matter_zone_wins_and_is_reported(kb, tmp_path):
    source = write(tmp_path / "x.md", "---\ntitle: X\ndate: 2024-07-01\ntimezone: Asia/Tokyo\n---\nAll times in UTC.\n")
    post, meta = converted(kb, source)
    assert meta["timezone"] == "Asia/Tokyo" and post.zone == ("Asia/Tokyo", "front matter")


def test_json_report_names_zone_and_started_at(kb, runner):
    source = POSTS / "jekyll-site/_posts/2023-04-25-cache-eviction-storm.md"
    report = json.loads(runner.invoke(main, ["import", "--dry-run", "--format", "json", str(source)]).output)
    [entry] = report["imported"]
    assert entry["started_at_from"] == "front matter `date`" and entry["timezone"] is None
    zoned = json.loads(runner.invoke(main, ["import", "--dry-run", "--format", "json",
                                            str(POSTS / "hugo-bundle/2023-06-01-dns-flap/index.md")]).output)
    assert zoned["imported"][0]["timezone"] == {"value": "UTC", "source": "statement at line 14"}


# -- the seed ------------------------------------------------------------------------------------------------


def test_seed_publish_time_becomes_started_at_and_is_kept(kb, runner):
    seed = shared_path("seed", "handle-outage.md")
    report = json.loads(runner.invoke(main, ["import", "--format", "json", str(seed)]).output)
    [entry] = report["imported"]
    meta = frontmatter.load(kb / "postmortems" / entry["name"])
    at = dt.datetime(2017, 12, 10, 11, 13, 53, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert meta["started_at"] == at and meta["imported"]["front_matter"]["date"] == at
    assert "&id" not in (kb / "postmortems" / entry["name"]).read_text()  # written out, not a YAML alias
    assert {h["heading"]: h["mapped_by"] for h in entry["headings"]}["(text before the first heading)"] == "lead"
