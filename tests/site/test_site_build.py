"""Real `mkdocs build --strict` runs through the plugin, checked in the built site.

One build of the sample knowledge base (site_samples.py) serves most tests
here; the tests that need a different knowledge base build their own.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import VALID_POSTMORTEM, write
from site_helpers import external_fetches, javascript_fetch_triggers, mkdocs_build
from site_samples import ACTION_INJECTED, FRONT_MATTER_INJECTED, make_kb

POSTMORTEM = "postmortems/2024-01-09-cache-stampede/index.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(knowledge base root, built site) for the sample knowledge base."""
    root = make_kb(tmp_path_factory.mktemp("kb"))
    site = root / "site"
    result = mkdocs_build(root, site)
    assert result.returncode == 0, result.stderr
    return root, site


def read(site, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def article(html: str) -> str:
    """The page's own content, without the theme's navigation."""
    return html[html.index("<article"): html.index("</article>")]


def test_postmortem_page_has_header_card_timeline_related_and_source(built):
    _, site = built
    page = article(read(site, POSTMORTEM))
    card = page[page.index('class="pm-card"'): page.index("</dl>")]
    assert 'class="pm-badge pm-sev-sev2 pm-sev-rank-2">SEV2<' in card and ">published<" in card
    assert "Duration 2h" in card  # started 10:00, resolved 12:00
    assert re.search(r"<dt>Time to detect</dt>\s*<dd>4m <span", card)
    assert re.search(r"<dt>Time to mitigate</dt>\s*<dd>30m <span", card)
    assert re.search(r"<dt>Time to resolve</dt>\s*<dd>2h <span", card)
    assert "2024-01-09 10:00 +0100" in card
    assert 'href="../../tags/server-infra/"' in card and 'href="../../services/sessions/"' in card
    assert "<dd>lee</dd>" in card
    # The author's timeline table sits in the styled timeline block, every row kept.
    timeline = page[page.index('class="pm-timeline"'):]
    timeline = timeline[: timeline.index("</div>")]
    assert timeline.count("<tr>") == 4 and "Cache warmed; latency normal" in timeline
    # Related: the older disk-full postmortem shares server-infra and cache.
    related = page[page.index('id="related-incidents"'):]
    assert 'href="../2023-05-01-disk-full/"' in related and "shares server-infra, cache" in related
    # Without source_url_template the page names the file and links nowhere.
    assert "Source: postmortems/2024-01-09-cache-stampede.md" in page and "Edit source" not in page


def test_related_names_unknown_ids_as_missing_not_as_broken_links(built):
    _, site = built
    page = article(read(site, "postmortems/2022-08-15-sparse/index.html"))
    related = page[page.index('id="related-incidents"'):]
    assert 'href="../2024-01-09-cache-stampede/"' in related and "named in <code>related:</code>" in related
    assert "2019-01-01-gone — not in the knowledge base" in related and "2019-01-01-gone/" not in related


def test_missing_values_show_as_missing_and_never_guessed(built):
    _, site = built
    page = article(read(site, "postmortems/2022-08-15-sparse/index.html"))
    for label in ("Started", "Time to detect", "Time to mitigate", "Time to resolve", "Services", "Tags", "Authors"):
        assert re.search(rf"<dt>{label}</dt>\s*<dd>—</dd>", page), label
    assert "Duration —" in page
    assert 'pm-sev-unknown" title="not one of the configured severities">catastrophic<' in page
    undated = article(read(site, "postmortems/undated/index.html"))
    assert re.search(r"<dt>Date</dt>\s*<dd>—</dd>", undated) and "no severity" in undated and "no status" in undated


def test_every_postmortem_appears_on_every_index_it_belongs_to(built):
    _, site = built
    tag = article(read(site, "tags/server-infra/index.html"))
    assert tag.index("Cache stampede") < tag.index("Older disk full"), "newest first"
    assert "A cache flush sent every request" in tag and "2h" in tag and "2024-01-09" in tag
    assert "Sparse one" in read(site, "tags/none/index.html") and "Undated and unlabelled" in read(site, "tags/none/index.html")
    assert 'href="../../postmortems/2024-01-09-cache-stampede/"' in read(site, "services/sessions/index.html")
    assert "Sparse one" in read(site, "services/none/index.html")
    assert "Older disk full" in read(site, "severities/sev1/index.html")
    assert "Sparse one" in read(site, "severities/catastrophic/index.html")
    assert "Not a configured severity" in read(site, "severities/catastrophic/index.html")
    assert "Undated and unlabelled" in read(site, "severities/none/index.html")
    assert "No postmortems yet" in read(site, "severities/sev4/index.html"), "configured levels have a page even when empty"
    assert "Cache stampede" in read(site, "archive/2024/index.html") and "January 2024" in read(site, "archive/2024/index.html")
    assert "Undated and unlabelled" in read(site, "archive/undated/index.html")
    for overview, links in (
        ("tags/index.html", ['href="server-infra/"', 'href="cache/"', 'href="none/"']),
        ("services/index.html", ['href="sessions/"', 'href="build-host/"', 'href="none/"']),
        ("severities/index.html", ['href="sev1/"', 'href="sev4/"', 'href="catastrophic/"', 'href="none/"']),
        ("archive/index.html", ['href="2024/"', 'href="2021/"', 'href="undated/"']),
    ):
        text = article(read(site, overview))
        assert all(link in text for link in links), overview
    counts = article(read(site, "tags/index.html"))
    assert re.search(r'href="server-infra/">server-infra</a></td>\s*<td>2</td>', counts)


def test_action_ledger_lists_open_first_flags_overdue_and_links_back(built):
    _, site = built
    page = article(read(site, "actions/index.html"))
    open_part = page[page.index('id="open-'): page.index('id="closed-')]
    closed_part = page[page.index('id="closed-'): page.index('id="postmortems-without-action-items')]
    assert "Guard the flush command" in open_part and 'class="pm-overdue">overdue<' in open_part
    assert "OPS-1" in open_part and "lee" in open_part and "2024-02-01" in open_part
    assert 'href="../postmortems/2024-01-09-cache-stampede/"' in open_part
    assert "Rotate build logs" in closed_part and "overdue" not in closed_part
    without = page[page.index('id="postmortems-without-action-items'):]
    assert "Sparse one" in without and "Undated and unlabelled" in without


def test_metrics_page_has_svg_charts_with_alt_text_and_tables(built):
    _, site = built
    page = article(read(site, "metrics/index.html"))
    images = re.findall(r'<img alt="([^"]+)" class="pm-chart-wide" src="([^"]+\.svg)"', page)
    narrow = re.findall(r'<img alt="([^"]+)" class="pm-chart-narrow" src="([^"]+)-narrow\.svg"', page)
    assert len(images) == 5
    # Each chart has a phone drawing too (its labels stay readable at 390 px).
    assert [(alt, src + ".svg") for alt, src in narrow] == images
    for alt, src in images + [(alt, src + "-narrow.svg") for alt, src in narrow]:
        assert "table below" in alt
        svg = (site / "metrics" / src).read_text(encoding="utf-8")
        ET.fromstring(svg.encode("utf-8"))  # well-formed
        assert "<title>" in svg
    assert re.search(r"<td>2024-01</td>\s*<td>0</td>\s*<td>1</td>", page), "month row: SEV1 0, SEV2 1"
    assert "1 undated postmortem counts in the totals" in page
    assert "(n=1)" in page and "4m" in page
    assert re.search(r'href="../tags/server-infra/">server-infra</a></td>\s*<td>2</td>', page)


def test_api_json_and_atom_feed(built):
    _, site = built
    data = json.loads(read(site, "api/postmortems.json"))
    by_id = {pm["id"]: pm for pm in data["postmortems"]}
    assert set(by_id) == {"2024-01-09-cache-stampede", "2023-05-01-disk-full", "2022-08-15-sparse", "undated",
                          "2021-03-03-hostile"}
    cache = by_id["2024-01-09-cache-stampede"]
    assert cache["url"] == "postmortems/2024-01-09-cache-stampede/"
    assert cache["source"] == "postmortems/2024-01-09-cache-stampede.md"
    assert cache["durations_seconds"] == {"time_to_detect": 240, "time_to_mitigate": 1800, "time_to_resolve": 7200}
    assert cache["action_items"][0]["action"] == "Guard the flush command" and cache["action_items"][0]["is_open"]
    assert by_id["undated"]["date"] is None and by_id["undated"]["durations_seconds"]["time_to_resolve"] is None
    assert by_id["2021-03-03-hostile"]["title"].startswith("<script>"), "data is exact once parsed"
    assert (site / by_id["2022-08-15-sparse"]["url"] / "index.html").is_file()

    feed = ET.fromstring((site / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles[0] == "Cache stampede on the session store" and len(titles) == 5
    first = feed.find("a:entry", ns)
    href = first.find("a:link", ns).get("href")
    assert href == "postmortems/2024-01-09-cache-stampede/" and (site / href / "index.html").is_file()


def test_front_matter_and_action_items_never_become_markup(built):
    _, site = built
    for path in site.rglob("*"):
        if path.suffix not in (".html", ".svg", ".xml", ".json") or path.name == "search_index.json":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in FRONT_MATTER_INJECTED:
            assert needle not in text, (path, needle)
        if "2021-03-03-hostile" not in path.as_posix():
            for needle in ACTION_INJECTED:
                assert needle not in text, (path, needle)
    page = read(site, "postmortems/2021-03-03-hostile/index.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;" in page
    ledger = article(read(site, "actions/index.html"))
    assert "&lt;img src=y onerror=alert(6)&gt;" in ledger and "&lt;u&gt;eve&lt;/u&gt;" in ledger
    # The hostile tag is a chart label: escaped SVG text, and its $...$ is not read as maths.
    top_tags = read(site, "metrics/top-tags.svg")
    assert "&lt;img src=x onerror=alert(3)&gt;" in top_tags and "$\\frac{a}{b}$" in top_tags


def test_nothing_on_the_site_is_fetched_from_the_internet(built):
    _, site = built
    assert external_fetches(site) == []
    assert javascript_fetch_triggers(site) == []
    # With the default config the generated pages do not even link out.
    for folder in ("postmortems", "tags", "services", "severities", "archive", "actions", "metrics"):
        for html in (site / folder).rglob("*.html"):
            assert not re.search(r'href="(?:https?:)?//', article(html.read_text(encoding="utf-8"))), html


def test_home_fills_latest_and_generated_pages_stay_out_of_the_sidebar(built):
    _, site = built
    home = read(site, "index.html")
    assert "postmortems/2024-01-09-cache-stampede/" in home and "<!-- postmortems:latest -->" not in home
    nav = home[home.index("md-nav--primary"): home.index("md-sidebar--secondary")]
    assert "cache-stampede" not in nav and "server-infra" not in nav
    for overview in ("tags/", "services/", "severities/", "archive/", "actions/", "metrics/"):
        assert f'href="{overview}"' in nav, overview


def test_search_index_finds_a_word_of_a_postmortem_body(built):
    _, site = built
    index = json.loads(read(site, "search/search_index.json"))
    hits = {doc["location"].split("#")[0] for doc in index["docs"] if "zanzibar" in doc["text"]}
    assert hits == {"postmortems/2024-01-09-cache-stampede/"}


def test_edit_link_follows_source_url_template(kb, tmp_path):
    write(kb / "postmortems/2024-01-09-cache-stampede.md", VALID_POSTMORTEM)
    write(kb / "postmortem-kb.yml", 'source_url_template: "https://git.example.com/team/kb/-/blob/main/{path}"\n')
    site = tmp_path / "site"
    result = mkdocs_build(kb, site)
    assert result.returncode == 0, result.stderr
    page = read(site, POSTMORTEM)
    assert ('<a class="pm-edit" href="https://git.example.com/team/kb/-/blob/main/postmortems/'
            '2024-01-09-cache-stampede.md">Edit source</a>') in page


def test_broken_postmortem_fails_the_build_naming_file_and_line(kb, tmp_path):
    write(kb / "postmortems/2024-01-09-cache.md", VALID_POSTMORTEM)
    write(kb / "postmortems/2024-02-02-broken.md", "---\ntitle: [oops\n---\n## Summary\n")
    (kb / "postmortems/2024-02-03-latin1.md").write_bytes(b"---\ntitle: x\n---\ncaf\xe9\n")
    result = mkdocs_build(kb, tmp_path / "site")
    assert result.returncode != 0
    assert "postmortems/2024-02-02-broken.md:2" in result.stderr and "not valid YAML" in result.stderr
    assert "postmortems/2024-02-03-latin1.md:4" in result.stderr and "not UTF-8" in result.stderr


def test_with_on_load_error_warn_the_broken_file_is_listed_and_strict_still_fails(kb, tmp_path):
    write(kb / "postmortems/2024-01-09-cache.md", VALID_POSTMORTEM)
    write(kb / "postmortems/2024-02-02-broken.md", "---\ntitle: [oops\n---\n## Summary\n")
    config = (kb / "mkdocs.yml").read_text(encoding="utf-8")
    (kb / "mkdocs.yml").write_text(config.replace("  - postmortems\n", "  - postmortems:\n      on_load_error: warn\n"))
    strict = mkdocs_build(kb, tmp_path / "strict")
    assert strict.returncode != 0 and "postmortems/2024-02-02-broken.md:2" in strict.stderr
    site = tmp_path / "site"
    import subprocess
    import sys

    lenient = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)], cwd=kb,
                             capture_output=True, text=True)
    assert lenient.returncode == 0, lenient.stderr
    errors = read(site, "postmortems/load-errors/index.html")
    assert "postmortems/2024-02-02-broken.md" in errors and "not valid YAML" in errors
    assert "could not be loaded" in read(site, "index.html")
    data = json.loads(read(site, "api/postmortems.json"))
    assert data["load_errors"][0]["path"].endswith("2024-02-02-broken.md")
