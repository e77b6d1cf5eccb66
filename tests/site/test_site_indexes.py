"""Grouping for the indexes: spellings merge by slug, missing values get their own group."""

from site_samples import synthetic

from postmortem_kb.site.indexes import by_count, group_by, render_archive_pages, severity_groups


def test_spellings_share_a_slug_and_nothing_is_dropped():
    postmortems = synthetic(4, tags_of=lambda n: [["Server Infra"], ["server-infra", "server-infra"], [], ["db"]][n])
    groups = group_by(postmortems, lambda pm: pm.tags, "(no tags)")
    assert groups["server-infra"].names == ["server-infra", "Server Infra"]
    assert len(groups["server-infra"].members) == 2, "a tag written twice counts once"
    assert [g.slug for g in by_count(groups)] == ["server-infra", "db", "none"]
    assert groups["none"].label == "(no tags)"
    assert sum(len(g.members) for g in groups.values()) == 4


def test_severities_follow_the_configured_order_then_unknown_then_none():
    postmortems = synthetic(4)
    for pm, severity in zip(postmortems, ["SEV3", "critical", None, "SEV1"]):
        if severity:
            pm.meta["severity"] = severity
    groups = severity_groups(postmortems, ["SEV1", "SEV2", "SEV3"])
    assert [g.slug for g in groups] == ["sev1", "sev2", "sev3", "critical", "none"]
    assert [len(g.members) for g in groups] == [1, 0, 1, 1, 1]


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
