"""The analysis figures, on postmortems written to disk and loaded, against counts made here from the front matter."""

import datetime as dt
import json
import random
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import frontmatter
import pytest

from conftest import write
from postmortem_kb.analysis import (
    analyse,
    as_dict,
    detection_vs_time_to_detect,
    repeat_incidents,
    top_factors,
    triggers_by_year,
)
from postmortem_kb.config import KBConfig, load_config
from postmortem_kb.kb import load_knowledge_base

TODAY = dt.date(2024, 6, 30)


def postmortem(kb, pm_id, *, trigger=None, factors=(), detection=None, services=(), detect_minutes=None):
    date = dt.date.fromisoformat(pm_id[:10])
    lines = ["---", f"title: {pm_id}", f"date: {date}", "severity: SEV2", "status: published", "authors: [kim]",
             "tags: [x]", f"services: [{', '.join(services)}]"]
    if trigger:
        lines.append(f"trigger: {trigger}")
    if factors:
        lines.append(f"contributing_factors: [{', '.join(factors)}]")
    if detection:
        lines.append(f"detection: {detection}")
    if detect_minutes is not None:
        lines.append(f"started_at: {date}T10:00:00+00:00")
        start = dt.datetime.combine(date, dt.time(10), dt.timezone.utc)
        lines.append(f"detected_at: {(start + dt.timedelta(minutes=detect_minutes)).isoformat()}")
    lines += ["---", "", "## Summary", "", "Text.", ""]
    write(kb / "postmortems" / f"{pm_id}.md", "\n".join(lines))


@pytest.fixture
def generated_kb(kb):
    rng = random.Random(11)
    triggers = ["deploy", "config-change", "capacity", "dependency", "unknown"]
    factors = ["missing-alert", "slow-rollback", "no-staged-rollout", "tooling-gap", "knowledge-gap"]
    detections = ["alert", "customer-report", "internal-report"]
    used = set()
    for n in range(120):
        date = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365 + 180))
        pm_id = f"{date}-incident-{n}"
        used.add(pm_id)
        postmortem(kb, pm_id,
                   trigger=rng.choice(triggers + [None]),
                   factors=rng.sample(factors, rng.randrange(0, 3)),
                   detection=rng.choice(detections + [None]),
                   services=rng.sample(["api", "db", "queue", "web"], rng.randrange(0, 3)),
                   detect_minutes=rng.choice([None, rng.randrange(1, 600)]))
    # A value outside the vocabulary still counts (lint reports it).
    postmortem(kb, "2024-05-01-typo", trigger="deploys", detection="pager")
    return kb


def loaded(kb):
    return load_knowledge_base(kb).loaded


def front_matter(kb):
    """id -> front matter, read with python-frontmatter rather than the loader."""
    return {path.stem: frontmatter.load(path).metadata for path in sorted((kb / "postmortems").glob("*.md"))}


def test_shares_by_trigger_per_year_equal_counts_from_front_matter(generated_kb):
    config = load_config(generated_kb)
    table = triggers_by_year(loaded(generated_kb), config)
    metas = front_matter(generated_kb)
    expected: dict[int, Counter] = defaultdict(Counter)
    ids: dict[tuple[int, str], list[str]] = defaultdict(list)
    for pm_id, meta in metas.items():
        trigger = meta.get("trigger") or "(none)"
        expected[meta["date"].year][trigger] += 1
        ids[(meta["date"].year, trigger)].append(pm_id)
    assert [year.year for year in table.years] == sorted(expected)
    for year in table.years:
        assert year.total == sum(expected[year.year].values())
        assert {t: s.count for t, s in year.by_trigger.items()} == dict(expected[year.year])
        for trigger, share in year.by_trigger.items():
            assert share.ids == tuple(sorted(ids[(year.year, trigger)]))
            assert share.share == pytest.approx(expected[year.year][trigger] / year.total)
        assert sum(s.share for s in year.by_trigger.values()) == pytest.approx(1.0)
    # Vocabulary order, then values outside it, then "(none)".
    vocabulary = [t for t in config.triggers if t in table.triggers]
    assert table.triggers == vocabulary + ["deploys", "(none)"]


def test_top_factors_of_the_last_12_months(generated_kb):
    config = load_config(generated_kb)
    top = top_factors(loaded(generated_kb), config, TODAY, limit=3)
    since = TODAY - dt.timedelta(days=364)
    window = {i: m for i, m in front_matter(generated_kb).items() if since <= m["date"] <= TODAY}
    counts = Counter(f for m in window.values() for f in m.get("contributing_factors", []))
    ranked = sorted(counts, key=lambda f: (-counts[f], list(config.contributing_factors).index(f)))
    assert [(f.factor, f.count) for f in top.factors] == [(f, counts[f]) for f in ranked[:3]]
    assert top.more == len(counts) - 3
    for factor in top.factors:
        assert factor.ids == tuple(sorted(i for i, m in window.items() if factor.factor in m.get("contributing_factors", [])))
        assert factor.total == len(window) and factor.description == config.contributing_factors[factor.factor]
    assert top.incidents == tuple(sorted(window))
    assert top.without_factors == tuple(sorted(i for i, m in window.items() if not m.get("contributing_factors")))
    assert (top.since, top.until) == (since, TODAY)


def test_repeat_incidents_within_90_days(kb):
    postmortem(kb, "2024-01-01-a", services=["api", "db"])
    postmortem(kb, "2024-03-31-b", services=["api"])  # 90 days after a: a repeat
    postmortem(kb, "2024-09-01-c", services=["api"])  # 154 days after b: a repeat of nothing
    postmortem(kb, "2024-09-20-d", services=["api"])
    postmortem(kb, "2024-01-02-e", services=["db"])
    postmortem(kb, "2024-04-02-f", services=["db"])  # 91 days after e: not a repeat
    postmortem(kb, "2024-05-01-g", services=["queue"])
    [api, db] = repeat_incidents(loaded(kb))
    assert api.service == "api" and api.ids == ("2024-01-01-a", "2024-03-31-b", "2024-09-01-c", "2024-09-20-d")
    assert api.runs == (("2024-01-01-a", "2024-03-31-b"), ("2024-09-01-c", "2024-09-20-d"))
    assert api.shortest_gap_days == 19 and api.incidents == 4
    assert db.service == "db" and db.runs == (("2024-01-01-a", "2024-01-02-e"),) and db.incidents == 3


def test_repeats_match_pairs_counted_here(generated_kb):
    metas = front_matter(generated_kb)
    expected = defaultdict(set)
    for a, ma in metas.items():
        for b, mb in metas.items():
            shared = set(ma.get("services") or []) & set(mb.get("services") or [])
            if a != b and abs((ma["date"] - mb["date"]).days) <= 90:
                for service in shared:
                    expected[service] |= {a, b}
    found = {r.service: set(r.ids) for r in repeat_incidents(loaded(generated_kb))}
    assert found == dict(expected)


def test_detection_method_against_time_to_detect(generated_kb):
    config = load_config(generated_kb)
    rows = {row.method: row for row in detection_vs_time_to_detect(loaded(generated_kb), config)}
    metas = front_matter(generated_kb)
    for method in [*config.detection_methods, "pager", "(none)"]:
        members = {i: m for i, m in metas.items() if (m.get("detection") or "(none)") == method}
        if not members:
            assert method not in rows
            continue
        row = rows[method]
        assert row.count == len(members) and row.ids == tuple(sorted(members))
        minutes = [(m["detected_at"] - m["started_at"]).total_seconds() for m in members.values() if "detected_at" in m]
        assert row.time_to_detect.n == len(minutes)
        if minutes:
            assert row.time_to_detect.median.total_seconds() == pytest.approx(statistics.median(minutes))
    assert list(rows)[-2:] == ["pager", "(none)"]
    assert rows["alert"].description == config.detection_methods["alert"]


def test_analyse_bundles_every_figure(generated_kb):
    write(generated_kb / "postmortems/2024-06-01-broken.md", "---\ntitle: [unclosed\n---\n")
    kb = load_knowledge_base(generated_kb)
    result = analyse(kb.postmortems, kb.config, TODAY)
    assert result.count == len(kb.loaded) == 121
    assert sum(year.total for year in result.triggers.years) == 121
    assert result.factors.until == TODAY and result.repeats and result.detection
    record = json.loads(json.dumps(as_dict(result)))
    assert record["count"] == 121 and record["top_factors"]["until"] == TODAY.isoformat()
    first = record["triggers_by_year"]["years"][0]
    assert sum(cell["count"] for cell in first["by_trigger"].values()) == first["total"] == len(first["ids"])
    assert record["detection"][0]["time_to_detect"]["n"] == result.detection[0].time_to_detect.n


def test_empty_knowledge_base():
    result = analyse([], KBConfig(root=Path(".")), TODAY)
    assert result.triggers.years == [] and result.factors.factors == [] and result.repeats == []
    assert result.detection == []
