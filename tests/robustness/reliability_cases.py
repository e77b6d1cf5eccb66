"""The cases of docs/reliability.md: one list that the page and the tests share.

Every case has an id, what goes in, the message a person sees, the exit
code of each command involved, and what stays untouched. The tables on the
reliability page are rendered from this list (between `<!-- cases:GROUP -->`
markers), test_reliability_doc.py fails when the page and the list differ,
and every case id must be claimed by a test through `@covers(...)`. So a
row cannot be added, dropped or reworded in one place only.

A message is shown verbatim, except that `…` stands for a part that varies
(a path, a count); the tests match the real output against it that way.

To rewrite the tables after changing a case:

    .venv/bin/python tests/robustness/reliability_cases.py --write
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"

GROUPS = {
    "files": "Hostile and broken files",
    "new": "`postmortem new` and templates",
    "config": "A broken configuration",
    "writes": "Concurrent and interrupted writes",
    "browser": "What reaches a reader's browser",
    "attacks": "Attacks, by who can make them",
}


@dataclass(frozen=True)
class Case:
    id: str
    group: str
    input: str
    # What a person sees, `…` for the parts that vary; None when nothing goes wrong.
    message: str | None
    # (command, exit code); a str code for outcomes that are not an exit code.
    exits: tuple[tuple[str, int | str], ...]
    untouched: str
    # The commands whose output shows `message` (by default: those that fail).
    shown_by: tuple[str, ...] | None = None

    def showing_commands(self) -> tuple[str, ...]:
        if self.shown_by is not None:
            return self.shown_by
        return tuple(command for command, code in self.exits if code != 0)

    def exit_code(self, command: str) -> int | str:
        return dict(self.exits)[command]

    def matches(self, output: str) -> bool:
        """Does `output` contain this case's message (`…` matching anything on one line)?"""
        assert self.message is not None, self.id
        pattern = "[^\n]*?".join(re.escape(part) for part in self.message.split("…"))
        return re.search(pattern, output) is not None


LINT, BUILD, NEW, IMPORT, TIMELINE, MAKE = (
    "postmortem lint", "mkdocs build", "postmortem new", "postmortem import", "postmortem timeline import", "make site",
)

CASES: list[Case] = [
    # -- files -------------------------------------------------------------------
    Case("empty-file", "files", "An empty file, `postmortems/2024-01-01-empty.md`",
         "the file has no front matter; start it with a `---` block holding title, …",
         ((LINT, 1), (BUILD, 0)),
         "The file. The site lists it with every value shown as missing."),
    Case("front-matter-only", "files", "Front matter and no body",
         "section `## Summary` (or one of: Overview, Executive summary) is missing",
         ((LINT, 1), (BUILD, 0)),
         "The file."),
    Case("byte-order-mark", "files", "A valid postmortem saved with a UTF-8 byte-order mark",
         None, ((LINT, 0), (BUILD, 0)),
         "The file, mark included; it reads like any UTF-8 file."),
    Case("crlf-line-endings", "files", "A valid postmortem with Windows (CRLF) line endings",
         None, ((LINT, 0), (BUILD, 0)),
         "The file, line endings included; line numbers in findings are the editor's."),
    Case("not-utf8", "files", "Latin-1 bytes (`caf\\xe9`) on line 5",
         "postmortems/2024-01-01-latin1.md:5…byte 0xe9 at offset 27 is not UTF-8; re-save the file as UTF-8",
         ((LINT, 1), (BUILD, 1), (TIMELINE, 1)),
         "The file; the build stops rather than publish a site without it, and `timeline import` will not "
         "merge into it."),
    Case("binary-file", "files", "A binary file named `.md`",
         "this is a binary file, not a markdown postmortem",
         ((LINT, 1), (BUILD, 1), (TIMELINE, 1)),
         "The file."),
    Case("twenty-megabytes", "files", "A 20 MB paste of logs",
         "the file is 20.… MB, over the 5 MB limit; move logs and dumps to attachments and link them",
         ((LINT, 1), (BUILD, 1), (TIMELINE, 1)),
         "The file; it is refused in well under a second, never parsed."),
    Case("billion-laughs", "files", "YAML aliases nested ten deep (billion laughs)",
         "front matter expands to more than 10,000 values (YAML aliases such as '&a' / '*a' repeated); "
         "write the values out instead of aliasing them",
         ((LINT, 1), (BUILD, 1)),
         "The file; the aliases are never expanded."),
    Case("python-tag", "files", "`title: !!python/object/apply:os.system [...]`",
         "front matter is not valid YAML: could not determine a constructor for the tag "
         "'tag:yaml.org,2002:python/object/apply:os.system'",
         ((LINT, 1), (BUILD, 1)),
         "The file; no object is constructed and the command never runs (YAML is read with the safe loader)."),
    Case("duplicate-ids", "files", "`postmortems/2024-01-09-cache.md` and `postmortems/2024/2024-01-09-cache.md`",
         "id '2024-01-09-cache' is also used by postmortems/2024/2024-01-09-cache.md; ids (file names) must be unique",
         ((LINT, 1), (BUILD, 1)),
         "Both files; neither replaces the other's page."),
    Case("non-ascii-file-name", "files", "`postmortems/2024-01-09 café outage.md`",
         "file name `2024-01-09 café outage.md` is not `YYYY-MM-DD-slug.md`; rename it, e.g. to …",
         ((LINT, 1), (BUILD, 0)),
         "The file; its page is built, under its own name."),
    Case("symlink-outside", "files", "`postmortems/2024-01-09-link.md`, a symlink to a file outside the knowledge base",
         "this symlink points outside the postmortems folder and is refused (it could publish or overwrite any file); copy the file in instead",
         ((LINT, 1), (BUILD, 1), (TIMELINE, 1)),
         "The link and its target; the target's text reaches no page, and `timeline import` does not write through it."),
    # -- new -------------------------------------------------------------------------
    Case("new-title-traversal", "new", '`postmortem new "../../x"`',
         "postmortems/2024-01-01-x.md", ((NEW, 0),),
         "Everything outside `postmortems/`: the title is kept as written in `title:`, the file name is its slug.",
         shown_by=(NEW,)),
    Case("new-template-traversal", "new", "`postmortem new x --template ../../etc/passwd`",
         "template name '../../etc/passwd' is not allowed: use letters, digits, '-' and '_' (a file .md.j2 in …)",
         ((NEW, 2),),
         "Everything: no file is read outside the template folders, none is written."),
    Case("template-syntax-error", "new", "A team template with `{% if %}` on line 3",
         "templates/broken.md.j2:3: template syntax error: Expected an expression, got 'end of statement block'",
         ((NEW, 1),),
         "Everything: no file is written."),
    Case("template-undefined-variable", "new", "A team template using `{{ incident_commander }}` on line 7",
         "templates/undefined.md.j2:7: template uses an undefined variable: 'incident_commander' is undefined; "
         "available: authors, date, …",
         ((NEW, 1),),
         "Everything: no file is written."),
    Case("new-title-template-markers", "new", '`postmortem new "{{ 7*191 }} {% if %}"`',
         "postmortems/2024-01-02-7-191-if.md", ((NEW, 0),),
         "The title, as written: it is a value in the template, never template code.",
         shown_by=(NEW,)),
    # -- config ----------------------------------------------------------------------
    Case("config-wrong-type", "config", "`severities: SEV1` in `postmortem-kb.yml`",
         "postmortem-kb.yml: severities: must be a list of strings",
         ((LINT, 2), (BUILD, 1)),
         "Every file."),
    Case("config-unknown-key", "config", "`severites: [SEV1]` (a typo) in `postmortem-kb.yml`",
         "postmortem-kb.yml: severites: unknown setting; known settings: …",
         ((LINT, 2), (BUILD, 1)),
         "Every file."),
    Case("config-invalid-yaml", "config", "`severities: [SEV1` (unclosed) on line 2 of `postmortem-kb.yml`",
         "postmortem-kb.yml: line 3: invalid YAML: …",
         ((LINT, 2), (BUILD, 1)),
         "Every file."),
    # -- writes ----------------------------------------------------------------------
    Case("two-new-same-title", "writes", "Two `postmortem new` with the same title, started at the same moment",
         "… already exists; nothing was written. Pick another title, or edit the existing file",
         ((NEW, "0 and 1"),),
         "One file, complete, from one of them; the other writes nothing.",
         shown_by=(NEW,)),
    Case("two-timeline-imports", "writes", "Two `postmortem timeline import` of different exports into one postmortem at once",
         None, ((TIMELINE, "0 and 0"),),
         "Every row of both exports, each exactly once; the rest of the file as it was."),
    Case("timeline-lock-held", "writes", "`timeline import --wait 1` while another import holds the postmortem's lock",
         "another `postmortem timeline import` into this postmortem held its lock (….lock) for over 1 s; nothing written",
         ((TIMELINE, 1),),
         "The postmortem."),
    Case("killed-new", "writes", "`postmortem new` killed (SIGKILL) at a random moment",
         None, ((NEW, "killed"),),
         "No file, or the complete one; never a truncated file."),
    Case("killed-import", "writes", "`postmortem import` killed at a random moment",
         None, ((IMPORT, "killed"),),
         "No file, or the complete one."),
    Case("killed-timeline-import", "writes", "`postmortem timeline import` killed at a random moment",
         None, ((TIMELINE, "killed"),),
         "The old file, or the complete new one; a leftover `.<name>.….tmp` is ignored and later removed."),
    Case("site-build-fails", "writes", "`make site` with a postmortem that cannot be loaded",
         "postmortems: 1 postmortem file(s) could not be loaded, so the site would be missing them: …",
         ((MAKE, 2),),
         "The previous `site/`, file for file."),
    Case("site-build-killed", "writes", "`make site` killed during the build",
         None, ((MAKE, "killed"),),
         "The previous `site/`, file for file."),
    Case("generate-disk-full", "writes", "`postmortem generate` stopped by a full disk halfway through its files",
         "cannot write to …: No space left on device", (("postmortem generate", 1),),
         "Every file already written is whole; the next `postmortem generate` into the same folder completes it."),
    # -- browser ---------------------------------------------------------------------
    Case("front-matter-payloads", "browser",
         "`<script>`, `\"><img onerror=…>`, `javascript:` links and `{{ }}` / `{% %}` in every front matter field",
         None, ((BUILD, 0),),
         "Every page shows them as text: no element, attribute or link comes from them."),
    Case("action-item-payloads", "browser", "The same payloads in action-item cells",
         None, ((BUILD, 0),),
         "The action ledger, the JSON and the feed show them as text. On the postmortem's own page they are the "
         "author's markdown body, rendered as written."),
    Case("slack-payloads", "browser", "The same payloads in Slack messages, imported with `timeline import`",
         None, ((TIMELINE, 0), (BUILD, 0)),
         "Every page, the postmortem's own included, shows them as text: imported text is escaped as it is merged."),
    # -- attacks (issue 13's red-team pass; the threat model on the page) ---------------------
    Case("symlink-out", "attacks", "`postmortems/2024-01-09-notes.md` a symlink to `../.git/config`",
         "this symlink points outside the postmortems folder and is refused …",
         ((LINT, 1), (TIMELINE, 1)),
         "The target: never published, never written through; `show` does not print it."),
    Case("symlink-loop", "attacks", "Two symlinks in `postmortems/` pointing at each other",
         "this symlink loops back on itself; remove it", ((LINT, 1),), "Every other postmortem is linted."),
    Case("fifo-md", "attacks", "A named pipe called `2024-01-02-pipe.md` in `postmortems/`",
         "this is a named pipe (FIFO), not a regular file; …", ((LINT, 1),),
         "Nothing hangs: lint, `list` and `show` answer at once."),
    Case("no-front-matter-target", "attacks", "`timeline import` into a file without front matter",
         "… has no front matter, so it is not a postmortem this tool wrote or imported; nothing written …",
         ((TIMELINE, 1),), "The file."),
    Case("duplicate-key", "attacks", "`severity: SEV1` and, further down, `severity: SEV4`",
         "`severity` is set twice (lines … and …); YAML keeps only the last, …", ((LINT, 1),), "The file."),
    Case("impossible-date", "attacks", "`date: 2024-02-30`",
         "front matter is not valid YAML: '2024-02-30' is not a real date or time …", ((LINT, 1),),
         "The finding is on the date's own line, not line 1."),
    Case("huge-number-title", "attacks", "`title: 0x` followed by 3,600 hex digits", None, ((LINT, 1),),
         "Lint goes on over the whole knowledge base; the title is text, and lint judges it."),
    Case("far-timestamp", "attacks", "`started_at: 9999-12-31T23:59:00-23:59`", None,
         (("postmortem list", 0), ("postmortem show", 0)),
         "No traceback: a time with no UTC instant counts as missing wherever durations are computed."),
    Case("far-dates-on-the-site", "attacks",
         "`started_at: 9999-12-31T23:59:00-23:59` and a postmortem dated year 1, built into the site", None,
         ((BUILD, 0),),
         "The feed's `<updated>` and `<published>` are valid RFC 3339; every page builds."),
    Case("control-char-in-tag", "attacks", "A tag holding a control character (`\\x07`) or a C1 control", None,
         ((BUILD, 0),),
         "Every SVG chart and the feed are well-formed XML: the characters XML forbids are dropped."),
    Case("csv-formula", "attacks", "A title `=HYPERLINK(\"http://x\",\"y\")`, exported with `list --format csv`",
         None, (("postmortem list", 0),), "The cell starts with `'`: a spreadsheet shows the text, runs nothing."),
    Case("terminal-escapes", "attacks", "ANSI and OSC 8 escape sequences in a title", None,
         ((LINT, 0), ("postmortem list", 0)), "No escape sequence reaches the terminal from lint, `list` or `show`."),
    Case("deep-json", "attacks", "A JSON export nested 200,000 levels deep, in each of the four JSON importers",
         "the JSON nests … levels deep, more than the 64 any … export has; …", ((TIMELINE, 1),), "The postmortem."),
    Case("slack-odd-types", "attacks", "Slack `subtype` as a list, a reaction `name` as a mapping, `--pinned-only`",
         None, ((TIMELINE, 0),), "No traceback: values of the wrong type are read as absent."),
    Case("csv-year-one", "attacks", "A CSV row at `0001-01-01T00:00+14:00`",
         "…:2: '0001-01-01T00:00+14:00' in column 'time' is not a date and time; …", ((TIMELINE, 1),),
         "The postmortem."),
    Case("csv-bad-quoting", "attacks", "A CSV cell over 131,072 characters, or a quote never closed",
         "…: not valid CSV (…); check the quotes on this row …", ((TIMELINE, 1),),
         "The postmortem: rows are never folded into one silently."),
    Case("import-over-limits", "attacks", "A 6,000-row export into one postmortem",
         "… the timeline would have 6,… rows, over the 5,000 a postmortem holds; nothing written. …",
         ((TIMELINE, 1),), "The postmortem: every writer checks the load limits before it writes."),
    Case("planted-lint-cache", "attacks",
         "A `.postmortem-cache/lint.json` that says \"no findings\" for a file holding an AWS key", None,
         ((LINT, 1),), "The finding: a cache entry not signed with this user's key is not believed."),
    Case("tracked-cache", "attacks", "`.postmortem-cache/` committed to git",
         "… is tracked by git, so its contents could come from anyone who can commit; it is ignored. …",
         ((LINT, 0),), "The cache is neither read nor written.", shown_by=(LINT,)),
    Case("stale-template-cache", "attacks", "A team template's `{# requires: ... #}` changed after a cached run",
         None, ((LINT, 1),), "The cached findings: the templates are part of the cache's key."),
    Case("secret-shapes", "attacks",
         "A PGP or PEM private key block (headers or a blank line after BEGIN), `AWS_SECRET_ACCESS_KEY=…`, "
         "`password: hunter2horse`, a `github_pat_` token; in prose, code or front matter",
         "this looks like a secret (…); remove it, rotate it, …", ((LINT, 1),),
         "Commit SHAs, UUIDs, trace ids and the DFDS corpus give no finding."),
    Case("escaper-extensions", "attacks",
         "attr_list `{: onfocus=… }`, `<div markdown>`, `!!! note`, `[TOC]` and friends in imported text",
         None, ((TIMELINE, 0), (BUILD, 0)),
         "The text shows as written; no element or attribute comes from it (a property test over every "
         "extension the site turns on)."),
    # Names are data, never paths (B).
    Case("value-named-index", "attacks", "A tag, service or severity named `index` (or `none`)",
         "tag `index` spells the site's own /tags/index/ page, so its page gets another URL; …",
         ((LINT, 0), (BUILD, 0)),
         "The overviews (/tags/, /services/, /severities/) and the no-value pages; the value gets "
         "`/tags/index--<hash>/`.", shown_by=(LINT,)),
    Case("values-fold-together", "attacks", "Tags `Server Infra` and `server-infra`",
         "tag `Server Infra` and `server-infra` fold to the same URL /tags/server-infra/: …",
         ((LINT, 0), (BUILD, 0)),
         "Both pages: `server-infra` keeps /tags/server-infra/, the other gets a hashed URL, whatever the "
         "order of the files.", shown_by=(LINT,)),
    Case("tag-300-characters", "attacks", "A 300-character tag",
         "tag `…` is 300 characters as a URL, over 80: its page gets a shortened URL; shorten the value",
         ((LINT, 0), (BUILD, 0)),
         "The build: the page's file name is cut to 80 characters with a hash, never `File name too long`.",
         shown_by=(LINT,)),
    Case("postmortem-named-load-errors", "attacks",
         "`postmortems/load-errors.md` beside a broken file, with `on_load_error: warn`", None,
         ((BUILD, 0),),
         "Both pages: the generated list stays at /postmortems/load-errors/, the postmortem's page is "
         "/postmortems/_load-errors/ (no postmortem file can start with `_`)."),
]

BY_ID = {case.id: case for case in CASES}
assert len(BY_ID) == len(CASES), "case ids must be unique"


def covers(*ids: str) -> Callable:
    """Mark a test as the one that checks these cases of the reliability page."""
    unknown = [i for i in ids if i not in BY_ID]
    assert not unknown, f"no such reliability case: {unknown}"

    def mark(test: Callable) -> Callable:
        test.reliability_cases = (*getattr(test, "reliability_cases", ()), *ids)
        return test

    return mark


# -- the page's tables ---------------------------------------------------------------


def _cell(text: str) -> str:
    # A pipe would end the cell, and an escaped one shows its backslash in a code span.
    assert "|" not in text, text
    return text


def _code(text: str) -> str:
    # Double backticks let a message hold single ones; spaces keep edge backticks apart.
    return f"`` {text} ``"


def render_table(group: str) -> str:
    lines = [
        "| Case | Input | Message | Exit code | Stays untouched |",
        "|------|-------|---------|-----------|-----------------|",
    ]
    for case in CASES:
        if case.group != group:
            continue
        message = _code(case.message) if case.message else "(none)"
        exits = "; ".join(f"`{command}` {code}" for command, code in case.exits)
        lines.append(
            f"| `{case.id}` | {_cell(case.input)} | {_cell(message)} | {_cell(exits)} | {_cell(case.untouched)} |"
        )
    return "\n".join(lines)


def marker(group: str) -> tuple[str, str]:
    return f"<!-- cases:{group} -->", f"<!-- /cases:{group} -->"


def tables_in(doc: str) -> dict[str, str]:
    """The text between each group's markers in the page."""
    found = {}
    for group in GROUPS:
        start, end = marker(group)
        if start in doc and end in doc:
            found[group] = doc[doc.index(start) + len(start): doc.index(end)].strip("\n")
    return found


def rewrite(doc: str) -> str:
    for group in GROUPS:
        start, end = marker(group)
        head, _, rest = doc.partition(start)
        _, _, tail = rest.partition(end)
        doc = f"{head}{start}\n{render_table(group)}\n{end}{tail}"
    return doc


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--write"]:
        from postmortem_kb.atomic import replace

        replace(DOC, rewrite(DOC.read_text(encoding="utf-8")))
        print(f"rewrote the tables of {DOC}")
    else:
        for name in GROUPS:
            print(render_table(name), end="\n\n")
