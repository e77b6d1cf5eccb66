"""`postmortem schema`: print the front matter JSON Schema for editors."""

from __future__ import annotations

import click

from postmortem_kb.commands.common import kb_config


@click.command()
@click.pass_context
def schema(ctx) -> None:
    """Print the JSON Schema of postmortem front matter, derived from the config.

    It is the schema lint validates against: severities, statuses, required
    fields and tag/service vocabularies come from postmortem-kb.yml. Point an
    editor's YAML or front matter support at the file to get completion and
    checks as you type.

    \b
    Examples:
      postmortem schema > .vscode/postmortem.schema.json
      postmortem schema | python -m json.tool
    """
    import json

    from postmortem_kb.schema import front_matter_schema

    click.echo(json.dumps(front_matter_schema(kb_config(ctx)), indent=2, ensure_ascii=False))
