"""Grouping for the indexes: each value its own page (names are data), missing values get their own group."""

from postmortem_kb.site.indexes import (
    by_count,
    group_by,
    render_archive_pages,
    render_tag_pages,
    severity_groups,
)
from postmortem_kb.site.urls import hashed_slug
from site_samples import synthetic


def test_spellings_that_fold_together_get_pages_of_their_own_and_nothing_is_dropped():
    postmortems = synthetic(4, tags_of=lambda n: [["Server Infra"], ["server-infra", "server-infra"], [], ["db"]][n])
    groups = group_by(postmortems, lambda pm: pm.tags, "(no tags)")
    # The value spelled as its slug keeps the plain URL whatever the order; the other gets a hashed one.
    assert groups["server-infra"].names == ["server-infra"]
    assert len(groups["server-infra"].members) == 1, "a tag written twice counts once"
    other = hashed_slug("Server Infra")
    assert other.startswith("server-infra--") and groups[other].names == ["Server Infra"]
    assert [g.slug for g in by_count(groups)][-1] == "none"
    assert groups["none"].label == "(no tags)"
    assert sum(len(g.members) for g in groups.values()) == 4
    reversed_order = group_by(list(reversed(postmortems)), lambda pm: pm.tags, "(no tags)")
    assert {slug: g.names for slug, g in reversed_order.items()} == {slug: g.names for slug, g in groups.items()}


def test_a_value_that_spells_an_overview_or_is_too_long_gets_a_page_of_its_own():
    long_tag = "very-long-" * 30
    postmortems = synthetic(3, tags_of=lambda n: [["index"], [long_tag], ["none"]][n])
    pages = render_tag_pages(postmortems, ["SEV1"])
    assert "Every tag in use" in pages["tags/index.md"]
    tag_pages = [path for path in pages if path != "tags/index.md"]
    assert len(tag_pages) == 3
    assert all(len(path.rsplit("/", 1)[1]) <= 80 + len(".md") for path in tag_pages)
    assert "tags/none.md" not in pages, "only postmortems without tags are on the none page"


def test_severities_follow_the_configured_order_then_unknown_then_none():
    postmortems = synthetic(4)
    for pm, severity in zip(postmortems, ["SEV3", "critical", None, "SEV1"]):
        if severity:
            pm.meta["severity"] = severity
    groups = severity_groups(postmortems, ["SEV1", "SEV2", "SEV3"])
    assert [g.slug for g in groups] == ["sev1", "sev2", "sev3", "critical", "none"]
    assert [len(g.members) for g in groups] == [1, 0, 1, 1, 1]


def test_a_configured_severity_keeps_its_url_when_another_spelling_folds_to_it():
    postmortems = synthetic(2)
    for pm, severity in zip(postmortems, ["sev1", "SEV1"]):
        pm.meta["severity"] = severity
    groups = severity_groups(postmortems, ["SEV1", "SEV2"])
    assert [(g.slug, g.names) for g in groups][:2] == [("sev1", ["SEV1"]), ("sev2", ["SEV2"])]
    assert groups[2].names == ["sev1"] and groups[2].slug.startswith("sev1--")


def test_archive_groups_by_year_and_month_newest_first():
    postmortems = synthetic(400, start_year=2023)  # 2023-01-01 .. 2024-02-04
    pages = render_archive_pages(postmortems, ["SEV1"])
    assert list(pages) == ["archive/index.md", "archive/2024.md", "archive/2023.md"]
    year = pages["archive/2023.md"].as_markdown()
    assert year.index("## December 2023") < year.index("## January 2023")
    assert "365 postmortems" in year


def test_badge_colour_follows_the_configured_rank_and_flags_unknown_levels():
    from markupsafe import Markup
    from postmortem_kb.site.blocks import severity_chip

    def badge(pm, known) -> str:
        return str(Markup("{}").format(severity_chip(pm, known)))

    pm = synthetic(1)[0]
    pm.meta["severity"] = "high"
    assert 'class="pm-badge pm-sev-high pm-sev-rank-2"' in badge(pm, ["critical", "high", "low"])
    assert "pm-sev-unknown" in badge(pm, ["SEV1"]) and "not one of the configured" in badge(pm, ["SEV1"])
    pm.meta["severity"] = None
    assert ">no severity<" in badge(pm, ["SEV1"])


def test_slug_allocation_is_one_to_one_bounded_and_independent_of_order():
    import itertools

    from postmortem_kb.site.urls import MAX_SLUG, RESERVED_SLUGS, allocate_slugs

    values = ["server-infra", "Server Infra", "SERVER_INFRA", "index", "Index", "none", "日本", "中文", "x" * 300,
              "x" * 299 + "y", "db", "DB", "a--b"]
    first = allocate_slugs(values)
    assert len(set(first.values())) == len(values), "no two values share a page"
    assert all(len(slug) <= MAX_SLUG and slug not in RESERVED_SLUGS for slug in first.values())
    assert first["server-infra"] == "server-infra" and first["db"] == "db" and first["a--b"] == "a-b"
    for order in itertools.islice(itertools.permutations(values), 0, 2000, 97):
        assert allocate_slugs(order) == first


def test_a_listing_marks_the_lifecycles_own_first_status_as_the_draft():
    from postmortem_kb.site.blocks import Listing

    wip, published = synthetic(2)
    wip.meta["status"], published.meta["status"] = "wip", "draft"
    rows = {pm.meta["status"]: str(Listing(draft="wip").row("tags/x.md", pm)) for pm in (wip, published)}
    assert 'class="pm-row-draft"' in rows["wip"] and 'class="pm-row-draft"' not in rows["draft"]
