"""The file policy: the memoised pass over many files judges each one as the full check does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from postmortem_kb.files import policy_problem


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """A postmortems folder reached through a symlink, with every kind of entry the policy judges."""
    real = tmp_path / "real-kb" / "postmortems"
    real.mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: not ours\n---\n")
    (real / "2024-01-01-plain.md").write_text("---\ntitle: ours\n---\n")
    (real / "nested").mkdir()
    (real / "nested" / "2024-01-02-deeper.md").write_text("---\ntitle: ours too\n---\n")
    os.symlink(outside, real / "escape")  # a folder symlink out: the files under it are outside
    os.symlink(outside / "secret.md", real / "2024-01-03-link-out.md")
    os.symlink("2024-01-01-plain.md", real / "2024-01-04-link-in.md")
    os.symlink("2024-01-05-loop.md", real / "2024-01-05-loop.md")
    os.mkfifo(real / "2024-01-06-pipe.md")
    (real / "2024-01-07-folder.md").mkdir()
    linked = tmp_path / "kb-link"
    os.symlink(tmp_path / "real-kb", linked)
    return linked / "postmortems", outside


def test_the_memoised_pass_agrees_with_the_full_check_on_every_kind_of_entry(tree):
    folder, outside = tree
    paths = [
        folder / "2024-01-01-plain.md",
        folder / "nested" / "2024-01-02-deeper.md",
        folder / "escape" / "secret.md",
        folder / "2024-01-03-link-out.md",
        folder / "2024-01-04-link-in.md",
        folder / "2024-01-05-loop.md",
        folder / "2024-01-06-pipe.md",
        folder / "2024-01-07-folder.md",
        folder / "missing.md",
        folder / "..",
        outside / "secret.md",
    ]
    real_dirs: dict[str, str] = {}
    memoised = {path.as_posix(): policy_problem(path, folder, real_dirs) for path in paths}
    full = {path.as_posix(): policy_problem(path, folder) for path in paths}
    assert memoised == full
    verdicts = {Path(path).relative_to(folder.parent).as_posix() if path.startswith(folder.parent.as_posix())
                else "outside": problem for path, problem in memoised.items()}
    assert verdicts["postmortems/2024-01-01-plain.md"] is None
    assert verdicts["postmortems/nested/2024-01-02-deeper.md"] is None
    assert verdicts["postmortems/2024-01-04-link-in.md"] is None
    assert verdicts["postmortems/missing.md"] is None  # the reader says it is missing
    assert "outside the postmortems folder" in verdicts["postmortems/escape/secret.md"]
    assert "symlink points outside" in verdicts["postmortems/2024-01-03-link-out.md"]
    assert "loops back" in verdicts["postmortems/2024-01-05-loop.md"]
    assert "named pipe" in verdicts["postmortems/2024-01-06-pipe.md"]
    assert "folder" in verdicts["postmortems/2024-01-07-folder.md"]
    assert "outside the postmortems folder" in verdicts["postmortems/.."]
    assert "outside the postmortems folder" in verdicts["outside"]
