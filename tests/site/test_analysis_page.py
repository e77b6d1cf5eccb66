"""/analysis/ from a real `mkdocs build --strict`: every figure equals what the front matter says.

The expected figures are computed here from the files' front matter
(PyYAML through python-frontmatter), not through `postmortem_kb.analysis`,
so the page and an independent reading must agree.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

import frontmatter
import pytest
from site_helpers import mkdocs_build
from site_samples import make_kb

TRIGGERS = ["deploy", "config-change", "capacity", "dependency", None, "vendor-outage"]
FACTORS = [["missing-alert", "no-staged-rollout"], ["missing-alert"], [], ["slow-rollback", "missing-alert"],
           ["config-drift"], ["no-staged-rollout"]]
DETECTIONS = ["alert", "customer-report", None, "automation", "alert"]
SERVICES = [["checkout"], ["search"], ["checkout", "payments"], ["search"], ["auth"], ["checkout"], ["payments"]]


def _postmortem(n: int, day: dt.date) -> str:
    trigger = TRIGGERS[n % len(TRIGGERS)]
    factors = FACTORS[n % len(FACTORS)]
    detection = DETECTIONS[n % len(DETECTIONS)]
    start = dt.datetime.combine(day, dt.time(9, 0), dt.timezone.utc)
    status = "draft" if n % 9 == 0 else "published"
    lines = ["---", f"title: Incident number {n}", f"date: {day.isoformat()}", "severity: SEV2", f"status: {status}",
             "authors: [lee]", "approvals: [{by: ana, date: " + day.isoformat() + "}]",
             f"services: [{', '.join(SERVICES[n % len(SERVICES)])}]"]
    if trigger:
        lines.append(f"trigger: {trigger}")
    if factors:
        lines.append(f"contributing_factors: [{', '.join(factors)}]")
    if detection:
        lines.append(f"detection: {detection}")
    if n % 4 != 3:  # some without times: they count as incidents, not towards time to detect
        lines += [f"started_at: {start.isoformat()}",
                  f"detected_at: {(start + dt.timedelta(minutes=3 + 7 * n)).isoformat()}"]
    lines += ["summary: Something broke.", "---", "", "## Summary", "", f"Incident {n}.", ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    today = dt.date.today()
    # Over about three years, so the per-year shares, the 12-month window and the 90-day repeats all have cases.
    days = [today - dt.timedelta(days=25 * n + (n % 3) * 11) for n in range(40)]
    samples = {f"{day.isoformat()}-incident-{n}.md": _postmortem(n, day) for n, day in enumerate(days)}
    root = make_kb(tmp_path_factory.mktemp("analysis"), samples)
    site = root / "site"
    result = mkdocs_build(root, site)
    assert result.returncode == 0, result.stderr
    return root, site, today


class _Figures(HTMLParser):
    """data-figure -> (count, [linked postmortem ids]) from the built page."""

    def __init__(self):
        super().__init__()
        self.figures: dict[str, tuple[int, list[str]]] = {}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-figure" in attrs:
            self.figures[attrs["data-figure"]] = (int(attrs["data-count"]), [])
            self._open = attrs["data-figure"] if tag == "details" else None
        elif tag == "a" and self._open is not None:
            match = re.search(r"postmortems/([^/]+)/$", attrs.get("href", ""))
            assert match, attrs
            self.figures[self._open][1].append(match.group(1))

    def handle_endtag(self, tag):
        if tag == "details":
            self._open = None


def _front_matter(root: Path) -> dict[str, dict]:
    return {path.stem: frontmatter.load(path).metadata for path in (root / "postmortems").glob("*.md")}


def _figures(site: Path) -> dict[str, tuple[int, list[str]]]:
    parser = _Figures()
    parser.feed((site / "analysis" / "index.html").read_text(encoding="utf-8"))
    return parser.figures


def test_triggers_per_year_equal_the_front_matter(built):
    root, site, _ = built
    figures = _figures(site)
    by_year: dict[int, list[str]] = defaultdict(list)
    for pm_id, meta in _front_matter(root).items():
        by_year[meta["date"].year].append(pm_id)
    assert len(by_year) >= 3
    for year, ids in by_year.items():
        assert figures[f"triggers:{year}:total"] == (len(ids), sorted(ids))
        groups = defaultdict(list)
        for pm_id in ids:
            groups[_front_matter(root)[pm_id].get("trigger") or "(none)"].append(pm_id)
        for trigger, members in groups.items():
            assert figures[f"triggers:{year}:{trigger}"] == (len(members), sorted(members)), (year, trigger)
        assert sum(figures[k][0] for k in figures if re.fullmatch(rf"triggers:{year}:(?!total$).+", k)) == len(ids)
    page = (site / "analysis" / "index.html").read_text(encoding="utf-8")
    # The share shown beside each count is that count out of its year.
    year = max(by_year)
    deploys = [i for i in by_year[year] if _front_matter(root)[i].get("trigger") == "deploy"]
    if deploys:
        assert f"{len(deploys)} ({round(100 * len(deploys) / len(by_year[year]))}%)" in page
    assert (site / "analysis" / "triggers-by-year.svg").is_file()
    assert re.search(r'<img alt="[^"]*share of incidents by trigger[^"]*" class="pm-chart-wide" src="triggers-by-year.svg"', page)


def test_top_factors_of_the_last_12_months_equal_the_front_matter(built):
    root, site, today = built
    figures = _figures(site)
    since = today - dt.timedelta(days=364)
    counts: dict[str, list[str]] = defaultdict(list)
    for pm_id, meta in _front_matter(root).items():
        if since <= meta["date"] <= today:
            for factor in dict.fromkeys(meta.get("contributing_factors") or []):
                counts[factor].append(pm_id)
    assert counts
    shown = {key.removeprefix("factors:"): value for key, value in figures.items() if key.startswith("factors:")}
    assert shown == {factor: (len(ids), sorted(ids)) for factor, ids in counts.items()}
    # Most frequent first.
    page = (site / "analysis" / "index.html").read_text(encoding="utf-8")
    order = [key for key in re.findall(r'data-figure="factors:([^"]+)"', page)]
    assert [len(counts[f]) for f in order] == sorted((len(ids) for ids in counts.values()), reverse=True)


def test_repeat_services_are_those_with_two_incidents_within_90_days(built):
    root, site, _ = built
    figures = _figures(site)
    dates: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    for pm_id, meta in _front_matter(root).items():
        for service in meta["services"]:
            dates[service].append((meta["date"], pm_id))
    expected = {}
    for service, seen in dates.items():
        seen.sort()
        repeats = {pm_id for (a, one), (b, two) in zip(seen, seen[1:]) if (b - a).days <= 90 for pm_id in (one, two)}
        if repeats:
            expected[service] = (len(repeats), sorted(repeats))
    assert expected
    shown = {key.removeprefix("repeats:"): value for key, value in figures.items() if key.startswith("repeats:")}
    assert shown == expected


def test_detection_methods_against_time_to_detect(built):
    root, site, _ = built
    figures = _figures(site)
    groups: dict[str, list[str]] = defaultdict(list)
    waits: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for pm_id, meta in _front_matter(root).items():
        method = meta.get("detection") or "(none)"
        groups[method].append(pm_id)
        if "started_at" in meta:
            waits[method].append((pm_id, (meta["detected_at"] - meta["started_at"]).total_seconds()))
    page = (site / "analysis" / "index.html").read_text(encoding="utf-8")
    for method, ids in groups.items():
        assert figures[f"detection:{method}"] == (len(ids), sorted(ids))
        timed = waits[method]
        assert figures[f"detection:{method}:time_to_detect"] == (len(timed), sorted(i for i, _ in timed))
        seconds = [s for _, s in timed]
        p90 = statistics.quantiles(seconds, n=10, method="inclusive")[8] if len(seconds) > 1 else seconds[0]
        summary = f"{_minutes(statistics.median(seconds))} / {_minutes(p90)} (n={len(seconds)})"
        assert f'data-figure="detection:{method}:time_to_detect" data-count="{len(seconds)}"><summary>{summary}<' in page
    assert Counter(k.split(":")[0] for k in figures)["detection"] == 2 * len(groups)


def _minutes(seconds: float) -> str:
    hours, minutes = divmod(int(seconds // 60), 60)
    return f"{hours}h {minutes}m" if hours and minutes else f"{hours}h" if hours else f"{minutes}m"


def test_every_figure_links_to_pages_that_exist_and_marks_drafts(built):
    root, site, _ = built
    page = (site / "analysis" / "index.html").read_text(encoding="utf-8")
    for pm_id, meta in _front_matter(root).items():
        entries = re.findall(rf'<a href="../postmortems/{pm_id}/">[^<]*</a> <span class="pm-date">[^<]*</span>( <span'
                             r' class="pm-status pm-status-draft">draft</span>)?</li>', page)
        assert entries, pm_id
        assert all(bool(marker) == (meta["status"] == "draft") for marker in entries), pm_id
    for key, (count, ids) in _figures(site).items():
        if ids:
            assert len(ids) == count, key
        for pm_id in ids:
            assert (site / "postmortems" / pm_id / "index.html").is_file(), (key, pm_id)
