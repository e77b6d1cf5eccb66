"""The hostile and broken files of docs/reliability.md, one test each, at the loader."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import VALID_POSTMORTEM, write
from postmortem_kb.config import load_config
from postmortem_kb.kb import load_knowledge_base
from postmortem_kb.loader import load_postmortem


def load(kb: Path, name: str, data: bytes):
    path = kb / "postmortems" / name
    path.write_bytes(data)
    return load_postmortem(path, load_config(kb))


def test_empty_file_loads_with_no_fields(kb):
    pm = load(kb, "2024-01-01-empty.md", b"")
    assert not pm.failed and pm.meta == {} and pm.sections == []


def test_front_matter_only(kb):
    pm = load(kb, "2024-01-01-fm.md", b"---\ntitle: Only front matter\n---\n")
    assert not pm.failed and pm.title == "Only front matter" and pm.body.strip() == ""


def test_byte_order_mark_and_crlf(kb):
    pm = load(kb, "2024-01-01-bom.md", b"\xef\xbb\xbf" + VALID_POSTMORTEM.replace("\n", "\r\n").encode())
    assert not pm.failed and pm.severity == "SEV2" and len(pm.timeline) == 3 and pm.timeline[1].line == 30


def test_not_utf8_names_line_and_byte(kb):
    pm = load(kb, "2024-01-01-latin1.md", b"---\ntitle: ok\n---\n\nSome caf\xe9\n")
    assert pm.failed and pm.diagnostics[0].line == 5 and "0xe9" in pm.diagnostics[0].message


def test_binary_file(kb):
    pm = load(kb, "2024-01-01-binary.md", bytes(range(256)) * 4)
    assert pm.failed and pm.diagnostics[0].rule == "load-binary"


def test_twenty_megabyte_file_is_refused_quickly(kb):
    data = b"---\ntitle: huge\n---\n" + (b"log line " * 100 + b"\n") * 23_000
    assert len(data) > 20_000_000
    started = time.perf_counter()
    pm = load(kb, "2024-01-01-huge.md", data)
    assert time.perf_counter() - started < 5
    assert pm.failed and pm.diagnostics[0].rule == "load-size" and "MB" in pm.diagnostics[0].message


def test_billion_laughs_is_refused_without_expanding(kb):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        lines.append(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 10) + "]")
    text = "---\ntitle: bomb\n" + "\n".join(lines) + "\ntags: *a9\n---\nbody\n"
    started = time.perf_counter()
    pm = load(kb, "2024-01-01-bomb.md", text.encode())
    assert time.perf_counter() - started < 2
    assert pm.failed and "aliases" in pm.diagnostics[0].message


def test_python_tags_never_construct_objects(kb, tmp_path):
    marker = tmp_path / "pwned"
    text = f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n---\nx\n'
    pm = load(kb, "2024-01-01-tag.md", text.encode())
    assert pm.failed and "constructor" in pm.diagnostics[0].message and not marker.exists()


def test_deeply_nested_front_matter(kb):
    pm = load(kb, "2024-01-01-deep.md", b"---\ntitle: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n")
    assert pm.failed and pm.diagnostics[0].rule == "load-yaml"


def test_duplicate_ids_across_folders(kb):
    write(kb / "postmortems/2024-01-09-cache.md", VALID_POSTMORTEM)
    write(kb / "postmortems/2024/2024-01-09-cache.md", VALID_POSTMORTEM)
    result = load_knowledge_base(kb)
    [dup] = [d for d in result.diagnostics if d.rule == "duplicate-id"]
    named = {dup.path, dup.message.split("also used by ")[1].split(";")[0]}
    assert named == {"postmortems/2024-01-09-cache.md", "postmortems/2024/2024-01-09-cache.md"}


def test_spaces_and_non_ascii_file_names(kb):
    write(kb / "postmortems/2024-01-09 café outage.md", VALID_POSTMORTEM)
    [pm] = load_knowledge_base(kb).postmortems
    assert pm.id == "2024-01-09 café outage" and not pm.failed


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this platform")
def test_symlink_leaving_the_knowledge_base_is_refused(kb, tmp_path):
    outside = write(tmp_path / "secret.md", VALID_POSTMORTEM)
    (kb / "postmortems/2024-01-09-link.md").symlink_to(outside)
    inner = write(kb / "drafts/2024-01-10-inner.md", VALID_POSTMORTEM)
    (kb / "postmortems/2024-01-10-inner.md").symlink_to(inner)
    result = load_knowledge_base(kb)
    # Inside the knowledge base but outside postmortems/ is outside too: the
    # file policy reads only what lives in the postmortems folder.
    assert [d.rule for d in result.diagnostics] == ["load-symlink", "load-symlink"]
    assert result.postmortems == []
