"""`postmortem init DIR`: create a new knowledge base that builds at once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from postmortem_kb.commands.common import EXIT_OK, EXIT_PROBLEM, fail


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", "site_name", default="Postmortems", show_default=True, help="The site's name.")
def init(directory, site_name) -> None:
    """Create a new knowledge base in DIR, for a repository of your own.

    Writes mkdocs.yml, postmortem-kb.yml, postmortems/, templates/README.md,
    docs/index.md and docs/writing.md; `mkdocs build` works at once. DIR may
    exist; a DIR that already has mkdocs.yml or postmortem-kb.yml is refused
    (exit 1), and no existing file is ever overwritten.

    \b
    Examples:
      postmortem init incident-reviews
      postmortem init . --name "Payments postmortems"
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
    click.echo(f"\nNext: cd {directory.as_posix()} && postmortem new \"Title\" && mkdocs serve")
    sys.exit(EXIT_OK)
