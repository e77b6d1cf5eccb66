"""`postmortem templates`: list the templates `postmortem new` can use."""

from __future__ import annotations

import sys

import click

from postmortem_kb.commands.common import EXIT_OK, EXIT_PROBLEM, kb_config


@click.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def templates(ctx, output_format) -> None:
    """List the templates with their sections, and check each one.

    Built-in templates are default, lite and security; a NAME.md.j2 file in
    the knowledge base's templates/ folder adds a template or overrides the
    built-in one of the same name. Required sections are marked with *; lint
    holds a postmortem to the config's `required_sections` plus its template's.

    Every template is rendered with sample values: a syntax error, an
    undefined variable or a required section lint cannot recognise is shown
    with the template's file and line, and the command exits 1.

    \b
    Examples:
      postmortem templates
      postmortem templates --format json
      postmortem new "Leaked token" --template security
    """
    import json

    from postmortem_kb.kb import display_path
    from postmortem_kb.template_catalog import catalog

    config = kb_config(ctx)
    infos = catalog(config)
    if output_format == "json":
        click.echo(json.dumps([info.as_dict() for info in infos], indent=2, ensure_ascii=False))
    else:
        for n, info in enumerate(infos):
            if n:
                click.echo()
            click.echo(f"{info.name}  ({info.origin}: {display_path(info.path)})")
            for section in info.sections:
                mark = "*" if section in info.required else " "
                click.echo(f"  {mark} {section}")
            missing = [name for name in info.required if name not in info.sections]
            for name in missing:
                click.echo(f"  * {name}  (required, but not a heading of the template)")
        click.echo("\n* required: lint reports a postmortem made from this template without it.")
    problems = [p for info in infos for p in info.problems]
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    sys.exit(EXIT_PROBLEM if problems else EXIT_OK)
