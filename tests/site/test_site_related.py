"""Related incidents: `related:` first, then the most shared tags and services, without all pairs."""

import time

from postmortem_kb.site.related import related_incidents
from site_samples import loaded, make_kb, synthetic


def test_named_related_come_first_then_most_shared(tmp_path):
    kb = loaded(make_kb(tmp_path / "kb"))
    related = related_incidents(kb.loaded)
    sparse = related["2022-08-15-sparse"]
    assert [(r.postmortem_id, r.named, r.postmortem is not None) for r in sparse] == [
        ("2024-01-09-cache-stampede", True, True), ("2019-01-01-gone", True, False),
    ]
    cache = related["2024-01-09-cache-stampede"]
    # disk-full shares server-infra and cache; hostile shares only cache.
    assert [r.postmortem_id for r in cache] == ["2023-05-01-disk-full", "2021-03-03-hostile"]
    assert cache[0].shared == ["server-infra", "cache"] and cache[1].shared == ["cache"]
    assert related["undated"] == []


def test_score_counts_tags_and_services_and_caps_the_list():
    postmortems = synthetic(
        12,
        tags_of=lambda n: ["a", "b"] if n % 2 else ["a"],
        services_of=lambda n: ["svc"] if n % 3 == 0 else [],
    )
    related = related_incidents(postmortems, top=3)
    me = next(pm for pm in postmortems if pm.title == "Incident 3")  # tags a, b; service svc
    entries = related[me.id]
    assert len(entries) == 3
    assert entries[0].postmortem.title == "Incident 9" and sorted(entries[0].shared) == ["a", "b", "svc"]
    assert all(len(e.shared) >= 2 for e in entries)


def test_a_tag_every_postmortem_shares_stays_linear():
    # 4,000 postmortems under one tag: all pairs would be 16 million comparisons.
    postmortems = synthetic(4000, tags_of=lambda n: ["kubernetes"])
    started = time.perf_counter()
    related = related_incidents(postmortems, neighbours=50)
    elapsed = time.perf_counter() - started
    middle = postmortems[2000]
    neighbours = {r.postmortem.title for r in related[middle.id]}
    # The nearest in time win among equals: incident numbers next to 1999.
    assert neighbours == {"Incident 1998", "Incident 2000", "Incident 1997", "Incident 2001", "Incident 1996"}
    assert elapsed < 5, f"{elapsed:.1f}s"
