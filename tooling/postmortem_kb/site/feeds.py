"""Machine-readable faces of the site: /api/postmortems.json, /api/postmortems/<id>.json and /feed.xml.

The index /api/postmortems.json stays small: each postmortem's
`records.postmortem_record` (the record `postmortem list` reads), its URL
and its action items. /api/postmortems/<id>.json is the whole model of one
postmortem, `records.model_record`: the JSON `postmortem show ID --format
json` prints (compact rather than indented). Values come normalised (strings, lists, ISO 8601,
null when missing), so scripts need not parse markdown. `<`, `>` and `&` are
written as JSON \\u escapes: the data stays exact for any JSON reader, and
a browser or a page that inlines the file can never read markup from it.

The feed is built with ElementTree, which escapes every text and attribute.
Its title is the site's name. Its links are relative to the feed's own URL
(valid Atom) unless the site's URL is known (the build says so at INFO
level), and entry ids are UUIDs derived from the postmortem id, so they
stay the same however the site is hosted. Dates are RFC 3339 in UTC with
four-digit years, whatever year the front matter gives.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
import xml.etree.ElementTree as ET
from typing import Any

from postmortem_kb.config import KBConfig
from postmortem_kb.ledger import is_open, is_overdue
from postmortem_kb.metrics import DURATIONS
from postmortem_kb.model import Diagnostic, Postmortem
from postmortem_kb.records import model_record
from postmortem_kb.records import postmortem_record as base_record
from postmortem_kb.site.urls import FEED, page_url, postmortem_page

API_VERSION = 1
FEED_ENTRIES = 30
ATOM = "http://www.w3.org/2005/Atom"
# A fixed namespace so an entry's id depends only on the postmortem id.
_ID_NAMESPACE = uuid.UUID("8f0b6f3e-6c1c-5b7e-9a59-2c1e4f3d7a10")
# Characters XML 1.0 cannot carry at all; YAML escapes can put them in a title.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

ET.register_namespace("", ATOM)
log = logging.getLogger("mkdocs.plugins.postmortems")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def postmortem_record(pm: Postmortem, config: KBConfig, today: dt.date, source: str,
                      directory_urls: bool = True) -> dict[str, Any]:
    """One postmortem in /api/postmortems.json: `records.postmortem_record` (what `postmortem list` reads),
    its page's URL and its action items; no body, no timeline (those are in /api/postmortems/<id>.json).

    `source` and `durations_seconds` repeat `path` and the `*_seconds` values, for the readers of version 1.
    """
    record = base_record(pm, config.root, config)
    return {
        **record,
        "url": page_url(postmortem_page(pm.id), directory_urls),
        "source": source,
        "durations_seconds": {name: record[f"{name}_seconds"] for name in DURATIONS},
        "action_items": [
            {**item.as_dict(), "is_open": is_open(item, config), "is_overdue": is_overdue(item, config, today)}
            for item in pm.actions
        ],
    }


def _json(value: Any) -> str:
    # Compact: with an indent, json falls back to its slow pure-Python encoder.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _safe_json(value: Any) -> str:
    """JSON whose `<`, `>` and `&` are \\u escapes: no page that inlines it can read markup from it."""
    return _json(value).replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def record_json(pm: Postmortem, config: KBConfig, today: dt.date, source: str, directory_urls: bool = True) -> str:
    """One postmortem's record, encoded: the API document lists these (a live preview keeps them)."""
    return _safe_json(postmortem_record(pm, config, today, source, directory_urls))


def model_json(pm: Postmortem) -> str:
    """/api/postmortems/<id>.json: the JSON value `postmortem show ID --format json` prints.

    Compact where `show` indents for people: with an indent, json uses its
    pure-Python encoder, ten times slower (0.7 s a thousand postmortems).
    """
    return _safe_json(model_record(pm)) + "\n"


def render_api_json(postmortems: list[Postmortem], config: KBConfig, today: dt.date,
                    load_errors: list[Diagnostic], sources: dict[str, str], directory_urls: bool = True,
                    records: list[str] | None = None) -> str:
    """The whole document; `records` are the postmortems' `record_json`, when already encoded."""
    if records is None:
        records = [record_json(pm, config, today, sources[pm.id], directory_urls) for pm in postmortems]
    durations = {name: {"from": start, "to": end} for name, (start, end) in DURATIONS.items()}
    # The document as json.dumps writes it, each part escaped on its own.
    return (
        f'{{"version":{_safe_json(API_VERSION)},"as_of":{_safe_json(today.isoformat())},'
        f'"durations":{_safe_json(durations)},"count":{len(records)},"postmortems":[{",".join(records)}],'
        # Files that could not be loaded are listed, never silently left out.
        f'"load_errors":{_safe_json([error.as_dict() for error in load_errors])}}}\n'
    )


def _timestamp(pm: Postmortem) -> dt.datetime | None:
    """When a postmortem last changed, as far as its front matter says."""
    for key in ("resolved_at", "mitigated_at", "started_at"):
        moment = pm.moment(key)
        if moment is not None:
            return moment.astimezone(dt.timezone.utc)
    if pm.date:
        return dt.datetime.combine(pm.date, dt.time(), dt.timezone.utc)
    return None


def _published(pm: Postmortem) -> dt.datetime | None:
    """When the incident began, as far as the front matter says."""
    moment = pm.moment("started_at")
    if moment is not None:
        return moment.astimezone(dt.timezone.utc)
    return dt.datetime.combine(pm.date, dt.time(), dt.timezone.utc) if pm.date else None


def _rfc3339(moment: dt.datetime | None) -> str:
    """An RFC 3339 date-time in UTC: four-digit years (strftime writes year 1 as `1`), no fraction.

    Every moment here converts to UTC: `Postmortem.moment` refuses those that do not (9999-12-31T23:59-23:59).
    """
    m = (moment or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


def _href(url: str, site_url: str | None) -> str:
    """A link from the feed (at the site root): relative, or absolute when the site's URL is known."""
    if site_url:
        return site_url.rstrip("/") + "/" + url
    return url or "./"


def render_atom_feed(postmortems: list[Postmortem], site_name: str, site_url: str | None,
                     count: int = FEED_ENTRIES, directory_urls: bool = True) -> bytes:
    """The newest postmortems (input is newest first) as an Atom 1.0 feed."""
    newest = postmortems[:count]
    if not site_url:
        # INFO, not a warning: `mkdocs build --strict` fails on warnings, and
        # an internal site often has no public URL to give.
        log.info("postmortems: site_url is not set in mkdocs.yml, so the links of feed.xml are relative to the "
                 "feed; set site_url for absolute links, which every feed reader follows")
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = _xml_text(site_name)
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, 'feed:' + site_name)}"
    stamps = [s for s in (_timestamp(pm) for pm in newest) if s is not None]
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _rfc3339(max(stamps) if stamps else None)
    # Atom wants an author; the entries name their own when the front matter does.
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = _xml_text(site_name)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=_href(FEED, site_url))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=_href(page_url("index.md", directory_urls), site_url))
    for pm in newest:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = _xml_text(pm.title)
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, pm.id)}"
        href = _href(page_url(postmortem_page(pm.id), directory_urls), site_url)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=href)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _rfc3339(_timestamp(pm))
        published = _published(pm)
        if published is not None:
            ET.SubElement(entry, f"{{{ATOM}}}published").text = _rfc3339(published)
        for name in pm.authors:
            ET.SubElement(ET.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = _xml_text(name)
        for tag in pm.tags:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=_xml_text(tag))
        facts = ", ".join(part for part in (pm.severity, pm.date.isoformat() if pm.date else "") if part)
        summary = pm.summary or "No summary given."
        text = f"[{facts}] {summary}" if facts else summary
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = _xml_text(text)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
