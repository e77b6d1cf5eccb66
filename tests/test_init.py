"""`postmortem init DIR`: a knowledge base of one's own that builds at once."""

from pathlib import Path

from site_helpers import mkdocs_build

from postmortem_kb.cli import main
from postmortem_kb.init_kb import templates_readme

REPO = Path(__file__).resolve().parents[1]


def test_init_creates_a_kb_that_builds_strict_and_takes_a_postmortem(tmp_path, runner, monkeypatch):
    monkeypatch.delenv("POSTMORTEM_KB_ROOT", raising=False)
    root = tmp_path / "reviews"
    result = runner.invoke(main, ["init", str(root), "--name", "Payments: postmortems"])
    assert result.exit_code == 0, result.output
    for name in ("mkdocs.yml", "postmortem-kb.yml", "postmortems/README.md", "templates/README.md", "docs/index.md",
                 "docs/writing.md", ".gitignore"):
        assert (root / name).is_file(), name
    assert "<!-- postmortems:latest -->" in (root / "docs/index.md").read_text()

    empty = mkdocs_build(root, tmp_path / "site-empty")
    assert empty.returncode == 0, empty.stderr
    assert "Payments: postmortems" in (tmp_path / "site-empty/index.html").read_text(encoding="utf-8")

    monkeypatch.chdir(root)
    made = runner.invoke(main, ["new", "First incident", "--severity", "SEV3", "--date", "2024-01-02", "--no-input"])
    assert made.exit_code == 0, made.output
    built = mkdocs_build(root, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site/postmortems/2024-01-02-first-incident/index.html").is_file()
    assert "First incident" in (tmp_path / "site/index.html").read_text(encoding="utf-8")


def test_init_refuses_an_existing_site_and_never_overwrites(tmp_path, runner):
    root = tmp_path / "kb"
    (root / "docs").mkdir(parents=True)
    (root / "docs/index.md").write_text("# Ours\n", encoding="utf-8")
    result = runner.invoke(main, ["init", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / "docs/index.md").read_text() == "# Ours\n" and "kept    " in result.output
    mkdocs = (root / "mkdocs.yml").read_bytes()
    again = runner.invoke(main, ["init", str(root)])
    assert again.exit_code == 1 and "mkdocs.yml already exists" in again.output
    assert (root / "mkdocs.yml").read_bytes() == mkdocs


def test_init_on_a_file_is_an_error(tmp_path, runner):
    target = tmp_path / "file"
    target.write_text("x")
    assert runner.invoke(main, ["init", str(target)]).exit_code != 0


def test_the_repos_templates_readme_is_the_one_init_writes():
    assert (REPO / "templates/README.md").read_text(encoding="utf-8") == templates_readme()
