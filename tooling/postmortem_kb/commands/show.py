"""`postmortem show`: one postmortem's model, exactly as lint, the site and queries read it."""

from __future__ import annotations

import click

from postmortem_kb.commands.common import EXIT_OK, EXIT_PROBLEM, fail, kb_config


@click.command("show")
@click.argument("target", metavar="ID|PATH")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json for scripts (the same record as the site's /api/postmortems/<id>.json).")
@click.pass_context
def show(ctx: click.Context, target: str, output_format: str) -> None:
    """Show how a postmortem is understood: sections, timeline, zone, action items.

    Use it to check an imported postmortem: which heading became which
    section (and how it was matched), which lines were read as timeline rows
    and at what time, which zone those times are in and where that zone was
    found, which items are action items. Exit code 1 when the file could not
    be loaded.

    \b
    Examples:
      postmortem show 2017-12-10-kv-store-latency-from-mass-key-expiry
      postmortem show postmortems/2024-03-05-checkout-errors.md --format json
      postmortem show 2024-03-05-checkout-errors --format json | jq '.timeline[] | .at'
    """
    from pathlib import Path

    from postmortem_kb.files import real_inside
    from postmortem_kb.kb import display_path, find_postmortem, load_one
    from postmortem_kb.loader import load_postmortem
    config = kb_config(ctx)
    candidate = Path(target)
    if candidate.suffix.lower() in (".md", ".markdown") and (candidate.exists() or candidate.is_symlink()):
        path = candidate
        if not real_inside(path.parent, config.postmortems_dir):
            # A file outside the knowledge base, named on purpose (to see how
            # it would be read before importing it): read, never published.
            pm = load_postmortem(path, config, display_path(path))
            _emit(pm, output_format)
            ctx.exit(EXIT_PROBLEM if pm.failed else EXIT_OK)
    else:
        path = find_postmortem(config, target)
        if path is None:
            fail(f"no postmortem has the id {target!r} in {config.postmortems_dir}, and no file {target!r} exists; "
                 "an id is a file name without .md (`postmortem list --format csv` lists them)")
    pm = load_one(path, config)
    _emit(pm, output_format)
    ctx.exit(EXIT_PROBLEM if pm.failed else EXIT_OK)


def _emit(pm, output_format: str) -> None:
    import json

    from postmortem_kb.records import model_record

    record = model_record(pm)
    if output_format == "json":
        click.echo(json.dumps(record, indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(record))


def format_text(record: dict) -> str:
    from postmortem_kb.terminal import plain

    lines = [f"{plain(record['id'])}  ({plain(record['path'])})", ""]
    lines.append("Sections:")
    for section in record["sections"]:
        mapped = f"-> {section['canonical']} (by {section['mapped_by']})" if section["canonical"] else "(kept as written)"
        indent = "  " * max(0, section["level"] - 1)
        lines.append(f"  {section['line']:>5}-{section['end_line']:<5} {indent}{plain(section['heading'])} {mapped}")
    zone = record["timeline_zone"]
    lines += ["", f"Timeline zone: {zone['value'] or '(none known: times carry no offset)'} ({zone['source']})"]
    lines.append(f"Timeline: {len(record['timeline'])} row(s)")
    for event in record["timeline"]:
        when = event["at"] or f"unreadable: {event.get('error', '')}"
        lines.append(f"  {event['line']:>5} {event['shape']:<7} {plain(when)}  {plain(event['text'])[:80]}")
    lines.append(f"Action items: {len(record['action_items'])}")
    for item in record["action_items"]:
        facts = ", ".join(f"{key}: {plain(item[key])}" for key in ("status", "owner", "due", "priority", "ticket")
                          if item[key])
        lines.append(f"  {item['line']:>5} {plain(item['text'])[:80]}" + (f"  [{facts}]" if facts else ""))
    if record["diagnostics"]:
        lines += ["", "Problems:"]
        for problem in record["diagnostics"]:
            lines.append(f"  {problem['line']:>5} {problem['severity']} {problem['rule']}: {plain(problem['message'])}")
    return "\n".join(lines)
