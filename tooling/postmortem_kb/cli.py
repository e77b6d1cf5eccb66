"""The `postmortem` command line: parse flags, call the core, format output.

Only click is imported at start-up; each command imports what it needs when
it runs, so `postmortem --help` and `postmortem new` stay fast.

Exit codes: 0 success; 1 the command ran and found a problem (lint errors,
a file that already exists); 2 usage or configuration error.
"""

from __future__ import annotations

from pathlib import Path

import click

from postmortem_kb import __version__
from postmortem_kb.commands import completion as completion_command
from postmortem_kb.commands import lint as lint_command
from postmortem_kb.commands import new as new_command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="postmortem")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="POSTMORTEM_KB_ROOT",
    help="Knowledge base folder (default: the nearest folder above with postmortem-kb.yml or mkdocs.yml).",
)
def main(root: Path | None) -> None:
    """Write, lint and publish incident postmortems as markdown.

    \b
    Examples:
      postmortem new "KV store latency" --severity SEV2 --tag server-infra
      postmortem lint
      postmortem lint postmortems/2017-12-10-kv-store-latency.md --format json
    """


# Each command lives in postmortem_kb/commands/<name>.py; one line each.
main.add_command(new_command.new)
main.add_command(lint_command.lint)
main.add_command(completion_command.completion)


if __name__ == "__main__":
    main()
