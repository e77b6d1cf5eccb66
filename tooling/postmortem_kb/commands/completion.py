"""`postmortem completion SHELL`: print the shell completion script."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")
INSTALL_HINTS = {
    "bash": 'eval "$(postmortem completion bash)"   # in ~/.bashrc',
    "zsh": 'eval "$(postmortem completion zsh)"    # in ~/.zshrc',
    "fish": "postmortem completion fish > ~/.config/fish/completions/postmortem.fish",
}


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    Completion covers commands, options, choices such as --format, and
    file paths. The script comes from click's own completion support.

    \b
    Examples:
      eval "$(postmortem completion bash)"      # add to ~/.bashrc
      eval "$(postmortem completion zsh)"       # add to ~/.zshrc
      postmortem completion fish > ~/.config/fish/completions/postmortem.fish
    """
    from click.shell_completion import get_completion_class

    from postmortem_kb.cli import main

    cls = get_completion_class(shell)
    script = cls(main, {}, "postmortem", "_POSTMORTEM_COMPLETE").source()
    click.echo(script)
