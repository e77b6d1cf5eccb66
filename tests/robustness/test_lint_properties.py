"""Property-based tests: the real lint engine on random files on disk gives findings, never a traceback.

Every finding has the file's path, a line within the file and a rule;
every output format takes the findings. tests/lint/test_malformed_input.py
checks the rules on sampled scalars through the parser; here whole files
(random bytes, random front matter of any type, depth and size, random
markdown) go through `lint_paths`, as `postmortem lint` runs it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from robustness.profiles import bounded
from robustness.property_strategies import body, dump_front_matter, front_matter

from postmortem_kb import __version__
from postmortem_kb.config import load_config
from postmortem_kb.lint import formats
from postmortem_kb.lint.engine import lint_paths
from postmortem_kb.lint.registry import RULES

FILE_NAME = "2024-01-09-random.md"
# Problems the loader and the collection report, besides the registered rules.
LOAD_RULES = {"load-read", "load-size", "load-binary", "load-encoding", "load-front-matter", "load-yaml",
              "load-symlink", "duplicate-id"}


@pytest.fixture(scope="module")
def lint_kb(tmp_path_factory):
    root = tmp_path_factory.mktemp("lint-kb")
    (root / "postmortems").mkdir()
    return root


def lint_file(root: Path, data: bytes):
    path = root / "postmortems" / FILE_NAME
    path.write_bytes(data)
    report = lint_paths([], load_config(root))
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    last = text.count("\n") + 2
    assert report.files == 1
    for finding in report.findings:
        assert finding.path.endswith(FILE_NAME), finding
        assert 1 <= finding.line <= last and finding.column >= 1, finding
        assert finding.rule in RULES or finding.rule in LOAD_RULES, finding
        assert finding.message.strip(), finding
    # Every output format takes whatever the rules found.
    json.loads(formats.format_json(report.findings))
    json.loads(formats.format_sarif(report.findings, RULES, __version__))
    formats.format_github(report.findings, report.files)
    formats.format_text(report.findings, report.files)
    return report


@bounded(150)
@given(st.binary(max_size=3000), st.sampled_from([b"", b"---\n", b"\xef\xbb\xbf---\n", b"+++\n"]))
def test_random_bytes_lint_to_findings(lint_kb, data, prefix):
    lint_file(lint_kb, prefix + data)


@bounded(150)
@given(st.text(max_size=400), body)
def test_random_front_matter_text_lints_to_findings(lint_kb, front, markdown):
    lint_file(lint_kb, f"---\n{front}\n---\n{markdown}\n".encode("utf-8", "surrogatepass"))


@bounded(150)
@given(front_matter, body, st.booleans())
def test_random_typed_front_matter_and_markdown_lint_to_findings(lint_kb, meta, markdown, crlf):
    dumped = dump_front_matter(meta)
    if dumped is None:
        return
    text = f"---\n{dumped}---\n{markdown}\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    lint_file(lint_kb, text.encode("utf-8", "surrogatepass"))
