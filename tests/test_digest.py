"""`postmortem digest`: what is new, newly published, newly overdue and waiting, in three formats."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import write
from postmortem_kb.cli import main
from postmortem_kb.digest import build_digest, parse_since, render_markdown, render_slack
from postmortem_kb.kb import load_knowledge_base

TODAY = dt.date.today()


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def postmortem(title: str, date: str, status: str, approvals: list[str] | None = None, rows: str = "") -> str:
    approved = "".join(f"  - {{by: rev{n}, date: {when}}}\n" for n, when in enumerate(approvals or []))
    return (f"---\ntitle: {title}\ndate: {date}\nseverity: SEV3\nstatus: {status}\nauthors: [a]\ntags: [t]\n"
            f"approvals:\n{approved or '  []'}\n---\n\n## Action items\n\n"
            "| Action | Owner | Priority | Due | Status | Ticket |\n|---|---|---|---|---|---|\n" + rows)


@pytest.fixture
def busy(kb):
    write(kb / f"postmortems/{day(-3)}-new-outage.md", postmortem("New <outage> & co", day(-3), "draft"))
    write(kb / f"postmortems/{day(-30)}-published-lately.md",
          postmortem("Published lately", day(-30), "published", [day(-2)]))
    write(kb / f"postmortems/{day(-60)}-published-long-ago.md",
          postmortem("Published long ago", day(-60), "published", [day(-50)],
                     rows=f"| Became late | a | P2 | {day(-4)} | open | - |\n"
                          f"| Late for ages | a | P2 | {day(-40)} | open | - |\n"
                          f"| Late by SLO | a | P1 |  | open | - |\n"))
    write(kb / f"postmortems/{day(-20)}-in-review.md", postmortem("In review", day(-20), "in-review"))
    return kb


def test_since(monkeypatch):
    assert parse_since("7d", dt.date(2025, 1, 10)) == dt.date(2025, 1, 3)
    assert parse_since("2w", dt.date(2025, 1, 15)) == dt.date(2025, 1, 1)
    assert parse_since("2024-12-01", dt.date(2025, 1, 15)) == dt.date(2024, 12, 1)
    with pytest.raises(ValueError):
        parse_since("a week", dt.date(2025, 1, 1))


def test_what_a_week_holds(busy):
    kb = load_knowledge_base(busy)
    digest = build_digest(kb.loaded, kb.config, TODAY - dt.timedelta(days=7), TODAY)
    assert [pm.title for pm in digest.new] == ["New <outage> & co"]
    assert [pm.title for pm in digest.published] == ["Published lately"]
    assert [e.item.action for e in digest.overdue] == ["Became late"]
    assert [(e.kind, e.postmortem.title) for e in digest.reviews] == [("awaiting", "In review")]
    month = build_digest(kb.loaded, kb.config, TODAY - dt.timedelta(days=35), TODAY)
    assert {e.item.action for e in month.overdue} == {"Became late", "Late by SLO"}  # due at incident + 28 days


def test_markdown_escapes_titles_and_links_to_the_site(busy, runner):
    result = runner.invoke(main, ["digest", "--site-url", "https://pm.example.com/"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith(f"# Postmortem digest, {day(-7)} to {TODAY.isoformat()}")
    assert f"[New &lt;outage&gt; &amp; co](https://pm.example.com/postmortems/{day(-3)}-new-outage/)" in text
    assert "## Reviews waiting" in text and "in review, 0/1 approvals, 20 days since the incident" in text


def test_json(busy, runner):
    data = json.loads(runner.invoke(main, ["digest", "--since", "7d", "--format", "json"]).output)
    assert [p["title"] for p in data["published"]] == ["Published lately"]
    assert data["published"][0]["published_on"] == day(-2)
    assert [i["action"] for i in data["became_overdue"]] == ["Became late"]
    assert data["reviews_waiting"][0]["kind"] == "awaiting" and data["new"][0]["url"] is None


def test_slack_block_kit(busy, runner):
    result = runner.invoke(main, ["digest", "--format", "slack", "--site-url", "https://pm.example.com"])
    message = json.loads(result.output)
    blocks = message["blocks"]
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["type"] == "plain_text"
    assert message["text"].endswith("1 new, 1 published, 1 action item(s) overdue, 1 waiting on review")
    sections = [b for b in blocks if b["type"] == "section"]
    assert all(b["text"]["type"] == "mrkdwn" and len(b["text"]["text"]) <= 3000 for b in sections)
    new = sections[0]["text"]["text"]
    assert f"<https://pm.example.com/postmortems/{day(-3)}-new-outage/|New &lt;outage&gt; &amp; co>" in new
    assert len(blocks) <= 50


def test_an_empty_week_and_long_lists(kb):
    kb_ = load_knowledge_base(kb)
    digest = build_digest(kb_.loaded, kb_.config, TODAY - dt.timedelta(days=7), TODAY)
    assert digest.empty and render_markdown(digest).count("None.") == 4
    for n in range(40):
        write(kb / f"postmortems/{day(-1)}-outage-{n}.md", postmortem(f"Outage {n}", day(-1), "draft"))
    kb_ = load_knowledge_base(kb)
    slack = json.loads(render_slack(build_digest(kb_.loaded, kb_.config, TODAY - dt.timedelta(days=7), TODAY)))
    assert "…and 25 more" in slack["blocks"][3]["text"]["text"]


def test_usage_errors(kb, runner):
    assert runner.invoke(main, ["digest", "--since", "soon"]).exit_code == 2
    assert runner.invoke(main, ["digest", "--since", day(3)]).exit_code == 2
    assert runner.invoke(main, ["digest", "--site-url", "javascript:alert(1)"]).exit_code == 2
