"""Nothing reaches a reader's browser that an author did not mean.

Script, event-handler, `javascript:` and template payloads go into every
front matter field, into action-item cells, and into a Slack export that
`postmortem timeline import` merges; the whole site is built with the real
`mkdocs build`, and every HTML, SVG, XML and JSON file is parsed: no
element, attribute or link may come from a payload. Each payload carries
its own number, so a failure names the field it came from.

tests/site/test_site_build.py checks where the escaped text shows; this
file checks, over the whole site, that nothing else does.
"""

from __future__ import annotations

import html

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from robustness.reliability_cases import BUILD, BY_ID, TIMELINE, covers
from robustness.robust_helpers import postmortem
from site_helpers import mkdocs_build
from site_samples import make_kb

from conftest import VALID_POSTMORTEM

# What the template payload of number n shows if something evaluates it; it
# appears nowhere in the payload itself.
def evaluated(n: int) -> str:
    return f"jinjaran{n}"


def payloads(n: int) -> list[str]:
    """Every kind of injection, numbered `n`; none holds a `|` (it would split a table cell)."""
    return [
        f"<script>alert({n})</script>",
        f'"><img src=x onerror=alert({n})>',
        f"javascript:alert({n})",
        f"[click](javascript:alert({n}))",
        f"<a href='javascript:alert({n})'>link</a>",
        f"<svg onload=alert({n})>",
        f"{{{{ 'jinja' ~ 'ran' ~ {n} }}}} {{% if true %}}jinja{{% endif %}}ran{n}",
    ]


FIELD_NUMBERS = {"title": 1, "tags": 2, "authors": 3, "services": 4, "summary": 5, "severity": 6, "status": 7,
                 "related": 8, "template": 9, "timezone": 10}
ACTION_NUMBERS = range(20, 26)
SLACK_NUMBERS = range(30, 40)
FM_ID = "2024-01-09-front-matter-payloads"
ACTIONS_ID = "2024-01-10-action-payloads"


def front_matter_postmortem() -> str:
    lines = ["---"]
    for field, n in FIELD_NUMBERS.items():
        values = payloads(n)
        value = values if field in ("tags", "authors", "services", "related") else " ".join(values)
        lines.append(f"{field}: {json.dumps(value)}")
    lines.append("date: 2024-01-09")
    body = VALID_POSTMORTEM.split("\n---\n", 1)[1]
    return "\n".join(lines) + "\n---\n" + body


def actions_postmortem() -> str:
    cells = [payloads(n)[n % 6] for n in ACTION_NUMBERS]  # six cells, each a different kind
    return VALID_POSTMORTEM.replace("title: Cache stampede on the session store", "title: Action payloads").replace(
        "| Guard the flush command | lee | P2 | 2024-02-01 | open | OPS-1 |", "| " + " | ".join(cells) + " |")


def slack_export(folder: Path) -> Path:
    """A channel day whose messages, and whose users' names, carry the payloads (raw and as Slack escapes them)."""
    messages, users = [], []
    for k, n in enumerate(SLACK_NUMBERS):
        text = " ".join(payloads(n))
        if k % 2:
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # as Slack exports it
        messages.append({"type": "message", "user": f"U{n}", "text": text, "ts": f"{1704790800 + 60 * k}.000100"})
        users.append({"id": f"U{n}", "name": f"user{n}", "profile": {"display_name": f"<b onmouseover=alert({n})>u</b>"}})
    messages.append({"type": "message", "user": "U30", "text": "<javascript:alert(39)|click me> and <@U31>",
                     "ts": "1704791500.000100"})
    (folder / "incidents").mkdir(parents=True)
    (folder / "users.json").write_text(json.dumps(users), encoding="utf-8")
    day = folder / "incidents" / "2024-01-09.json"
    day.write_text(json.dumps(messages), encoding="utf-8")
    return day


class _Inspector(HTMLParser):
    """Collects every element, attribute and script text of one HTML document that a payload made."""

    URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.found.append(f"<script> running {data.strip()[:60]!r}")

    def _check(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            squeezed = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
            if name in self.URL_ATTRS and squeezed.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "svg") and tag != "svg":
            self.found.append(f"<{tag}>")


def html_problems(markup: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(markup)
    inspector.close()
    return inspector.found


def xml_problems(data: bytes) -> list[str]:
    found = []
    for element in ET.fromstring(data).iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "script":
            found.append("<script> element")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            if local.startswith("on") or (local == "href" and value.strip().lower().startswith("javascript:")):
                found.append(f"<{tag} {local}={value!r}>")
        # Atom text of type html is markup to a feed reader: it must be clean HTML too.
        if element.get("type") in ("html", "xhtml") and element.text:
            found += [f"feed {tag}: {p}" for p in html_problems(element.text)]
    return found


def json_problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    if path.name == "search_index.json":
        # Material shows search results as HTML: every title and text must be clean HTML.
        return [f"search {doc['location']}: {p}" for doc in data["docs"]
                for p in html_problems(doc.get("title", "")) + html_problems(doc.get("text", ""))]
    # Data files keep the text exact; a browser opening one must still see no markup.
    return ["raw markup in a data file"] if re.search(r"<(script|img|svg|a)\b", text, re.I) else []


def file_problems(path: Path) -> list[str] | None:
    """What a payload made in one file of the site; None for a file of a kind not inspected."""
    if path.suffix == ".html":
        return html_problems(path.read_text(encoding="utf-8"))
    if path.suffix in (".svg", ".xml"):
        return xml_problems(path.read_bytes())
    if path.suffix == ".json":
        return json_problems(path)
    return None


def site_problems(site: Path, allowed_on_own_page: set[int]) -> list[str]:
    problems = []
    own_page = f"postmortems/{ACTIONS_ID}/index.html"
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        found = file_problems(path)
        if found is None:
            continue
        if relative == own_page:
            # The author's own table is their markdown: its payloads render there as they wrote them.
            found = [p for p in found if not any(f"alert({n})" in p for n in allowed_on_own_page)]
        text = path.read_text(encoding="utf-8")
        found += [f"template evaluated: {evaluated(n)}" for n in [*FIELD_NUMBERS.values(), *SLACK_NUMBERS]
                  if evaluated(n) in text]
        problems += [f"{relative}: {p}" for p in found]
    return problems


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("kb"), {
        f"{FM_ID}.md": front_matter_postmortem(),
        f"{ACTIONS_ID}.md": actions_postmortem(),
        "2024-01-08-plain.md": VALID_POSTMORTEM,
    })
    day = slack_export(tmp_path_factory.mktemp("slack"))
    imported = postmortem(root, "timeline", "import", FM_ID, "--from", "slack", str(day))
    site = root / "site"
    built = mkdocs_build(root, site)
    return root, site, imported, built


@covers("front-matter-payloads", "action-item-payloads", "slack-payloads")
def test_no_payload_becomes_an_element_attribute_or_link_anywhere_on_the_site(payload_site):
    root, site, imported, built = payload_site
    assert imported.returncode == BY_ID["slack-payloads"].exit_code(TIMELINE), imported.stderr
    assert "added 11 row(s)" in imported.stdout
    assert built.returncode == BY_ID["front-matter-payloads"].exit_code(BUILD), built.stderr
    assert site_problems(site, allowed_on_own_page=set(ACTION_NUMBERS)) == []


def test_the_payloads_are_on_the_site_as_text(payload_site):
    """The check above is only worth something if the payloads reached the pages."""
    root, site, _, _ = payload_site
    page = (site / f"postmortems/{FM_ID}/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the title
    assert "onerror=alert(5)" in page  # the summary, as text
    for n in SLACK_NUMBERS:
        assert f"alert({n})" in page, n  # every Slack row, as text
    # As text: entities in the HTML, which a reader sees as the characters.
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "<b onmouseover=alert(31)>u</b>: " in shown, "Slack names are text too"
    ledger = (site / "actions/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(24)&lt;/script&gt;" in ledger or "alert(24)" in ledger
    tag_pages = [p for p in (site / "tags").iterdir() if p.is_dir()]
    assert len(tag_pages) >= 7


def test_the_check_catches_what_it_is_meant_to_catch():
    """The inspector itself: each kind of payload, unescaped, is caught; escaped, it is not."""
    for payload in payloads(99):
        rendered = payload.replace("[click](javascript:alert(99))", '<a href="javascript:alert(99)">click</a>')
        if "{{" in payload or payload.startswith("javascript:"):
            continue  # text, harmless unless something evaluates it or makes it a link
        assert html_problems(f"<p>{rendered}</p>"), payload
        escaped = rendered.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert html_problems(f"<p>{escaped}</p>") == [], payload
    assert html_problems("<script>console.log(1)</script><a href='https://example.org/'>ok</a>") == []
    assert xml_problems(b'<feed><summary type="html">&lt;img src=x onerror=alert(1)&gt;</summary></feed>')
