"""A copy of the site's mkdocs.yml that builds generated pages without our plugin.

`postmortem generate` writes the site's pages to disk for builders that do
not run MkDocs plugins (a plain MkDocs, Zensical, TechDocs). Their config is
the team's own mkdocs.yml with four changes: docs_dir points at the written
pages, the `postmortems` plugin is gone, our stylesheet and the markdown
extensions our pages use are listed explicitly (the plugin adds them at
build time), and the per-item pages are kept out of the sidebar.

mkdocs.yml may hold tags such as `!!python/name:` or `!ENV`, which a safe
YAML loader refuses and a plain dump would lose; they are carried through
unchanged as `Tagged` values. Comments are not kept: the file says it is
generated and where the original lives.

The `techdocs` variant goes one step further for Backstage: the
`techdocs-core` plugin in place of `search`, and emoji as characters, not images.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from postmortem_kb.site.blocks import REQUIRED_EXTENSIONS
from postmortem_kb.site.urls import ITEM_FOLDERS, OVERVIEW_FOLDERS, STYLESHEET

PLUGIN_NAME = "postmortems"

DEFAULT_CONFIG: dict[str, Any] = {
    "site_name": "Postmortems",
    "theme": {"name": "material", "font": False},
    "extra": {"generator": False},
    "plugins": ["search"],
    "markdown_extensions": ["tables", "admonition", "attr_list", "md_in_html", {"toc": {"permalink": True}}],
}


class MkDocsConfigError(Exception):
    """The site's mkdocs.yml cannot be read; the message names file and line."""


@dataclass
class Tagged:
    """A YAML node with an application tag (`!ENV`, `!!python/name:...`), kept as written."""

    tag: str
    kind: str  # scalar | sequence | mapping
    value: Any


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: _Loader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        return Tagged(node.tag, "scalar", loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return Tagged(node.tag, "sequence", loader.construct_sequence(node, deep=True))
    return Tagged(node.tag, "mapping", loader.construct_mapping(node, deep=True))


def _represent_tagged(dumper: _Dumper, data: Tagged) -> yaml.Node:
    if data.kind == "sequence":
        return dumper.represent_sequence(data.tag, data.value)
    if data.kind == "mapping":
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


def _represent_text(dumper: _Dumper, data: str) -> yaml.Node:
    # Multi-line settings (not_in_nav) read best as literal blocks.
    style = "|" if "\n" in data.rstrip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Loader.add_multi_constructor("!", _construct_tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_Dumper.add_representer(Tagged, _represent_tagged)
_Dumper.add_representer(str, _represent_text)


def read_mkdocs_config(path: Path) -> dict[str, Any]:
    """The site's mkdocs.yml as data, or DEFAULT_CONFIG when there is none."""
    if not path.is_file():
        return dict(DEFAULT_CONFIG)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except (OSError, UnicodeDecodeError) as exc:
        raise MkDocsConfigError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise MkDocsConfigError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise MkDocsConfigError(f"{path}: must be a mapping of settings")
    return data


def _plugin_name(entry: Any) -> str | None:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        return str(next(iter(entry)))
    return None


def _without_our_plugin(plugins: Any) -> Any:
    if isinstance(plugins, dict):
        return {name: options for name, options in plugins.items() if name != PLUGIN_NAME}
    if isinstance(plugins, list):
        return [entry for entry in plugins if _plugin_name(entry) != PLUGIN_NAME]
    return plugins


def _with_extensions(extensions: Any) -> Any:
    if isinstance(extensions, dict):
        for name in REQUIRED_EXTENSIONS:
            extensions.setdefault(name, {})
        return extensions
    extensions = list(extensions or [])
    present = {_plugin_name(entry) for entry in extensions}
    return extensions + [name for name in REQUIRED_EXTENSIONS if name not in present]


def _with_not_in_nav(existing: Any, has_nav: bool) -> str:
    lines = [line for line in str(existing or "").splitlines() if line.strip()]
    wanted = [f"/{folder}/" for folder in ITEM_FOLDERS]
    if not has_nav:
        # Without an explicit nav MkDocs lists every page; keep the overviews
        # in it and the thousands of item pages out, as the plugin does.
        wanted += [f"!/{folder}/index.md" for folder in OVERVIEW_FOLDERS]
    return "\n".join(lines + [line for line in wanted if line not in lines]) + "\n"


def variant_config(original: dict[str, Any], original_path: Path, out: Path, docs_dir: str) -> dict[str, Any]:
    """The original config, changed only where building without the plugin needs it."""
    config = dict(original)
    config["docs_dir"] = docs_dir
    config.pop("site_dir", None)  # default: site/ beside the variant
    if "INHERIT" in config and isinstance(config["INHERIT"], str):
        parent = (original_path.parent / config["INHERIT"]).resolve()
        config["INHERIT"] = os.path.relpath(parent, out.resolve())
    config["plugins"] = _without_our_plugin(config.get("plugins", ["search"]))
    extra_css = list(config.get("extra_css") or [])
    if STYLESHEET not in extra_css:
        extra_css.append(STYLESHEET)
    config["extra_css"] = extra_css
    config["markdown_extensions"] = _with_extensions(config.get("markdown_extensions"))
    config["not_in_nav"] = _with_not_in_nav(config.get("not_in_nav"), "nav" in config)
    return config


# Backstage TechDocs builds with the `techdocs-core` plugin, which brings its
# own search (and the monorepo plugin), so the variant lists it instead of
# `search`. It also turns on pymdownx.emoji, drawing `:fire:` as an image
# from a CDN (Material's own generator does the same for emoji). Settings
# given here for an extension it enables override its own, so the emoji
# become their Unicode characters (`to_alt`) and the site still loads nothing
# from the internet. Backstage accepts the generators pymdown-extensions
# documents.
TECHDOCS_PLUGIN = "techdocs-core"
TECHDOCS_EMOJI = {
    "emoji_generator": Tagged("tag:yaml.org,2002:python/name:pymdownx.emoji.to_alt", "scalar", ""),
}
VARIANTS = ("plain", "techdocs")


def _for_techdocs(config: dict[str, Any]) -> dict[str, Any]:
    """The plain variant, changed to build with `plugins: [techdocs-core]`."""
    config = dict(config)
    plugins = config.get("plugins", ["search"])
    if isinstance(plugins, dict):
        others = {name: options for name, options in plugins.items() if name not in ("search", TECHDOCS_PLUGIN)}
        config["plugins"] = {TECHDOCS_PLUGIN: {}, **others}
    else:
        others = [entry for entry in plugins or [] if _plugin_name(entry) not in ("search", TECHDOCS_PLUGIN)]
        config["plugins"] = [TECHDOCS_PLUGIN, *others]
    extensions = config["markdown_extensions"]
    if isinstance(extensions, dict):
        extensions.setdefault("pymdownx.emoji", dict(TECHDOCS_EMOJI))
    elif "pymdownx.emoji" not in {_plugin_name(entry) for entry in extensions}:
        config["markdown_extensions"] = [*extensions, {"pymdownx.emoji": dict(TECHDOCS_EMOJI)}]
    return config


def variant_for(name: str, original: dict[str, Any], original_path: Path, out: Path, docs_dir: str) -> dict[str, Any]:
    """The config of variant `name` (one of VARIANTS): plain MkDocs, or Backstage TechDocs."""
    if name not in VARIANTS:
        raise ValueError(f"unknown mkdocs.yml variant {name!r}; choose one of {', '.join(VARIANTS)}")
    config = variant_config(original, original_path, out, docs_dir)
    return _for_techdocs(config) if name == "techdocs" else config


def dump_config(config: dict[str, Any], original_path: Path) -> str:
    header = (
        "# Written by `postmortem generate`: the site's mkdocs.yml without the postmortems\n"
        f"# plugin, building the pages written beside it. Edit {original_path.name} in the\n"
        "# knowledge base instead and generate again; this file is replaced.\n"
    )
    return header + yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False)
