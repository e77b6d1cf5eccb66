"""Secret shapes detect-secrets' line-by-line detectors miss.

detect-secrets reads one line at a time, so a key block whose BEGIN line is
followed by a blank line or by headers (`Proc-Type:`, `DEK-Info:`, a PGP
block's `Version:`) goes unseen; it has no detector for a password given as
`password: hunter2horse` or `AWS_SECRET_ACCESS_KEY=...` outside a URL; and
token formats newer than it (`github_pat_`, Slack's `xapp-` and `xoxe.`
tokens, cloud keys) pass. The three finders below cover those, on any text:
prose, tables, code blocks, front matter values and imported chat alike.

They aim for no false positives on what postmortems are full of: commit
SHAs, UUIDs, trace and request ids, hashes, base64 in logs. So a key block
needs its BEGIN line, a keyword assignment needs a secret-like value (not a
placeholder, not a plain word), and a token needs its vendor prefix.
"""

from __future__ import annotations

import re
from typing import Iterator

from postmortem_kb.lint.textscan import LONG_TOKEN, long_token_line_indexes

# Key blocks: PEM (PKCS#1/#8, EC, DSA, encrypted), OpenSSH, PGP private key
# blocks and PuTTY key files. Public keys and certificates are not secrets.
_KEY_BLOCK = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*(?:PRIVATE KEY|PRIVATE KEY BLOCK)-----"
    r"|PuTTY-User-Key-File-\d+:"
)

# `password: x`, `secret=x`, `AWS_SECRET_ACCESS_KEY=x`, `"client_secret": "x"`,
# `api-key = x`: a keyword that names a secret, then `:` or `=`, then the value.
_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?<![\w-])
    (?P<key>
        (?:[a-z0-9]+[_-])*
        (?:password|passwd|passphrase|pwd|secret|secret[_-]?key|client[_-]?secret|api[_-]?key|apikey
           |access[_-]?key|private[_-]?key|auth[_-]?token|access[_-]?token|refresh[_-]?token|bearer[_-]?token
           |token|credentials?)
    )
    ["']?\s*[:=]\s*
    (?P<quote>["'`]?)
    (?P<value>[^\s"'`,;|<>)\]}]{8,})
    """
)
# Values that stand for a secret without being one.
_PLACEHOLDER = re.compile(
    r"(?ix)^(?:\$\{?[\w.-]+\}?|\{\{.*\}\}|%\w+%|<[^>]*>|\*+|x{3,}|\.{3,}|redacted|\[redacted\]|removed|hidden"
    r"|changeme|change[_-]?me|example\w*|placeholder|dummy|secret|password|none|null|true|false|undefined"
    r"|your[_-]\w+|my[_-]\w+|env[:(].*|vault:.*|arn:aws:.*|projects/.*/secrets/.*|https?://.*)$"
)

# Vendor-prefixed token formats detect-secrets (1.5) has no detector for.
_TOKENS = re.compile(
    r"""(?x)
    (?<![\w-])
    (?:
        github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}     # GitHub fine-grained personal access token
      | xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,}            # Slack app-level token
      | xoxe\.xox[bp]-\d-[A-Za-z0-9-]{40,}             # Slack rotating token
      | xoxe-\d-[A-Za-z0-9-]{40,}                      # Slack refresh token
      | AIza[0-9A-Za-z_-]{35}                          # Google API key
      | ya29\.[0-9A-Za-z_-]{40,}                       # Google OAuth access token
      | dop_v1_[a-f0-9]{64}                            # DigitalOcean personal access token
      | shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}             # Shopify tokens
      | hv[sb]\.[A-Za-z0-9_-]{90,}                     # HashiCorp Vault service / batch token
      | sk-ant-[A-Za-z0-9_-]{40,}                      # Anthropic API key
      | glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}               # Grafana service account token
      | lin_api_[A-Za-z0-9]{40}                        # Linear API key
      | PMAK-[a-f0-9]{24}-[a-f0-9]{34}                 # Postman API key
      | ATATT3[A-Za-z0-9_=-]{180,}                     # Atlassian API token
      | dp\.pt\.[A-Za-z0-9]{40,}                       # Doppler personal token
      | (?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{40,}={0,2}  # Azure connection strings
    )
    """
)


# The literal start of every token above: a plain substring test (fast)
# picks the lines worth a regular expression.
_TOKEN_PREFIXES = ("github_pat_", "xapp-", "xoxe", "AIza", "ya29.", "dop_v1_", "shpat_", "shpca_", "shppa_",
                   "shpss_", "hvs.", "hvb.", "sk-ant-", "glsa_", "lin_api_", "PMAK-", "ATATT3", "dp.pt.",
                   "AccountKey=", "SharedAccessKey=")
# Where `_ASSIGNMENT` can match: the end of one of its keywords, then `:`
# or `=` (`_KEYWORD_END` lists the endings of `_ASSIGNMENT`'s keywords; a
# keyword added there needs its ending here, tests/lint/test_secrets.py). Each keyword holds one of these stems; `str.find` on the
# lower-cased text (C speed) finds the few places a stem occurs, and the
# sign is checked there. A regular expression over the whole text was
# slower: most letters start one of its alternatives.
_STEMS = ("pass", "pwd", "secret", "key", "token", "credential")
_KEYWORD_END = r"""(?:pass(?:word|wd|phrase)|pwd|secret|key|token|credentials?)["']?\s*[:=]"""
_ASSIGNMENT_SIGN = re.compile(_KEYWORD_END)
_ASSIGNMENT_SIGN_ANY_CASE = re.compile(_KEYWORD_END, re.IGNORECASE)


def find_extra_secrets(text: str) -> Iterator[tuple[int, str]]:
    """(offset, kind) of every secret of the shapes above in `text`."""
    if "-----BEGIN" in text or "PuTTY-User-Key-File" in text:
        for match in _KEY_BLOCK.finditer(text):
            yield match.start(), "private key block"
    for offset, chunk in _assignment_chunks(text):
        for match in _ASSIGNMENT.finditer(chunk):
            if _secret_like(match.group("value")):
                yield offset + match.start("value"), f"{match.group('key')} value"
    # Every token above is 38 characters or more without a space: only lines holding such a run are searched.
    for start, line in _lines_with_long_runs(text):
        if any(prefix in line for prefix in _TOKEN_PREFIXES):
            for match in _TOKENS.finditer(line):
                yield start + match.start(), "access token"


def _lines_with_long_runs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) of each line holding a run of LONG_TOKEN characters without a space (`textscan`)."""
    indexes = long_token_line_indexes(text, LONG_TOKEN)
    if not indexes:
        return
    wanted = set(indexes)
    offset = 0
    for index, line in enumerate(text.split("\n")):
        if index in wanted:
            yield offset, line
        offset += len(line) + 1


def _assignment_chunks(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of the lines holding a keyword with an assignment sign, each with the line after
    (a YAML value may sit there); touching runs are merged, so no match is reported twice."""
    chunk_start = chunk_end = -1
    for sign_start, sign_end in _assignment_signs(text):
        start = text.rfind("\n", 0, sign_start) + 1
        end = text.find("\n", sign_end)
        if end != -1:
            end = text.find("\n", end + 1)
        end = len(text) if end == -1 else end
        if start <= chunk_end:
            chunk_end = max(chunk_end, end)
            continue
        if chunk_end != -1:
            yield chunk_start, text[chunk_start:chunk_end]
        chunk_start, chunk_end = start, end
    if chunk_end != -1:
        yield chunk_start, text[chunk_start:chunk_end]


def _assignment_signs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each keyword ending followed by `:` or `=`, in text order."""
    lower = text.lower()
    if len(lower) != len(text):
        # A letter lowered to two (`İ`) would shift every offset after it: the slower case-blind search serves.
        return [match.span() for match in _ASSIGNMENT_SIGN_ANY_CASE.finditer(text)]
    found: set[tuple[int, int]] = set()
    match_at = _ASSIGNMENT_SIGN.match
    for stem in _STEMS:
        at = lower.find(stem)
        while at != -1:
            # The keyword may start a little before the stem (`passwd` holds `pass`, `apikey` holds `key`).
            match = match_at(lower, at)
            if match:
                found.add(match.span())
            at = lower.find(stem, at + 1)
    return sorted(found)


_RESOURCE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-./][a-z][a-z0-9]*)+$")


def _secret_like(value: str) -> bool:
    """A value that could be a real secret: long enough, not a placeholder, not a plain word or number."""
    value = value.rstrip(".")
    if len(value) < 8 or _PLACEHOLDER.match(value):
        return False
    if value.isdigit() or value.isalpha() and value.islower() and len(value) < 16:
        return False  # a number, or a plain word ("password: expired" reads as prose)
    if _RESOURCE_NAME.match(value):
        return False  # `secret: db-credentials-prod` names a Kubernetes Secret, it is not one
    kinds = sum((any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value),
                 any(not c.isalnum() for c in value)))
    return kinds >= 2 or len(value) >= 16
