"""`postmortem generate`: write the site's pages to disk for builders without our plugin."""

from __future__ import annotations

from pathlib import Path

import click

from postmortem_kb.commands.common import EXIT_PROBLEM, EXIT_USAGE, fail, kb_config


@click.command()
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write: OUT/mkdocs.yml and OUT/docs/. Created if missing.")
@click.option("--force", is_flag=True,
              help="Write into a non-empty folder that `generate` did not create, replacing files of the same name.")
@click.option("--on-load-error", type=click.Choice(["fail", "warn"]), default="fail", show_default=True,
              help="fail: write nothing when a postmortem cannot be loaded. "
                   "warn: write the site with a page listing the files that could not be loaded.")
@click.option("--variant", type=click.Choice(["plain", "techdocs"]), default="plain", show_default=True,
              help="plain: OUT/mkdocs.yml for MkDocs, Zensical or ProperDocs. "
                   "techdocs: for Backstage TechDocs (the techdocs-core plugin instead of search).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to report what was written.")
@click.pass_context
def generate(ctx, out: Path, force: bool, on_load_error: str, variant: str, output_format: str) -> None:
    """Write every generated page and asset, plus a plugin-free mkdocs.yml, to OUT.

    OUT becomes a complete MkDocs project: a plain `mkdocs build` (or a
    builder that does not run MkDocs plugins, such as Zensical or TechDocs)
    builds the same site as `mkdocs build` with the postmortems plugin.
    Running it again updates OUT in place; files it did not write are never
    replaced without --force.

    With --variant techdocs, OUT is a TechDocs project: build it with
    `techdocs-cli generate --no-docker` in OUT, or `mkdocs build` where
    mkdocs-techdocs-core is installed (docs/techdocs.md).

    Exit codes: 0 written; 1 a postmortem could not be loaded, or OUT holds
    files `generate` did not write; 2 usage or configuration error.

    \b
    Examples:
      postmortem generate --out build/site-src
      mkdocs build -f build/site-src/mkdocs.yml --strict
      postmortem generate --out build/techdocs --variant techdocs
      postmortem generate --out build/site-src --on-load-error warn --format json
    """
    import json

    from postmortem_kb.generate import GenerateError, generate_site
    from postmortem_kb.kb import display_path, load_knowledge_base

    config = kb_config(ctx)
    kb = load_knowledge_base(config=config)
    try:
        result = generate_site(kb, out, force=force, on_load_error=on_load_error, variant=variant)
    except GenerateError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(f"{diagnostic.path}:{diagnostic.line}: {diagnostic.message} ({diagnostic.rule})", err=True)
        fail(str(exc), EXIT_USAGE if exc.usage else EXIT_PROBLEM)
    except OSError as exc:
        fail(f"cannot write to {display_path(out)}: {exc.strerror or exc}", EXIT_PROBLEM)
    for diagnostic in result.load_errors:
        click.echo(f"warning: {diagnostic.path}:{diagnostic.line}: {diagnostic.message} ({diagnostic.rule}); "
                   "listed on the site's load-errors page", err=True)
    if output_format == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    shown = str(out)
    click.echo(f"{len(result.files)} files in {shown}: {len(result.written)} written, "
               f"{len(result.unchanged)} unchanged, {len(result.removed)} removed")
    if variant == "techdocs":
        click.echo(f"build it with: mkdocs build -f {shown}/mkdocs.yml (with mkdocs-techdocs-core installed), "
                   f"or techdocs-cli generate --no-docker in {shown}")
    else:
        click.echo(f"build it with: mkdocs build -f {shown}/mkdocs.yml")
