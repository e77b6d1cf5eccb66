"""Text written into YAML (front matter, a page's meta block) so that YAML reads back exactly that text."""

from __future__ import annotations

import json
import re

# What YAML's reader refuses in a document even inside quotes (C1
# controls, non-characters, lone surrogates), and what it reads as a line
# break there and folds into a space (NEL, the Unicode line and paragraph
# separators). Escaped as \uXXXX.
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def yaml_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, on one line.

    A JSON string is one, except that JSON's ASCII mode writes a character
    beyond the BMP (an emoji) as a surrogate pair, which YAML cannot decode
    (MkDocs then drops a page's whole meta block and shows it as text). So
    such characters stay as they are; only what YAML refuses is escaped.
    """
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def yaml_scalar(value: str, inside: str = "[{}]") -> str:
    """`value` plain where YAML reads it back as this very string in the context `inside`, else quoted."""
    import yaml

    probe = inside.replace("{}", value)
    try:
        plain_ok = yaml.safe_load(probe) == yaml.safe_load(inside.replace("{}", yaml_quoted(value)))
    except yaml.YAMLError:
        plain_ok = False
    return value if plain_ok and value == value.strip() and value else yaml_quoted(value)
