"""Machine-readable faces of the site: /api/postmortems.json and the Atom feed /feed.xml.

The JSON carries the values as the front matter gave them (normalised to
strings, lists and ISO 8601), the computed durations in seconds, and the
action items, so scripts need not parse markdown. `<`, `>` and `&` are
written as JSON \\u escapes: the data stays exact for any JSON reader, and
a browser or a page that inlines the file can never read markup from it.

The feed is built with ElementTree, which escapes every text and attribute.
Its links are relative to the feed's own URL (valid Atom) unless the site's
URL is known, and entry ids are UUIDs derived from the postmortem id, so
they stay the same however the site is hosted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import xml.etree.ElementTree as ET
from typing import Any

from postmortem_kb.config import KBConfig
from postmortem_kb.ledger import is_open, is_overdue
from postmortem_kb.metrics import DURATIONS, durations
from postmortem_kb.model import Diagnostic, Postmortem
from postmortem_kb.site.urls import FEED, page_url, postmortem_page

API_VERSION = 1
FEED_ENTRIES = 30
ATOM = "http://www.w3.org/2005/Atom"
# A fixed namespace so an entry's id depends only on the postmortem id.
_ID_NAMESPACE = uuid.UUID("8f0b6f3e-6c1c-5b7e-9a59-2c1e4f3d7a10")
_MOMENTS = ("started_at", "detected_at", "mitigated_at", "resolved_at")
# Characters XML 1.0 cannot carry at all; YAML escapes can put them in a title.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

ET.register_namespace("", ATOM)


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _moment(pm: Postmortem, key: str) -> str | None:
    moment = pm.moment(key)
    return moment.isoformat() if moment else None


def postmortem_record(pm: Postmortem, config: KBConfig, today: dt.date, source: str,
                      directory_urls: bool = True) -> dict[str, Any]:
    """One postmortem as data: what the page shows, without the prose."""
    return {
        "id": pm.id,
        "url": page_url(postmortem_page(pm.id), directory_urls),
        "source": source,
        "title": pm.title,
        "date": pm.date.isoformat() if pm.date else None,
        "severity": pm.severity or None,
        "status": pm.status or None,
        "summary": pm.summary or None,
        "authors": pm.authors,
        "tags": pm.tags,
        "services": pm.services,
        "related": pm.list_field("related"),
        **{key: _moment(pm, key) for key in _MOMENTS},
        "durations_seconds": {
            name: (int(value.total_seconds()) if value is not None else None)
            for name, value in durations(pm).items()
        },
        "action_items": [
            {**item.as_dict(), "is_open": is_open(item, config), "is_overdue": is_overdue(item, config, today)}
            for item in pm.actions
        ],
    }


def _json(value: Any) -> str:
    # Compact: with an indent, json falls back to its slow pure-Python encoder.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def record_json(pm: Postmortem, config: KBConfig, today: dt.date, source: str, directory_urls: bool = True) -> str:
    """One postmortem's record, encoded: the API document lists these (a live preview keeps them)."""
    return _json(postmortem_record(pm, config, today, source, directory_urls))


def render_api_json(postmortems: list[Postmortem], config: KBConfig, today: dt.date,
                    load_errors: list[Diagnostic], sources: dict[str, str], directory_urls: bool = True,
                    records: list[str] | None = None) -> str:
    """The whole document; `records` are the postmortems' `record_json`, when already encoded."""
    if records is None:
        records = [record_json(pm, config, today, sources[pm.id], directory_urls) for pm in postmortems]
    durations = {name: {"from": start, "to": end} for name, (start, end) in DURATIONS.items()}
    # The document as json.dumps writes it, its longest part encoded once per record.
    text = (
        f'{{"version":{_json(API_VERSION)},"as_of":{_json(today.isoformat())},"durations":{_json(durations)},'
        f'"count":{len(records)},"postmortems":[{",".join(records)}],'
        # Files that could not be loaded are listed, never silently left out.
        f'"load_errors":{_json([error.as_dict() for error in load_errors])}}}'
    )
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e") + "\n"


def _timestamp(pm: Postmortem) -> dt.datetime | None:
    """When a postmortem last changed, as far as its front matter says."""
    for key in ("resolved_at", "mitigated_at", "started_at"):
        moment = pm.moment(key)
        if moment is not None:
            return moment.astimezone(dt.timezone.utc)
    if pm.date:
        return dt.datetime.combine(pm.date, dt.time(), dt.timezone.utc)
    return None


def _rfc3339(moment: dt.datetime | None) -> str:
    return (moment or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _href(url: str, site_url: str | None) -> str:
    """A link from the feed (at the site root): relative, or absolute when the site's URL is known."""
    if site_url:
        return site_url.rstrip("/") + "/" + url
    return url or "./"


def render_atom_feed(postmortems: list[Postmortem], site_name: str, site_url: str | None,
                     count: int = FEED_ENTRIES, directory_urls: bool = True) -> bytes:
    """The newest postmortems (input is newest first) as an Atom 1.0 feed."""
    newest = postmortems[:count]
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = _xml_text(f"{site_name}: postmortems")
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
