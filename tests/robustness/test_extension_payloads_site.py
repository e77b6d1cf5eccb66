"""Markdown-extension syntax from every way text enters the site, through a real build: only text comes out.

tests/robustness/test_markdown_escaper.py proves the escaper on its own;
this proves the site uses it everywhere. Hypothesis draws extension syntax
(attr_list's `{: ...}`, md_in_html's `<div markdown>`, `!!! note`, `[TOC]`,
raw HTML, emphasis, links ...) and puts it, numbered, into front-matter
values, action-item cells, a Slack export and a CSV timeline that
`postmortem timeline import` merges. The site is built with the real
`mkdocs build --strict` and compared with the same knowledge base holding
plain words in the same places: every page must have the same elements with
the same attribute names (only text may differ), and no file of the site
may hold an element, attribute or link a payload made. The browser test at
the end loads the pages of one such site in Chromium: no dialog opens and
no element carries an event handler.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from robustness.reliability_cases import covers
from robustness.robust_helpers import postmortem
from robustness.test_markdown_escaper import SYNTAX
from robustness.test_no_injection import file_problems
from site_helpers import mkdocs_build

from conftest import REPO, VALID_POSTMORTEM, write

FRONT_MATTER_FIELDS = ("title", "summary", "tags", "services", "authors")
ACTION_CELLS = 4  # action, owner, status-free cells of one row (see _actions_postmortem)
CHAT_MESSAGES = 4
CSV_ROWS = 4
SLOTS = len(FRONT_MATTER_FIELDS) + ACTION_CELLS + CHAT_MESSAGES + CSV_ROWS

FM_ID = "2024-01-09-front-matter"
ACTIONS_ID = "2024-01-10-actions"
CHAT_ID = "2024-01-11-chat"
CSV_ID = "2024-01-12-csv"

# Line breaks change a page's shape legitimately (a new row, a <br>); everything else must stay text.
_ONE_LINE = [piece for piece in SYNTAX if not piece.strip(" ") in ("", "\n", "\t") and "\n" not in piece]
_WORDS = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Co", "Zl", "Zp")), max_size=8)
payload = st.lists(st.one_of(st.sampled_from(_ONE_LINE), _WORDS), min_size=1, max_size=6).map("".join)
batches = st.lists(payload, min_size=SLOTS, max_size=SLOTS)


def _numbered(values: list[str]) -> list[str]:
    # A number first: no value is empty, and two never fold to the same tag.
    return [f"p{n} {value}".strip() for n, value in enumerate(values)]


def _front_matter_postmortem(values: list[str]) -> str:
    fields = dict(zip(FRONT_MATTER_FIELDS, values))
    meta = yaml.safe_load(VALID_POSTMORTEM.split("---\n")[1])
    meta.update(title=fields["title"], summary=fields["summary"], tags=[fields["tags"], "payloads"],
                services=[fields["services"]], authors=[fields["authors"]])
    body = VALID_POSTMORTEM.split("\n---\n", 1)[1]
    return "---\n" + "".join(f"{key}: {json.dumps(value, default=str, ensure_ascii=False)}\n" for key, value in meta.items()) + "---\n" + body


def _cell(text: str) -> str:
    # As an author writes a pipe inside a table cell. The author's own image link points into the page
    # (a missing local image would fail the strict build, rightly: it is the author's markdown).
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("(x.png)", "(#x)")


def _actions_postmortem(values: list[str]) -> str:
    action, owner, due_note, ticket = (_cell(v) for v in values)
    row = f"| {action} {due_note} | {owner} | P2 | 2024-02-01 | open | {ticket} |"
    return VALID_POSTMORTEM.replace("title: Cache stampede on the session store", "title: Action cells").replace(
        "| Guard the flush command | lee | P2 | 2024-02-01 | open | OPS-1 |", row)


def _plain_postmortem(title: str) -> str:
    return VALID_POSTMORTEM.replace("title: Cache stampede on the session store", f"title: {title}")


def _slack_day(folder: Path, values: list[str]) -> Path:
    messages = [{"type": "message", "user": "U1", "text": text, "ts": f"{1704963600 + 60 * k}.000100"}
                for k, text in enumerate(values)]
    (folder / "incident").mkdir(parents=True)
    (folder / "users.json").write_text(json.dumps([{"id": "U1", "name": "sam"}]), encoding="utf-8")
    day = folder / "incident" / "2024-01-11.json"
    day.write_text(json.dumps(messages), encoding="utf-8")
    return day


def _csv_file(folder: Path, values: list[str]) -> Path:
    path = folder / "events.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["time", "event"])
        for k, text in enumerate(values):
            writer.writerow([f"2024-01-12T10:{k:02d}:00Z", text])
    return path


def build_site(work: Path, values: list[str]) -> Path:
    """The knowledge base with `values` in every slot, imported and built; returns the site folder."""
    values = _numbered(values)
    fm, actions = values[:5], values[5:5 + ACTION_CELLS]
    chat = values[5 + ACTION_CELLS:5 + ACTION_CELLS + CHAT_MESSAGES]
    rows = values[5 + ACTION_CELLS + CHAT_MESSAGES:]
    root = work / "kb"
    (root / "docs").mkdir(parents=True)
    write(root / "docs/index.md", "# Postmortems\n\nThe knowledge base.\n")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("nav", None)
    config.pop("not_in_nav", None)
    write(root / "mkdocs.yml", yaml.safe_dump(config, sort_keys=False))
    write(root / f"postmortems/{FM_ID}.md", _front_matter_postmortem(fm))
    write(root / f"postmortems/{ACTIONS_ID}.md", _actions_postmortem(actions))
    write(root / f"postmortems/{CHAT_ID}.md", _plain_postmortem("Chat import"))
    write(root / f"postmortems/{CSV_ID}.md", _plain_postmortem("CSV import"))
    for target, source, path in ((CHAT_ID, "slack", _slack_day(work / "slack", chat)),
                                 (CSV_ID, "csv", _csv_file(work, rows))):
        imported = postmortem(root, "timeline", "import", target, "--from", source, str(path))
        assert imported.returncode == 0 and "Traceback" not in imported.stderr, imported.stderr
    site = root / "site"
    built = mkdocs_build(root, site)
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
    return site


class _Shape(HTMLParser):
    """The elements of a page in order, each with its attribute names: everything but text and values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.shape: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag, attrs):
        self.shape.append((tag, tuple(sorted(name for name, _ in attrs))))

    handle_startendtag = handle_starttag


def page_shape(path: Path) -> tuple:
    parser = _Shape()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return tuple(parser.shape)


def site_shapes(site: Path) -> Counter:
    """Every page's shape, by its path where the path is fixed, pooled where a payload names the page."""
    shapes: Counter = Counter()
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        named_by_value = relative.split("/")[0] in ("tags", "services") and relative.count("/") > 1
        shapes[("(a tag or service page)" if named_by_value else relative, page_shape(path))] += 1
    return shapes


def site_problems(site: Path) -> list[str]:
    own_table = f"postmortems/{ACTIONS_ID}/index.html"  # the author's markdown renders as they wrote it
    problems = []
    for path in sorted(site.rglob("*")):
        found = file_problems(path)
        relative = path.relative_to(site).as_posix()
        if found and relative != own_table:
            problems += [f"{relative}: {p}" for p in found]
    return problems


_baseline: dict[str, Counter] = {}


def baseline_shapes(tmp_path_factory) -> Counter:
    """The same knowledge base with plain words in every slot (built once: only the slots' count matters)."""
    if "shapes" not in _baseline:
        site = build_site(tmp_path_factory.mktemp("plain"), ["plain words"] * SLOTS)
        _baseline["shapes"] = site_shapes(site)
    return _baseline["shapes"]


def _examples() -> int:
    # A build per example: a few in `make test`, more in the long profile.
    return 25 if settings.get_current_profile_name() == "long" else 3


@covers("escaper-extensions")
# No shrinking: each step is a site build, and the failing example is printed as it is.
@settings(max_examples=_examples(), deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(batches)
# Found by this test: a title with a character beyond the BMP (an emoji) broke the page's meta block.
@example(["🔥 \U000276f4 title", '!!! danger "Title"', '<div markdown="1">---&amp;', "\\", "[^1]: note"]
         + ["plain words"] * (SLOTS - 5))
def test_extension_syntax_from_any_source_reaches_the_site_as_text_only(tmp_path_factory, values):
    expected = baseline_shapes(tmp_path_factory)
    site = build_site(tmp_path_factory.mktemp("payloads"), values)
    assert site_problems(site) == []
    # The author's own table (the actions postmortem's page) is their markdown: compare it too, as the
    # cells are escaped the way an author escapes a pipe, but its text may hold markdown of theirs.
    shapes = site_shapes(site)
    own = f"postmortems/{ACTIONS_ID}/index.html"
    differing = sorted({path for path, _ in (shapes - expected) + (expected - shapes) if path != own})
    assert differing == [], f"pages whose elements changed: {differing}"


def test_the_shape_check_sees_an_attribute_a_payload_would_add(tmp_path):
    one, two = tmp_path / "one.html", tmp_path / "two.html"
    one.write_text("<p>text</p>", encoding="utf-8")
    two.write_text('<p onfocus="alert(1)">text</p>', encoding="utf-8")
    assert page_shape(one) != page_shape(two)
    two.write_text("<p>other words &lt;b&gt;</p>", encoding="utf-8")
    assert page_shape(one) == page_shape(two)


@pytest.mark.e2e
def test_in_a_browser_no_payload_runs_or_adds_a_handler(tmp_path_factory):
    """Every extension piece at once, in every slot; each page opened in Chromium."""
    pytest.importorskip("playwright")
    from e2e.browser_support import CHROMIUM_ARGS, SiteServer, require_chromium  # noqa: PLC0415
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    executable = require_chromium()
    every = " ".join(_ONE_LINE)
    site = build_site(tmp_path_factory.mktemp("browser"), [every] * SLOTS)
    pages = [f"postmortems/{pid}/" for pid in (FM_ID, CHAT_ID, CSV_ID)] + ["actions/", "tags/", "", "metrics/"]
    with SiteServer(site) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        dialogs: list[str] = []
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for page in pages:
            tab.goto(server.url + page)
            tab.wait_for_load_state("networkidle")
            handlers = tab.evaluate("""() => [...document.querySelectorAll('*')].flatMap(el =>
                [...el.attributes].filter(a => a.name.startsWith('on') || a.name === 'autofocus')
                .map(a => el.tagName + ' ' + a.name))""")
            assert handlers == [], (page, handlers)
            tab.keyboard.press("Tab")  # an autofocus/onfocus payload would fire on focus
        browser.close()
    assert dialogs == []
    shutil.rmtree(site)
