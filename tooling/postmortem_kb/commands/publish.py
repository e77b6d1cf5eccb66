"""`postmortem publish`: the customer-facing version of a postmortem, from the same file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from postmortem_kb.commands.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    fail,
    kb_config,
)

FORMATS = ("markdown", "hugo", "statuspage")


@click.command("publish")
@click.argument("target", metavar="ID")
@click.option("--public", "public", is_flag=True,
              help="Write the public version: internal parts dropped, people and internal addresses redacted.")
@click.option("--to", "to", type=click.Choice(FORMATS), default="markdown", show_default=True,
              help="markdown (a title and the body), hugo (a blog post) or statuspage (a postmortem's body).")
@click.option("--out", default=None, metavar="FILE", help="Write to FILE (`-` or no --out: print it).")
@click.option("--force", is_flag=True, help="Replace FILE when it exists.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Show what the public version leaves out or replaces, line by line; write nothing.")
@click.pass_context
def publish(ctx: click.Context, target: str, public: bool, to: str, out: str | None, force: bool,
            show_diff: bool) -> None:
    """Write the public version of postmortem ID, for customers.

    Parts between `<!-- internal -->` and `<!-- /internal -->`, the sections
    listed in `public.internal_sections`, comments and empty sections are
    left out; names, personal emails, internal hosts and IP addresses are
    replaced (`[name]`, `[email]`, `[internal host]`, `[internal address]`);
    of the front matter only the title, date, tags and `public_summary`
    remain. Blame wording is refused: the command names each phrase and
    line and exits 1, writing nothing. Check the result with --diff first.

    A file is written atomically and never replaced without --force.

    Exit codes: 0 written or shown; 1 blame wording, an existing FILE, an ID
    that is not there or does not load; 2 usage.

    \b
    Examples:
      postmortem publish 2017-12-10-handle-outage --public --diff
      postmortem publish 2017-12-10-handle-outage --public --to hugo --out site/content/posts/handle-outage.md
      postmortem publish 2024-03-05-checkout-errors --public --to statuspage | pbcopy
    """
    from postmortem_kb.kb import display_path, find_postmortem, load_one
    from postmortem_kb.publish import public_version, removal_report, render

    if not public:
        fail("publish writes the public version only: add --public (it redacts and drops internal parts)",
             EXIT_USAGE)
    config = kb_config(ctx)
    path = find_postmortem(config, target)
    if path is None:
        fail(f"no postmortem has the id {target!r} in {display_path(config.postmortems_dir)}; an id is a file "
             "name without .md (`postmortem list --format csv` lists them)")
    pm = load_one(path, config)
    if pm.failed:
        for problem in pm.diagnostics:
            click.echo(f"{problem.path}:{problem.line}: {problem.message}", err=True)
        fail(f"{display_path(path)} does not load, so it cannot be published")
    version = public_version(pm, config)
    shown = display_path(path)
    rendered = render(version, to)
    if show_diff:
        source_text = path.read_bytes().decode("utf-8", "replace")
        click.echo(removal_report(version, source_text, rendered), nl=False)
        sys.exit(EXIT_PROBLEM if version.refused else EXIT_OK)
    if version.refused:
        for finding in version.blame:
            click.echo(finding.message(shown), err=True)
        fail(f"not published: {len(version.blame)} blaming phrase(s); reword them (the hints say how) and "
             "publish again")
    if out is None or out == "-":
        click.echo(rendered, nl=False)
        sys.exit(EXIT_OK)
    _write(Path(out), rendered, force)
    click.echo(f"wrote {display_path(Path(out))}: {len(version.removals)} part(s) left out or replaced "
               "(--diff lists them)", err=True)
    sys.exit(EXIT_OK)


def _write(target: Path, text: str, force: bool) -> None:
    from postmortem_kb.atomic import create_new, replace

    if target.is_dir():
        fail(f"{target} is a folder; name the file to write", EXIT_USAGE)
    try:
        if force:
            replace(target, text)
        else:
            create_new(target, text)
    except FileExistsError:
        fail(f"{target} already exists; add --force to replace it")
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
