"""`postmortem import` brings a post's images and files along and points its links at them;
what it cannot resolve it reports with file:line, and lint (`broken-link`) flags in the new file."""

import json
import shutil

from import_helpers import POSTS

from conftest import write
from postmortem_kb.cli import main
from postmortem_kb.lint import rules_links  # noqa: F401  (registers broken-link wherever the engine does not yet)

WIKI = POSTS / "wiki-export"
CHECKOUT_NAME = "2023-05-09-checkout-latency-after-the-may-release"


def import_json(runner, *args):
    result = runner.invoke(main, ["import", "--format", "json", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def entry_for(report, name):
    return next(e for e in report["imported"] if e["name"] == f"{name}.md")


def test_wiki_export_images_and_files_come_along(kb, runner):
    code, report = import_json(runner, WIKI)
    assert code == 0
    assets = kb / "postmortems/assets" / CHECKOUT_NAME
    # Two different pictures both called graph.png: the second gets a suffix, neither is lost.
    assert sorted(p.name for p in assets.iterdir()) == ["auth-log.txt", "graph-2.png", "graph.png", "login-spike.png"]
    assert (assets / "graph.png").read_bytes() == (WIKI / "Incidents/images/graph.png").read_bytes()
    assert (assets / "graph-2.png").read_bytes() == (WIKI / "Incidents/2023-05/graphs/graph.png").read_bytes()
    assert (assets / "auth-log.txt").read_bytes() == (WIKI / "Incidents/2023-05/attachments/auth log.txt").read_bytes()
    text = (kb / "postmortems" / f"{CHECKOUT_NAME}.md").read_text()
    assert f'![Latency spike](assets/{CHECKOUT_NAME}/login-spike.png "p99 latency")' in text
    assert f"![Before](assets/{CHECKOUT_NAME}/graph.png) and ![After](assets/{CHECKOUT_NAME}/graph-2.png)" in text
    assert f"[log]: <assets/{CHECKOUT_NAME}/auth-log.txt>" in text  # a reference definition
    assert "[account compromise](2023-04-25-user-account-compromise.md)" in text  # another imported post
    assert "![not an image, a code sample](../images/in-code.png)" in text  # code is not a link
    outcomes = {link["target"]: link["outcome"] for link in entry_for(report, CHECKOUT_NAME)["links"]}
    assert outcomes == {"../2023-04/04-25-user-account-compromise.md": "retarget", "../images/login-spike.png": "copy",
                        "../images/graph.png": "copy", "graphs/graph.png": "copy", "attachments/auth log.txt": "copy",
                        "runbooks/checkout.pdf": "broken", "design-note.md": "broken"}


def test_unresolved_links_are_findings_with_file_and_line_and_lint_agrees(kb, runner):
    source = WIKI / "Incidents/2023-05/05-09-checkout-latency.md"
    lines = source.read_text().split("\n")
    runbook = next(n for n, line in enumerate(lines, 1) if "runbooks/checkout.pdf" in line)
    design = next(n for n, line in enumerate(lines, 1) if "design-note.md" in line)
    text_report = runner.invoke(main, ["import", "--dry-run", str(WIKI)]).output
    assert f"problem: {source}:{runbook}: link to 'runbooks/checkout.pdf': no such file" in text_report
    assert "2 link(s) not resolved" in text_report
    code, report = import_json(runner, WIKI)
    assert [(f["path"], f["line"]) for f in report["findings"]] == [(source.as_posix(), runbook), (source.as_posix(), design)]
    assert "not imported in this run" not in report["findings"][1]["message"]  # it does not exist at all
    # Lint flags the same two links in the new file, and none of the copied or retargeted ones.
    lint = runner.invoke(main, ["lint", "--no-cache", "--format", "json"])
    broken = [f for f in json.loads(lint.stdout) if f["rule"] == "broken-link"]
    target = (kb / "postmortems" / f"{CHECKOUT_NAME}.md").read_text().split("\n")
    assert [(f["path"].rsplit("/", 1)[-1], target[f["line"] - 1]) for f in broken] == [
        (f"{CHECKOUT_NAME}.md", lines[runbook - 1]), (f"{CHECKOUT_NAME}.md", lines[design - 1])]


def test_a_linked_markdown_file_not_in_the_run_is_named_as_such(kb, runner, tmp_path):
    write(tmp_path / "wiki/2024-01-01-a.md", "# A\n\nSee [B](2024-01-02-b.md).\n")
    write(tmp_path / "wiki/2024-01-02-b.md", "# B\n\nText.\n")
    code, report = import_json(runner, tmp_path / "wiki/2024-01-01-a.md")
    assert code == 0 and "was not imported in this run" in report["findings"][0]["message"]


def test_existing_assets_are_never_overwritten(kb, runner):
    assets = kb / "postmortems/assets" / CHECKOUT_NAME
    assets.mkdir(parents=True)
    (assets / "login-spike.png").write_bytes(b"someone else's picture")
    shutil.copy(WIKI / "Incidents/images/graph.png", assets / "graph.png")  # the same file as before
    code, report = import_json(runner, WIKI)
    assert (assets / "login-spike.png").read_bytes() == b"someone else's picture"
    assert (assets / "login-spike-2.png").read_bytes() == (WIKI / "Incidents/images/login-spike.png").read_bytes()
    outcomes = {link["target"]: (link["outcome"], link["new_target"]) for link in entry_for(report, CHECKOUT_NAME)["links"]}
    assert outcomes["../images/graph.png"] == ("reuse", f"assets/{CHECKOUT_NAME}/graph.png")
    assert outcomes["../images/login-spike.png"] == ("copy", f"assets/{CHECKOUT_NAME}/login-spike-2.png")


def test_files_outside_the_imported_folder_or_hidden_are_not_copied(kb, runner, tmp_path):
    write(tmp_path / "secret.txt", "do not publish\n")
    write(tmp_path / "wiki/.private/key.png", "not an image\n")
    write(tmp_path / "wiki/2024-02-02-leak.md", "# Leak\n\n[notes](../secret.txt) and ![key](.private/key.png)\n")
    code, report = import_json(runner, tmp_path / "wiki")
    assert code == 0 and not (kb / "postmortems/assets").exists()
    assert [f["line"] for f in report["findings"]] == [3, 3]
    assert all("not copied" in f["message"] for f in report["findings"])


def test_a_single_file_import_reaches_only_its_own_folder(kb, runner):
    code, report = import_json(runner, WIKI / "Incidents/2023-05/05-09-checkout-latency.md")
    outcomes = {link["target"]: link["outcome"] for link in report["imported"][0]["links"]}
    assert outcomes["../images/login-spike.png"] == "broken" and outcomes["graphs/graph.png"] == "copy"


def test_page_bundle_brings_its_picture(kb, runner):
    code, report = import_json(runner, POSTS / "hugo-bundle")
    [entry] = report["imported"]
    picture = kb / "postmortems/assets" / entry["name"].removesuffix(".md") / "resolver-errors.png"
    assert picture.read_bytes() == (POSTS / "hugo-bundle/2023-06-01-dns-flap/resolver-errors.png").read_bytes()
    passed = {p["source"].rsplit("/", 1)[-1]: p["reason"] for p in report["passed_over"]}
    assert passed["resolver-errors.png"].endswith("copied along with a post that links it")


def test_lint_is_clean_of_broken_links_after_importing_what_resolves(kb, runner, tmp_path):
    write(tmp_path / "blog/2024-03-03-x.md", "# X\n\n![g](img/g.png) [log](files/out.log) [y](2024-03-04-y.md)\n")
    (tmp_path / "blog/img").mkdir()
    (tmp_path / "blog/img/g.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    write(tmp_path / "blog/files/out.log", "log\n")
    write(tmp_path / "blog/2024-03-04-y.md", "# Y\n\nBack to [x](./2024-03-03-x.md#timeline).\n")
    code, report = import_json(runner, tmp_path / "blog")
    assert code == 0 and report["findings"] == []
    lint = json.loads(runner.invoke(main, ["lint", "--no-cache", "--format", "json"]).stdout)
    assert [f for f in lint if f["rule"] == "broken-link"] == []
    assert "[x](2024-03-03-x.md#timeline)" in (kb / "postmortems/2024-03-04-y.md").read_text()


def test_imported_wiki_with_images_builds_strict(kb, runner, tmp_path):
    from site_helpers import mkdocs_build

    write(tmp_path / "wiki/2024-03-03-x.md", "# X\n\n![g](img/g.png)\n")
    (tmp_path / "wiki/img").mkdir()
    (tmp_path / "wiki/img/g.png").write_bytes((POSTS / "hugo-bundle/2023-06-01-dns-flap/resolver-errors.png").read_bytes())
    assert runner.invoke(main, ["import", str(tmp_path / "wiki")]).exit_code == 0
    build = mkdocs_build(kb, tmp_path / "site")
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "site/postmortems/assets/2024-03-03-x/g.png").read_bytes() == (tmp_path / "wiki/img/g.png").read_bytes()
    page = (tmp_path / "site/postmortems/2024-03-03-x/index.html").read_text(encoding="utf-8")
    assert 'src="../assets/2024-03-03-x/g.png"' in page


def test_generate_writes_the_imported_images_beside_the_pages(kb, runner, tmp_path):
    write(tmp_path / "wiki/2024-03-03-x.md", "# X\n\n![g](img/g.png)\n")
    (tmp_path / "wiki/img").mkdir()
    picture = (POSTS / "hugo-bundle/2023-06-01-dns-flap/resolver-errors.png").read_bytes()
    (tmp_path / "wiki/img/g.png").write_bytes(picture)
    assert runner.invoke(main, ["import", str(tmp_path / "wiki")]).exit_code == 0
    result = runner.invoke(main, ["generate", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out/docs/postmortems/assets/2024-03-03-x/g.png").read_bytes() == picture


def test_a_symlink_out_of_the_postmortems_folder_is_not_published(kb, runner, tmp_path):
    from site_helpers import mkdocs_build

    secret = tmp_path / "secret.txt"
    secret.write_text("not for the site\n")
    (kb / "postmortems/assets/2024-03-03-x").mkdir(parents=True)
    (kb / "postmortems/assets/2024-03-03-x/leak.txt").symlink_to(secret)
    (kb / "postmortems/assets/2024-03-03-x/kept.txt").write_text("published\n")
    build = mkdocs_build(kb, tmp_path / "site")
    assert build.returncode == 0, build.stderr
    published = tmp_path / "site/postmortems/assets/2024-03-03-x"
    assert sorted(p.name for p in published.iterdir()) == ["kept.txt"]
