"""`render_site`: a pure function from the knowledge base to every generated file."""

import datetime as dt
import posixpath

from hypothesis import given
from hypothesis import strategies as st
from postmortem_kb.scaffold import url_slug
from postmortem_kb.site.site_render import render_site
from postmortem_kb.site.urls import is_item_page, link, page_url
from site_samples import loaded, make_kb

TODAY = dt.date(2025, 1, 1)


def test_render_site_is_deterministic_and_has_every_permanent_url(tmp_path):
    kb = loaded(make_kb(tmp_path / "kb"))
    first = render_site(kb, today=TODAY)
    assert first == render_site(kb, today=TODAY), "same knowledge base, same bytes (charts included)"
    for path in ("tags/index.md", "services/index.md", "severities/index.md", "archive/index.md", "actions/index.md",
                 "metrics/index.md", "api/postmortems.json", "feed.xml", "assets/postmortem-kb.css",
                 "tags/server-infra.md", "services/sessions.md", "severities/sev2.md", "archive/2024.md",
                 "archive/undated.md", "postmortems/2024-01-09-cache-stampede.md"):
        assert path in first, path
    assert isinstance(first["feed.xml"], bytes) and first["metrics/top-tags.svg"].startswith("<?xml")


def test_every_postmortem_is_listed_on_each_index_it_belongs_to(tmp_path):
    kb = loaded(make_kb(tmp_path / "kb"))
    pages = render_site(kb, today=TODAY)
    for pm in kb.loaded:
        target = f"postmortems/{pm.id}.md"
        assert target in pages
        expected = [f"tags/{url_slug(t)}.md" for t in pm.tags] or ["tags/none.md"]
        expected += [f"services/{url_slug(s)}.md" for s in pm.services] or ["services/none.md"]
        expected.append(f"severities/{url_slug(pm.severity)}.md" if pm.severity else "severities/none.md")
        expected.append(f"archive/{pm.date.year}.md" if pm.date else "archive/undated.md")
        for index in expected:
            assert f'href="../../postmortems/{pm.id}/"' in pages[index], (pm.id, index)
        assert f'href="../postmortems/{pm.id}/"' in pages["actions/index.md"], "with items or under 'without'"


def test_home_page_is_generated_only_when_the_site_has_none(tmp_path):
    kb = loaded(make_kb(tmp_path / "kb"))
    assert "index.md" not in render_site(kb, today=TODAY)
    home = render_site(kb, include_home=True, today=TODAY)["index.md"]
    assert 'href="postmortems/2024-01-09-cache-stampede/"' in home and "<!--" not in home


def test_urls_of_pages_for_both_url_styles():
    assert page_url("tags/cache.md") == "tags/cache/" and page_url("tags/index.md") == "tags/"
    assert page_url("index.md") == "" and page_url("feed.xml") == "feed.xml"
    assert page_url("tags/cache.md", directory_urls=False) == "tags/cache.html"
    assert is_item_page("tags/cache.md") and not is_item_page("tags/index.md") and not is_item_page("metrics/index.md")


segment = st.text(alphabet="abc-", min_size=1, max_size=3)
docs_path = st.lists(segment, min_size=1, max_size=3).map(lambda parts: "/".join(parts) + ".md")


@given(docs_path, docs_path)
def test_links_between_pages_match_posixpath_relpath(from_page, to_page):
    assert link(from_page, to_page) == posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def test_metrics_show_medians_and_90th_percentiles_with_n_and_no_means():
    import random
    import statistics

    from postmortem_kb.metrics import format_duration
    from postmortem_kb.site.metrics_page import render_metrics_page
    from site_samples import synthetic

    rng = random.Random(7)
    postmortems = synthetic(60, start_year=2023)
    resolve = {}
    for n, pm in enumerate(postmortems):
        pm.meta["severity"] = ["SEV1", "SEV2"][n % 2]
        if n % 5 == 4:
            continue  # no times: counts as an incident, not towards a time
        start = dt.datetime.combine(pm.date, dt.time(8), dt.timezone.utc)
        pm.meta["started_at"] = start
        # One very long outage: a mean would follow it, the median does not.
        minutes = 5000 if n == 0 else rng.randint(10, 600)
        pm.meta["resolved_at"] = start + dt.timedelta(minutes=minutes)
        resolve[pm.id] = minutes * 60
    text = render_metrics_page(postmortems, ["SEV1", "SEV2"]).markdown
    assert "mean" not in text.lower().replace("a mean would", "")

    def cell(seconds: list[float]) -> str:
        p90 = statistics.quantiles(seconds, n=10, method="inclusive")[8]
        return (f"{format_duration(dt.timedelta(seconds=statistics.median(seconds)))} / "
                f"{format_duration(dt.timedelta(seconds=p90))} (n={len(seconds)})")

    values = list(resolve.values())
    overall = (f"| Time to resolve | {format_duration(dt.timedelta(seconds=statistics.median(values)))} | "
               f"{format_duration(dt.timedelta(seconds=statistics.quantiles(values, n=10, method='inclusive')[8]))} "
               f"| {len(values)} |")
    assert overall in text
    for severity, parity in (("SEV1", 0), ("SEV2", 1)):
        seconds = [resolve[pm.id] for n, pm in enumerate(postmortems) if n % 2 == parity and pm.id in resolve]
        row = next(line for line in text.splitlines() if line.startswith(f"| {severity} |"))
        assert row.endswith(f"| {cell(seconds)} |"), row
    rolling = text[text.index("## Rolling 90 days"):]
    end = dt.date(2023, 2, 28)  # the window 2022-12-01 .. 2023-02-28 holds the incidents of Jan and Feb
    members = [pm for pm in postmortems if end - dt.timedelta(days=89) <= pm.date <= end]
    row = next(line for line in rolling.splitlines() if line.startswith(f"| {end.isoformat()} |"))
    seconds = [resolve[pm.id] for pm in members if pm.id in resolve]
    assert row.startswith(f"| {end.isoformat()} | {len(members)} |") and row.endswith(f"| {cell(seconds)} |"), row
