import subprocess
import sys

import click

from postmortem_kb import __version__
from postmortem_kb.cli import main


def all_commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from all_commands(command, f"{prefix}{name} ")


def test_every_command_has_help_with_examples(runner):
    names = []
    for name, command in all_commands(main):
        result = runner.invoke(main, [*name.split(), "--help"])
        assert result.exit_code == 0, name
        assert "Examples:" in result.output and "postmortem " in result.output, f"{name} --help has no examples"
        names.append(name)
    assert {"new", "lint"} <= set(names)


def test_version_and_module_entry_point():
    result = subprocess.run([sys.executable, "-m", "postmortem_kb", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and __version__ in result.stdout


def test_start_up_does_not_import_heavy_modules():
    code = "import sys; import postmortem_kb.cli; print(sorted(m for m in ('mkdocs', 'jinja2', 'markdown_it', 'yaml', 'matplotlib') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_actions_is_a_group_that_still_lists_items_itself(kb, runner):
    from conftest import VALID_POSTMORTEM, write

    write(kb / "postmortems/2024-01-09-cache.md", VALID_POSTMORTEM)
    listed = runner.invoke(main, ["actions", "--open", "--format", "csv"])
    assert listed.exit_code == 0 and "Guard the flush command" in listed.output
    assert isinstance(main.commands["actions"], click.Group) and "reconcile" in main.commands["actions"].commands
    usage = runner.invoke(main, ["actions", "reconcile", "--from", "github"])
    assert usage.exit_code == 2 and "FILE" in usage.output


def test_the_new_commands_are_registered():
    assert {"review", "digest"} <= set(main.commands)
