"""`postmortem new`: scaffold a postmortem from a template."""

from __future__ import annotations

import click

from postmortem_kb.commands.common import EXIT_PROBLEM, EXIT_USAGE, fail, kb_config

# How many existing tags or services a prompt suggests, most used first.
SUGGESTIONS = 12
DATE_FORMATS = ["%Y-%m-%d"]


def _git_user_name() -> str:
    import subprocess

    try:
        result = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=2, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip()


def split_list(text: str) -> list[str]:
    items: list[str] = []
    for item in text.split(","):
        item = item.strip()
        if item and item not in items:
            items.append(item)
    return items


def existing_values(config) -> dict[str, list[str]]:
    """Tags and services already in use (or the configured vocabulary), most used first."""
    from collections import Counter

    from postmortem_kb.kb import load_knowledge_base

    kb = load_knowledge_base(config=config)
    found: dict[str, list[str]] = {}
    for key in ("tags", "services"):
        vocabulary = getattr(config, key)
        if vocabulary is not None:
            found[key] = list(vocabulary)
            continue
        counts = Counter(value for pm in kb.loaded for value in pm.list_field(key))
        found[key] = [value for value, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return found


def _list_prompt(label: str, suggestions: list[str], vocabulary: list[str] | None) -> list[str]:
    if suggestions:
        shown = ", ".join(suggestions[:SUGGESTIONS])
        more = f" (+{len(suggestions) - SUGGESTIONS} more)" if len(suggestions) > SUGGESTIONS else ""
        click.echo(f"  {'Allowed' if vocabulary is not None else 'In use'}: {shown}{more}")

    def check(text: str) -> list[str]:
        values = split_list(text)
        unknown = [v for v in values if vocabulary is not None and v not in vocabulary]
        if unknown:
            raise click.BadParameter(f"{', '.join(unknown)} not in the configured list (postmortem-kb.yml)")
        return values

    return click.prompt(f"{label} (comma-separated)", default="", show_default=False, value_proc=check)


def editor_command() -> list[str] | None:
    import os
    import shlex

    value = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not value or not value.strip():
        return None
    return shlex.split(value)


def open_in_editor(command: list[str], path) -> None:
    import subprocess

    try:
        result = subprocess.run([*command, str(path)], check=False)
    except OSError as exc:
        fail(f"could not start the editor {command[0]!r}: {exc.strerror or exc}; the file is at {path}", EXIT_PROBLEM)
    if result.returncode != 0:
        fail(f"the editor {command[0]!r} exited with status {result.returncode}; the file is at {path}", EXIT_PROBLEM)


@click.command()
@click.argument("title", required=False)
@click.option("--severity", help="Severity level, one of the configured ones (default SEV1..SEV4).")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option("--service", "services", multiple=True, help="An affected service; repeat for more.")
@click.option("--author", "authors", multiple=True, help="An author; repeat for more (default: git config user.name).")
@click.option("--date", "date_", type=click.DateTime(formats=DATE_FORMATS), help="Incident date, YYYY-MM-DD (default today).")
@click.option("--template", default="default", show_default=True,
              help="Template name: default, lite, security, or NAME.md.j2 in templates/ (see `postmortem templates`).")
@click.option("--summary", help="Two or three sentences for the index pages.")
@click.option("--started-at", "started_at", metavar="TIME", help="When impact began: 23:41 (on the incident's date), "
              "2025-09-14 23:41, or ISO 8601 with an offset.")
@click.option("--detected-at", "detected_at", metavar="TIME", help="When it was noticed (as --started-at).")
@click.option("--mitigated-at", "mitigated_at", metavar="TIME", help="When impact stopped (as --started-at).")
@click.option("--resolved-at", "resolved_at", metavar="TIME", help="When the incident was closed (as --started-at).")
@click.option("--open", "open_editor", is_flag=True, help="Open the new file in $VISUAL or $EDITOR.")
@click.option("--no-input", is_flag=True, help="Never prompt; use the flags and defaults as given.")
@click.pass_context
def new(ctx, title, severity, tags, services, authors, date_, template, summary, started_at, detected_at, mitigated_at,
        resolved_at, open_editor, no_input) -> None:
    """Scaffold a new postmortem from a template and print its path.

    The file is postmortems/<date>-<slug>.md with status: draft; the slug is
    the title in ASCII lower case (a title in another script gets a short
    stable code) and the title itself is kept as written. Anything not given
    as a flag is asked for, with the choices and the values already used in
    the knowledge base as suggestions; the summary and the incident's times
    (start, detection, mitigation, resolution) are asked too, and Enter
    skips each. A time is 23:41 (on the incident's date), 2025-09-14 23:41
    or ISO 8601; it is written as ISO 8601 in the knowledge base's zone
    (`timezone` in postmortem-kb.yml), or, with none configured, in this
    machine's local zone, which the command then says. --no-input asks
    nothing. An existing file is never overwritten: the command exits 1.

    \b
    Examples:
      postmortem new "KV store latency from mass key expiry"
      postmortem new "DNS outage" --severity SEV1 --tag dns --service resolver --no-input
      postmortem new "Leaked token" --template security --date 2024-03-05 --author wei --open
      postmortem new "DNS outage" --date 2025-09-14 --started-at 23:41 --resolved-at "2025-09-15 01:10" --no-input
    """
    import datetime as dt

    from postmortem_kb.scaffold import (
        NewPostmortem,
        ScaffoldError,
        create_postmortem,
        find_template,
    )

    config = kb_config(ctx)
    severities = config.severities
    if severity and severity not in severities:
        fail(f"--severity {severity!r} is not one of {', '.join(severities)}", EXIT_USAGE)
    try:
        find_template(config, template)
    except ScaffoldError as exc:
        fail(str(exc), EXIT_USAGE)
    command = editor_command() if open_editor else None
    if open_editor and command is None:
        fail("--open needs an editor: set $VISUAL or $EDITOR (for example EDITOR=vi)", EXIT_USAGE)
    if not title:
        if no_input:
            fail("a TITLE is required with --no-input", EXIT_USAGE)
        title = click.prompt("Title", value_proc=lambda text: text.strip() or _empty_title())
    if not no_input:
        if not severity:
            severity = click.prompt("Severity", type=click.Choice(severities), default=severities[-1])
        if not tags or not services:
            # Loading the knowledge base costs time, so only a prompt that
            # shows suggestions pays for it.
            suggestions = existing_values(config)
            if not tags:
                tags = _list_prompt("Tags", suggestions["tags"], config.tags)
            if not services:
                services = _list_prompt("Services", suggestions["services"], config.services)
        if not authors:
            authors = split_list(click.prompt("Authors (comma-separated)", default=_git_user_name() or ""))
        if not date_:
            date_ = click.prompt("Date", type=click.DateTime(formats=DATE_FORMATS), default=dt.date.today().isoformat())
    elif not authors:
        name = _git_user_name()
        authors = [name] if name else []
    day = date_.date() if date_ else dt.date.today()
    given = {"started_at": started_at, "detected_at": detected_at, "mitigated_at": mitigated_at,
             "resolved_at": resolved_at}
    if summary is None and not no_input:
        summary = click.prompt("Summary (Enter to skip)", default="", show_default=False)
    times = _read_times(config, day, given, ask=not no_input)
    request = NewPostmortem(
        title=title.strip(),
        date=(date_.date() if date_ else dt.date.today()),
        severity=severity or "",
        tags=list(tags),
        services=list(services),
        authors=list(authors),
        template=template,
        summary=" ".join((summary or "").split()),
        times=times,
    )
    if times or request.summary:
        from postmortem_kb.scaffold import unused_values

        for key in unused_values(config, request):
            click.echo(f"note: the {template} template does not write {key}; it is left out", err=True)
    try:
        path = create_postmortem(config, request)
    except ScaffoldError as exc:
        fail(str(exc))
    from postmortem_kb.kb import display_path

    click.echo(display_path(path))
    if command is not None:
        open_in_editor(command, path)


TIME_LABELS = {"started_at": "Started at", "detected_at": "Detected at", "mitigated_at": "Mitigated at",
               "resolved_at": "Resolved at"}


def _read_times(config, day, given: dict, ask: bool) -> dict[str, str]:
    """The incident's times, from the flags and (unless `ask` is off) prompts; ISO 8601 strings by key."""
    from postmortem_kb.scaffold import (
        INCIDENT_TIMES,
        TimeInputError,
        incident_time,
        iso_moment,
    )

    times: dict[str, str] = {}
    notes: set[str] = set()
    previous = None
    for key in INCIDENT_TIMES:
        flag = given.get(key)

        def read(text: str, key=key, previous=previous):
            if not text.strip():
                return None
            try:
                moment, note = incident_time(text, day, config.timezone)
            except TimeInputError as exc:
                raise click.BadParameter(str(exc)) from None
            if previous is not None and moment < previous[1]:
                raise click.BadParameter(f"{TIME_LABELS[key].lower()} {iso_moment(moment)} is before "
                                         f"{previous[0].replace('_', ' ')} {iso_moment(previous[1])}")
            return moment, note

        if flag is not None:
            try:
                found = read(flag)
            except click.BadParameter as exc:
                fail(f"--{key.replace('_', '-')}: {exc.message}", EXIT_USAGE)
        elif ask:
            zone = config.timezone or "this machine's zone"
            found = click.prompt(f"{TIME_LABELS[key]} (23:41, {day.isoformat()} 23:41 or ISO; {zone}; Enter to skip)",
                                 default="", show_default=False, value_proc=read)
            found = found or None
        else:
            found = None
        if found:
            moment, note = found
            if note and note not in notes:
                notes.add(note)
                click.echo(f"note: {note}", err=True)
            times[key] = iso_moment(moment)
            previous = (key, moment)
    return times


def _empty_title() -> str:
    raise click.BadParameter("the title cannot be empty")
