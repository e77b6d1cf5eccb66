"""`postmortem generate` cut short by a full disk leaves a folder the next run completes."""

from __future__ import annotations

import errno

from click.testing import CliRunner
from robustness.reliability_cases import BY_ID, covers

from conftest import VALID_POSTMORTEM, write
from postmortem_kb import atomic
from postmortem_kb.cli import main
from postmortem_kb.generate import MARKER


@covers("generate-disk-full")
def test_generate_stopped_by_a_full_disk_is_completed_by_the_next_run(kb, monkeypatch):
    write(kb / "postmortems/2024-01-09-cache-stampede.md", VALID_POSTMORTEM)
    out = kb / "build/site-src"
    real_replace, writes = atomic.replace, []

    def disk_fills_up(path, data, clean_stale=False):
        if len(writes) == 6:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        writes.append(path)
        real_replace(path, data, clean_stale)

    monkeypatch.setattr(atomic, "replace", disk_fills_up)
    runner = CliRunner()
    first = runner.invoke(main, ["--root", str(kb), "generate", "--out", str(out)])
    case = BY_ID["generate-disk-full"]
    assert first.exit_code == case.exit_code("postmortem generate"), first.output
    assert case.matches(first.output) and first.exception is None or isinstance(first.exception, SystemExit)
    assert len(writes) == 6 and (out / MARKER).is_file()

    monkeypatch.setattr(atomic, "replace", real_replace)
    second = runner.invoke(main, ["--root", str(kb), "generate", "--out", str(out)])
    assert second.exit_code == 0, second.output
    assert (out / "docs/postmortems/2024-01-09-cache-stampede.md").is_file()
    assert (out / "mkdocs.yml").is_file()
    # Written once more from scratch, the folder is the same.
    again = runner.invoke(main, ["--root", str(kb), "generate", "--out", str(out), "--format", "json"])
    assert again.exit_code == 0 and '"written": []' in again.output.replace("\n", "").replace("  ", ""), again.output
