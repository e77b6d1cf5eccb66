"""`postmortem schema`: print a JSON Schema for editors (front matter, or postmortem-kb.yml)."""

from __future__ import annotations

import click

from postmortem_kb.commands.common import kb_config


@click.command()
@click.option("--config", "of_config", is_flag=True,
              help="Print the schema of postmortem-kb.yml instead (the one every command validates it with).")
@click.pass_context
def schema(ctx, of_config: bool) -> None:
    """Print the JSON Schema of postmortem front matter, derived from the config.

    It is the schema lint validates against: severities, statuses, required
    fields and tag/service vocabularies come from postmortem-kb.yml. Point an
    editor's YAML or front matter support at the file to get completion and
    checks as you type.

    With --config, print the schema of postmortem-kb.yml itself: every
    setting with its type, default and description. It does not depend on
    the knowledge base, so it prints even when postmortem-kb.yml is broken.

    \b
    Examples:
      postmortem schema > .vscode/postmortem.schema.json
      postmortem schema --config > .vscode/postmortem-kb.schema.json
      postmortem schema | python -m json.tool
    """
    import json

    if of_config:
        from postmortem_kb.config import config_schema

        document = config_schema()
    else:
        from postmortem_kb.schema import front_matter_schema

        document = front_matter_schema(kb_config(ctx))
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
