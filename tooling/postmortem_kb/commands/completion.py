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
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
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

    # The group this command runs under (the `postmortem` CLI), taken from
    # the context rather than imported: cli.py imports this module.
    group = ctx.find_root().command
    cls = get_completion_class(shell)
    script = cls(group, {}, "postmortem", "_POSTMORTEM_COMPLETE").source()
    click.echo(script)
