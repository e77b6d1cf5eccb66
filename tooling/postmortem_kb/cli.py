"""The `postmortem` command line: parse flags, call the core, format output.

Only click is imported at start-up; each command imports what it needs when
it runs, so `postmortem --help` and `postmortem new` stay fast.

Exit codes: 0 success; 1 the command ran and found a problem (lint errors,
a file that already exists); 2 usage or configuration error.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from postmortem_kb import __version__
from postmortem_kb.commands import completion as completion_command
from postmortem_kb.commands import digest as digest_command
from postmortem_kb.commands import generate as generate_command
from postmortem_kb.commands import import_posts as import_command
from postmortem_kb.commands import init as init_command
from postmortem_kb.commands import lint as lint_command
from postmortem_kb.commands import new as new_command
from postmortem_kb.commands import publish as publish_command
from postmortem_kb.commands import queries as query_commands
from postmortem_kb.commands import review as review_command
from postmortem_kb.commands import schema as schema_command
from postmortem_kb.commands import show as show_command
from postmortem_kb.commands import templates as templates_command
from postmortem_kb.commands import timeline as timeline_command
from postmortem_kb.commands import translate as translate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="postmortem")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="POSTMORTEM_KB_ROOT",
    help="Knowledge base folder (default: the nearest folder above with postmortem-kb.yml or mkdocs.yml).",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """Write, lint and publish incident postmortems as markdown.

    \b
    Examples:
      postmortem new "KV store latency" --severity SEV2 --tag server-infra
      postmortem lint
      postmortem lint postmortems/2017-12-10-kv-store-latency.md --format json
    """
    # https://no-color.org: a non-empty NO_COLOR turns colour off in every
    # command. Sub-commands inherit ctx.color, and click.echo strips styling
    # under it unless a command is told otherwise (`lint --color always`).
    if os.environ.get("NO_COLOR"):
        ctx.color = False


# Each command lives in postmortem_kb/commands/<name>.py; one line each.
main.add_command(new_command.new)
main.add_command(lint_command.lint)
main.add_command(schema_command.schema)
main.add_command(templates_command.templates)
main.add_command(import_command.import_posts)
main.add_command(timeline_command.timeline)
main.add_command(query_commands.list_postmortems)
main.add_command(query_commands.actions)
main.add_command(query_commands.stats)
main.add_command(show_command.show)
main.add_command(publish_command.publish)
main.add_command(translate_command.translate)
main.add_command(init_command.init)
main.add_command(completion_command.completion)
main.add_command(generate_command.generate)
main.add_command(review_command.review)
main.add_command(digest_command.digest)


if __name__ == "__main__":
    main()
