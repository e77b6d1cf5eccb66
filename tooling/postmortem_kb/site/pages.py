"""Small pages of their own: the stylesheet, the list of files that could not be loaded, a broken file's page."""

from __future__ import annotations

from importlib import resources

from postmortem_kb.model import ERROR, Diagnostic, Postmortem
from postmortem_kb.site.blocks import page_title
from postmortem_kb.site.escape import md_text
from postmortem_kb.site.fragments import fragment
from postmortem_kb.site.parts import TOP, Block, PageSource


def stylesheet() -> str:
    return resources.files("postmortem_kb.site").joinpath("assets/postmortem-kb.css").read_text(encoding="utf-8")


def render_load_errors(errors: list[Diagnostic]) -> str:
    """The page that names every file the site had to leave out, and why."""
    rows = "\n".join(f"| {md_text(e.path)} | {e.line} | {md_text(e.message)} |" for e in errors)
    return (
        page_title("Postmortems that could not be loaded")
        + "# Postmortems that could not be loaded\n\n"
        "These files are not on the site until they are fixed. Run `postmortem lint` for details.\n\n"
        "| File | Line | Problem |\n|---|---|---|\n" + rows + "\n"
    )


def render_failed_postmortem(pm: Postmortem, path: str) -> PageSource:
    """A broken file's page during a live preview: where and why it failed, at the URL its page will have."""
    errors = [d for d in pm.diagnostics if d.severity == ERROR] or pm.diagnostics
    return PageSource([
        page_title(f"{pm.id} could not be loaded"), f"# {md_text(pm.id)}", "",
        Block(fragment("load_error.html", path=path, errors=errors), TOP), "",
    ], after_h1=True)
