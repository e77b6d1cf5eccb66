"""`postmortem import`: turn existing markdown postmortems into format v1 files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from postmortem_kb.commands.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    fail,
    kb_config,
)


def _describe(post, target: Path, shown_target: str, dry_run: bool) -> list[str]:
    from postmortem_kb.importers.markdown_post import LEAD

    lines = [f"{post.source} -> {shown_target}"]
    lines.append(f"  title: {post.title}  (from the {post.title_origin})")
    lines.append(f"  date: {post.date.isoformat() if post.date else '(none)'}  ({post.date_origin})")
    mapped = []
    for heading in post.headings:
        if not heading.section:
            continue
        if heading.heading == LEAD:
            mapped.append(f"the text before the first heading -> {heading.section}")
        elif heading.heading.strip().rstrip(":").lower() == heading.section.lower():
            mapped.append(heading.section)
        else:
            mapped.append(f"{heading.heading!r} -> {heading.section} ({heading.mapped_by})")
    if mapped:
        lines.append(f"  sections: {'; '.join(mapped)}")
    if post.kept:
        lines.append(f"  kept as their own sections: {', '.join(repr(k) for k in post.kept)}")
    if post.missing:
        lines.append(f"  missing, placeholder added: {', '.join(post.missing)}")
    if post.zone:
        lines.append(f"  timezone: {post.zone[0]}  ({post.zone[1]})")
    if post.to_fill:
        lines.append(f"  front matter to fill in: {', '.join(post.to_fill)}")
    counts: dict[str, int] = {}
    for outcome in post.link_outcomes:
        counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
    if counts:
        words = {"copy": "would be copied" if dry_run else "copied", "reuse": "already there",
                 "retarget": "pointed at imported posts", "keep": "kept as they were", "broken": "not resolved"}
        lines.append("  links and images: " + ", ".join(f"{n} {words[k]}" for k, n in counts.items())
                     + (f" (files under assets/{post.id}/)" if counts.get("copy") or counts.get("reuse") else ""))
    for note in post.notes:
        lines.append(f"  note: {note}")
    for finding in post.findings:
        lines.append(f"  problem: {finding}")
    lines.append(f"  recognised: {post.timeline_rows} timeline row(s), {post.action_items} action item(s)")
    return lines


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@click.option("--template", default="default", show_default=True,
              help="The template whose required sections the imported files must have.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def import_posts(ctx, paths, dry_run, template, output_format) -> None:
    """Turn existing markdown postmortems into format v1 files in postmortems/.

    Takes files and folders: YAML front matter (Hugo, Jekyll), TOML front
    matter between +++ lines (Hugo, Zola), or none (the title comes from the
    first H1, the date from the file and folder names or the text). Headings
    keep their words and the report says how each maps onto a section; every
    original line is kept, and a heading that maps nowhere stays as a section
    of its own. Missing required sections are added as placeholders and
    every file gets status: draft. Images and local files the posts link are
    copied to postmortems/assets/<id>/ and the links rewritten; a link that
    cannot be resolved is reported with its file and line. A target file
    that already exists is never overwritten.

    Exit 0 when every file was imported (unresolved links are reported, and
    `postmortem lint` flags them), 1 when one could not be read or its target
    exists, 2 on a usage error.

    \b
    Examples:
      postmortem import old-blog/content/posts/handle-outage.md
      postmortem import wiki-export/ --dry-run
      postmortem import postmortems-repo/ --template lite --format json
    """
    import json

    from postmortem_kb.importers.batch import import_posts as run_import
    from postmortem_kb.kb import display_path
    from postmortem_kb.scaffold import ScaffoldError, find_template

    config = kb_config(ctx)
    try:
        find_template(config, template)
    except ScaffoldError as exc:
        fail(str(exc), EXIT_USAGE)
    result = run_import(list(paths), config, template=template, dry_run=dry_run)

    posts = [post for post, _ in result.imported]
    findings = [finding for post in posts for finding in post.findings]
    if output_format == "json":
        click.echo(json.dumps({
            "dry_run": dry_run,
            "findings": [finding.as_dict() for finding in findings],
            "imported": [{**post.as_dict(), "target": display_path(t)} for post, t in result.imported],
            "exists": [{**post.as_dict(), "target": display_path(t)} for post, t in result.exists],
            "failed": [{"source": s.as_posix(), "error": message} for s, message in result.failed],
            "passed_over": [{"source": s.as_posix(), "reason": reason} for s, reason in result.passed_over],
        }, indent=2, ensure_ascii=False, default=str))
    else:
        for post, target in result.imported:
            click.echo("\n".join(_describe(post, target, display_path(target), dry_run)))
        for source, reason in result.passed_over:
            click.echo(f"{source}: not imported: {reason}")
        rows = sum(p.timeline_rows for p, _ in result.imported)
        timelines = sum(1 for p, _ in result.imported if p.timeline_rows)
        actions = sum(p.action_items for p, _ in result.imported)
        verb = "would import" if dry_run else "imported"
        click.echo(
            f"\n{verb} {len(result.imported)} file(s): {timelines} with a timeline ({rows} rows), "
            f"{actions} action item(s)"
            + (f"; {len(findings)} link(s) not resolved (see problem: above)" if findings else "")
            + (f"; {len(result.exists)} skipped (already there)" if result.exists else "")
            + (f"; {len(result.failed)} failed" if result.failed else "")
            + ("; dry run, nothing written" if dry_run else "")
        )
    for post, target in result.exists:
        click.echo(f"error: {display_path(target)} already exists; {post.source} was not imported. "
                   "Move or rename the existing file to import it again", err=True)
    for _, message in result.failed:
        click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_OK if result.ok else EXIT_PROBLEM)
