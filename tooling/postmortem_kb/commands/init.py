"""`postmortem init DIR`: create a new knowledge base that builds at once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from postmortem_kb.commands.common import EXIT_OK, EXIT_PROBLEM, fail


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", "site_name", default="Postmortems", show_default=True, help="The site's name.")
@click.option("--git/--no-git", "git_init", default=None,
              help="Make DIR a git repository (`git init`) if it is not in one. Default: ask on a terminal, "
                   "yes otherwise.")
def init(directory, site_name, git_init) -> None:
    """Create a new knowledge base in DIR, for a repository of your own.

    Writes mkdocs.yml, postmortem-kb.yml, postmortems/, templates/README.md,
    docs/index.md, docs/writing.md and a .gitignore for the built site and
    caches; `mkdocs build` works at once. Unless DIR is already inside a git
    repository, it offers to run `git init` there (--git / --no-git decide
    without asking). DIR may exist; a DIR that already has mkdocs.yml or
    postmortem-kb.yml is refused (exit 1), and no existing file is ever
    overwritten.

    \b
    Examples:
      postmortem init incident-reviews
      postmortem init . --name "Payments postmortems"
      postmortem init incident-reviews --no-git
      cd incident-reviews && postmortem new "First incident" && mkdocs serve
    """
    from postmortem_kb.init_kb import InitError, init_knowledge_base

    try:
        result = init_knowledge_base(directory, site_name)
    except InitError as exc:
        fail(str(exc), EXIT_PROBLEM)
    except OSError as exc:
        fail(f"{directory}: cannot create the knowledge base: {exc.strerror or exc}", EXIT_PROBLEM)
    # Paths as the user gave DIR, not relative to wherever they stand.
    for path in result.created:
        click.echo(f"created {path.as_posix()}")
    for path in result.kept:
        click.echo(f"kept    {path.as_posix()} (already there)")
    _offer_git(directory, git_init)
    click.echo(f"\nNext: cd {directory.as_posix()} && postmortem new \"Title\" && mkdocs serve")
    sys.exit(EXIT_OK)


def _offer_git(directory: Path, choice: bool | None) -> None:
    """`git init` DIR when asked to (or when the user says yes), unless it is in a repository already."""
    import shutil
    import subprocess

    if choice is False or shutil.which("git") is None:
        return
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=directory,
                            capture_output=True, text=True)
    if inside.returncode == 0:
        return  # part of a repository already: nothing to do
    if choice is None and sys.stdin.isatty():
        choice = click.confirm(f"Make {directory.as_posix()} a git repository (git init)?", default=True)
    if choice is False:
        return
    done = subprocess.run(["git", "init", "-q"], cwd=directory, capture_output=True, text=True)
    if done.returncode == 0:
        click.echo(f"created {directory.as_posix()}/.git (git init)")
    else:
        click.echo(f"warning: git init failed: {done.stderr.strip()}", err=True)
