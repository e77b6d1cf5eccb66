"""The hostile and broken inputs of docs/reliability.md, through the real commands.

test_hostile_files.py checks what the loader makes of each file; here the
same files go through `postmortem lint` and `mkdocs build` as separate
processes, and each case's message, exit codes and "stays untouched"
(byte for byte) are checked against reliability_cases.py, the list the
page is rendered from.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest
from robustness.reliability_cases import BUILD, BY_ID, LINT, NEW, TIMELINE, covers
from robustness.robust_helpers import postmortem, snapshot
from site_helpers import mkdocs_build

from conftest import VALID_POSTMORTEM, write

# case id -> writes the case's files into (knowledge base, a folder outside it);
# may return a check run on (outputs by command, built site folder).
FILE_CASES: dict[str, Callable[[Path, Path], Callable | None]] = {}


def file_case(case_id: str):
    def register(setup):
        FILE_CASES[case_id] = setup
        return setup
    return register


def put(kb: Path, name: str, data: bytes) -> Path:
    path = kb / "postmortems" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@file_case("empty-file")
def _empty(kb, outside):
    put(kb, "2024-01-01-empty.md", b"")

    def check(outputs, site):
        assert (site / "postmortems/2024-01-01-empty/index.html").is_file()
    return check


@file_case("front-matter-only")
def _front_matter_only(kb, outside):
    put(kb, "2024-01-01-fm.md", b"---\ntitle: Only front matter\n---\n")


@file_case("byte-order-mark")
def _bom(kb, outside):
    put(kb, "2024-01-09-bom.md", b"\xef\xbb\xbf" + VALID_POSTMORTEM.encode())

    def check(outputs, site):
        page = (site / "postmortems/2024-01-09-bom/index.html").read_text(encoding="utf-8")
        assert "Cache stampede on the session store" in page and "\ufeff" not in page
    return check


@file_case("crlf-line-endings")
def _crlf(kb, outside):
    put(kb, "2024-01-09-crlf.md", VALID_POSTMORTEM.replace("\n", "\r\n").encode())

    def check(outputs, site):
        # A finding's line is the line in the editor, CRLF or not.
        line = VALID_POSTMORTEM.split("\n").index(next(x for x in VALID_POSTMORTEM.split("\n") if "Guard the flush" in x)) + 1
        assert f"2024-01-09-crlf.md:{line}:1: warning action-overdue" in outputs[LINT].stdout
        assert "Cache warmed; latency normal" in (site / "postmortems/2024-01-09-crlf/index.html").read_text("utf-8")
    return check


@file_case("not-utf8")
def _latin1(kb, outside):
    put(kb, "2024-01-09-cache.md", VALID_POSTMORTEM.encode())
    put(kb, "2024-01-01-latin1.md", b"---\ntitle: ok\n---\n\nSome caf\xe9 text\n")


@file_case("binary-file")
def _binary(kb, outside):
    put(kb, "2024-01-01-binary.md", bytes(range(256)) * 16)


@file_case("twenty-megabytes")
def _huge(kb, outside):
    put(kb, "2024-01-01-huge.md", b"---\ntitle: huge\n---\n" + (b"log line " * 100 + b"\n") * 24_000)


@file_case("billion-laughs")
def _bomb(kb, outside):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 10)]
    put(kb, "2024-01-01-bomb.md", ("---\ntitle: bomb\n" + "\n".join(lines) + "\ntags: *a9\n---\nbody\n").encode())


@file_case("python-tag")
def _python_tag(kb, outside):
    marker = outside / "pwned"
    put(kb, "2024-01-01-tag.md", f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n---\nx\n'.encode())

    def check(outputs, site):
        assert not marker.exists()
    return check


@file_case("duplicate-ids")
def _duplicates(kb, outside):
    put(kb, "2024-01-09-cache.md", VALID_POSTMORTEM.encode())
    put(kb, "2024/2024-01-09-cache.md", VALID_POSTMORTEM.replace("zanzibar", "okapi").encode())


@file_case("non-ascii-file-name")
def _non_ascii(kb, outside):
    put(kb, "2024-01-09 café outage.md", VALID_POSTMORTEM.encode())

    def check(outputs, site):
        assert "zanzibar" in (site / "postmortems/2024-01-09 café outage/index.html").read_text(encoding="utf-8")
    return check


@file_case("symlink-outside")
def _symlink(kb, outside):
    secret = write(outside / "secret.md", VALID_POSTMORTEM.replace("zanzibar", "secret-okapi"))
    (kb / "postmortems").mkdir(exist_ok=True)
    (kb / "postmortems/2024-01-09-link.md").symlink_to(secret)

    def check(outputs, site):
        assert not site.exists() or not any("secret-okapi" in p.read_text("utf-8", "replace")
                                            for p in site.rglob("*.html"))
    return check


# The cases whose file `postmortem timeline import` is also aimed at: it must refuse, and write nothing.
TIMELINE_TARGETS = {"not-utf8": "2024-01-01-latin1", "binary-file": "2024-01-01-binary",
                    "twenty-megabytes": "2024-01-01-huge", "symlink-outside": "2024-01-09-link"}


def test_every_file_case_of_the_page_is_set_up_here():
    assert set(FILE_CASES) == {case.id for case in BY_ID.values() if case.group == "files"}


def outputs_text(result) -> str:
    return result.stdout + result.stderr


@covers(*FILE_CASES)
@pytest.mark.parametrize("case_id", list(FILE_CASES))
def test_hostile_file_through_lint_and_build(case_id, kb, tmp_path):
    case = BY_ID[case_id]
    outside = tmp_path / "outside"
    outside.mkdir()
    check = FILE_CASES[case_id](kb, outside)
    events = write(tmp_path / "events.csv", "time,event\n2024-01-09 10:10,Someone looks\n")
    before = (snapshot(kb), snapshot(outside))

    site = tmp_path / "site"
    outputs = {LINT: postmortem(kb, "lint"), BUILD: mkdocs_build(kb, site)}
    assert (TIMELINE in dict(case.exits)) == (case_id in TIMELINE_TARGETS)
    if case_id in TIMELINE_TARGETS:
        outputs[TIMELINE] = postmortem(kb, "timeline", "import", TIMELINE_TARGETS[case_id], "--from", "csv", str(events))

    for command, code in case.exits:
        assert outputs[command].returncode == code, (command, outputs_text(outputs[command]))
    for command in case.showing_commands():
        assert case.matches(outputs_text(outputs[command])), (command, case.message, outputs_text(outputs[command]))
    if case.message is None:
        assert not re.search(r"error load-", outputs[LINT].stdout), outputs[LINT].stdout
    # No traceback anywhere, whatever the input.
    assert not any("Traceback" in outputs_text(result) for result in outputs.values())
    assert (snapshot(kb), snapshot(outside)) == before
    if check is not None:
        check(outputs, site)


# -- postmortem new ----------------------------------------------------------------


def new_files(kb: Path, before: dict[str, bytes]) -> dict[str, bytes]:
    after = snapshot(kb)
    assert all(after.get(name) == data for name, data in before.items()), "an existing file changed"
    return {name: data for name, data in after.items() if name not in before}


def check_case(case_id: str, result) -> None:
    case = BY_ID[case_id]
    assert result.returncode == case.exit_code(NEW), outputs_text(result)
    assert case.matches(outputs_text(result)), outputs_text(result)
    assert "Traceback" not in outputs_text(result)


@covers("new-title-traversal")
def test_new_with_a_title_aimed_at_parent_folders_writes_inside_postmortems(kb, tmp_path):
    before_outside = sorted(p.name for p in tmp_path.iterdir())
    before = snapshot(kb)
    result = postmortem(kb, "new", "../../x", "--no-input", "--date", "2024-01-01")
    check_case("new-title-traversal", result)
    assert list(new_files(kb, before)) == ["postmortems/2024-01-01-x.md"]
    assert 'title: "../../x"' in (kb / "postmortems/2024-01-01-x.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == before_outside


@covers("new-template-traversal")
def test_new_with_a_template_aimed_at_parent_folders_is_refused(kb, tmp_path):
    # The file the name points at exists, so only the name check stops it.
    write(tmp_path / "etc/passwd.md.j2", "---\ntitle: {{ title | yaml }}\n---\nfrom outside\n")
    before = snapshot(kb)
    result = postmortem(kb, "new", "x", "--no-input", "--template", "../../etc/passwd")
    check_case("new-template-traversal", result)
    assert new_files(kb, before) == {}


@covers("template-syntax-error")
def test_new_with_a_template_syntax_error_names_template_and_line(kb):
    write(kb / "templates/broken.md.j2", "---\ntitle: {{ title | yaml }}\n{% if %}\n---\n")
    before = snapshot(kb)
    check_case("template-syntax-error", postmortem(kb, "new", "y", "--no-input", "--template", "broken"))
    assert new_files(kb, before) == {}


@covers("template-undefined-variable")
def test_new_with_an_undefined_template_variable_names_template_and_line(kb):
    write(kb / "templates/undefined.md.j2",
          "---\ntitle: {{ title | yaml }}\ntemplate: {{ template }}\n---\n\n## Summary\n{{ incident_commander }}\n")
    before = snapshot(kb)
    check_case("template-undefined-variable", postmortem(kb, "new", "z", "--no-input", "--template", "undefined"))
    assert new_files(kb, before) == {}


@covers("new-title-template-markers")
def test_new_keeps_template_markers_in_a_title_as_text(kb):
    before = snapshot(kb)
    result = postmortem(kb, "new", "{{ 7*191 }} {% if %}", "--no-input", "--date", "2024-01-02")
    check_case("new-title-template-markers", result)
    [(name, data)] = new_files(kb, before).items()
    text = data.decode("utf-8")
    assert 'title: "{{ 7*191 }} {% if %}"' in text and "1337" not in text


# -- configuration -------------------------------------------------------------------

CONFIGS = {
    "config-wrong-type": "severities: SEV1\n",
    "config-unknown-key": "severites: [SEV1]\n",
    "config-invalid-yaml": "# team settings\nseverities: [SEV1\n",
}


@covers(*CONFIGS)
@pytest.mark.parametrize("case_id", list(CONFIGS))
def test_broken_config_names_the_key_in_lint_and_build(case_id, kb, tmp_path):
    case = BY_ID[case_id]
    write(kb / "postmortems/2024-01-09-cache.md", VALID_POSTMORTEM)
    write(kb / "postmortem-kb.yml", CONFIGS[case_id])
    before = snapshot(kb)
    outputs = {LINT: postmortem(kb, "lint"), BUILD: mkdocs_build(kb, tmp_path / "site")}
    for command, code in case.exits:
        assert outputs[command].returncode == code, (command, outputs_text(outputs[command]))
        assert case.matches(outputs_text(outputs[command])), (command, outputs_text(outputs[command]))
        assert "Traceback" not in outputs_text(outputs[command])
    assert snapshot(kb) == before


# Every command that reads the whole knowledge base, over all the hostile files at once.
READERS = [["list"], ["list", "--format", "json"], ["actions"], ["actions", "--format", "json"], ["stats"],
           ["stats", "--format", "json"], ["lint", "--format", "json"], ["lint", "--format", "sarif"],
           ["lint", "--format", "github"]]
UNLOADABLE = ["2024-01-01-binary.md", "2024-01-01-bomb.md", "2024-01-01-huge.md", "2024-01-01-latin1.md",
              "2024-01-01-tag.md", "2024-01-09-link.md", "2024/2024-01-09-cache.md"]


@pytest.fixture(scope="module")
def every_hostile_file(tmp_path_factory):
    from site_samples import make_kb

    kb = make_kb(tmp_path_factory.mktemp("all-hostile"), samples={})
    outside = tmp_path_factory.mktemp("outside")
    for setup in FILE_CASES.values():
        setup(kb, outside)
    return kb


@pytest.mark.parametrize("args", READERS + [["generate", "--out", "GENERATED"]], ids=" ".join)
def test_every_command_names_every_file_it_cannot_load(every_hostile_file, args, tmp_path):
    kb = every_hostile_file
    args = [str(tmp_path / "out") if a == "GENERATED" else a for a in args]
    before = snapshot(kb)
    result = postmortem(kb, *args)
    output = outputs_text(result)
    assert result.returncode in (0, 1) and "Traceback" not in output, output
    missing = [name for name in UNLOADABLE if f"postmortems/{name}" not in output]
    assert missing == [], f"`postmortem {' '.join(args)}` dropped these without a word: {missing}\n{output}"
    assert snapshot(kb) == before
