"""`postmortem translate`: start a translation, record that it matches its original, see which are stale."""

from __future__ import annotations

import sys

import click

from postmortem_kb.commands.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    fail,
    kb_config,
)


@click.group()
def translate() -> None:
    """Translations of a postmortem: `translation_of:` links them, `source_hash:` dates them.

    A translation names its original with `translation_of: <id>` and holds
    `source_hash:`, the digest of the original's words when the translation
    last matched them. Lint's translation-stale rule reports a translation
    whose original has changed since.

    \b
    Examples:
      postmortem translate new 2024-01-09-cache-stampede --lang de
      postmortem translate sync 2024-01-09-cache-stampede-de
      postmortem translate status
    """


@translate.command("new")
@click.argument("original")
@click.option("--lang", required=True, help="The translation's language tag (de, fr, pt-BR).")
@click.pass_context
def new(ctx: click.Context, original: str, lang: str) -> None:
    """Start a translation: a copy of ORIGINAL as `<ORIGINAL>-<lang>.md` to translate in place.

    The copy has `lang:`, `translation_of:` and `source_hash:` set, the
    first status (a draft) and no approvals. It never overwrites a file.

    \b
    Examples:
      postmortem translate new 2024-01-09-cache-stampede --lang de
    """
    from pathlib import Path

    from postmortem_kb.kb import display_path
    from postmortem_kb.languages import TranslationError, start_translation

    config = kb_config(ctx)
    try:
        path = start_translation(original, lang, config)
    except TranslationError as exc:
        fail(str(exc), EXIT_USAGE)
    except FileExistsError as exc:
        fail(f"{display_path(Path(exc.filename or ''))} already exists; "
             "edit it, or run `postmortem translate sync` once it matches the original")
    click.echo(display_path(path))
    sys.exit(EXIT_OK)


@translate.command("sync")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.pass_context
def sync(ctx: click.Context, ids: tuple[str, ...]) -> None:
    """Record that each translation ID matches its original as the original reads now.

    Run it after bringing a translation up to date: it writes the original's
    current `source_hash:` into the translation's front matter (that line
    only) and nothing else. Exit code 1 when an ID is not a translation.

    \b
    Examples:
      postmortem translate sync 2024-01-09-cache-stampede-de
      postmortem translate sync 2024-01-09-cache-stampede-de 2024-01-09-cache-stampede-fr
    """
    from postmortem_kb.languages import TranslationError, sync_translation

    config = kb_config(ctx)
    failed = False
    for pm_id in ids:
        try:
            result = sync_translation(pm_id.removesuffix(".md"), config)
        except TranslationError as exc:
            click.echo(f"error: {exc}", err=True)
            failed = True
            continue
        state = f"synced with {result.original}" if result.changed else f"already in sync with {result.original}"
        click.echo(f"{result.id}: {state} ({result.after})")
    sys.exit(EXIT_PROBLEM if failed else EXIT_OK)


@translate.command("status")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def status(ctx: click.Context, output_format: str) -> None:
    """List every translation: its language, its original, and whether it is in sync.

    A state is `in sync`, `stale` (the original changed since the last
    sync), `never synced` (no source_hash) or `no original`.

    \b
    Examples:
      postmortem translate status
      postmortem translate status --format json
    """
    import json

    from postmortem_kb.kb import load_knowledge_base
    from postmortem_kb.languages import (
        Translations,
        recorded_hash,
        source_hash,
        translation_target,
    )
    from postmortem_kb.tables import render_table, terminal_width

    config = kb_config(ctx)
    kb = load_knowledge_base(config=config)
    index = Translations(kb.loaded, config)
    by_id = kb.by_id()
    records = []
    for pm in sorted(kb.loaded, key=lambda p: p.id):
        target = translation_target(pm)
        if target is None:
            continue
        original = by_id.get(target)
        if original is None or original.failed:
            state = "no original"
        elif recorded_hash(pm) is None:
            state = "never synced"
        else:
            state = "in sync" if recorded_hash(pm) == source_hash(original) else "stale"
        records.append({"id": pm.id, "lang": index.language(pm.id), "translation_of": target, "state": state})
    if output_format == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        rows = [[r["lang"], r["state"], r["id"], r["translation_of"]] for r in records]
        click.echo(render_table(["LANG", "STATE", "TRANSLATION", "ORIGINAL"], rows, terminal_width(), {2: 16, 3: 16}))
        click.echo(f"{len(records)} translation(s), {sum(r['state'] != 'in sync' for r in records)} to look at")
    sys.exit(EXIT_OK)
