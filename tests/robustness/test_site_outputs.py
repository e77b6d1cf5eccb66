"""What the site writes besides HTML stays valid for its medium: XML without forbidden characters, RFC 3339 dates."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from robustness.reliability_cases import BUILD, BY_ID, covers
from site_helpers import mkdocs_build
from site_samples import make_kb

from conftest import VALID_POSTMORTEM

# RFC 3339 date-time with a four-digit year and an offset (or Z).
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    far = (VALID_POSTMORTEM.replace("title: Cache stampede on the session store", "title: Far future")
           .replace("started_at: 2024-01-09T10:00:00Z", "started_at: 9999-12-31T23:59:00-23:59"))
    year_one = (VALID_POSTMORTEM.replace("title: Cache stampede on the session store", "title: Year one")
                .replace("date: 2024-01-09", "date: 0001-01-01"))
    control = (VALID_POSTMORTEM.replace("title: Cache stampede on the session store", 'title: "Bell \\a and \\x85 C1"')
               .replace("tags: [server-infra, cache]", 'tags: ["bell\\a tag", "c1\\x85\\x9b tag", cache]'))
    assert far != VALID_POSTMORTEM and year_one != VALID_POSTMORTEM and control != VALID_POSTMORTEM
    root = make_kb(tmp_path_factory.mktemp("kb"), {
        "2024-01-09-far-future.md": far, "0001-01-01-year-one.md": year_one, "2024-01-10-control.md": control,
        "2024-01-09-cache-stampede.md": VALID_POSTMORTEM,
    })
    site = root / "site"
    return mkdocs_build(root, site), site


@covers("far-dates-on-the-site")
def test_far_dates_build_and_the_feed_stays_rfc_3339(built):
    result, site = built
    assert result.returncode == BY_ID["far-dates-on-the-site"].exit_code(BUILD), result.stderr
    assert "Traceback" not in result.stderr
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    stamps = [element.text or "" for element in feed.iter() if element.tag in (f"{ATOM}updated", f"{ATOM}published")]
    assert len(stamps) >= 4 and all(RFC3339.match(stamp) for stamp in stamps), stamps


@covers("control-char-in-tag")
def test_control_characters_never_make_xml_malformed(built):
    result, site = built
    assert result.returncode == BY_ID["control-char-in-tag"].exit_code(BUILD), result.stderr
    documents = sorted(site.rglob("*.svg")) + [site / "feed.xml"]
    assert len(documents) >= 3
    for path in documents:
        ET.fromstring(path.read_bytes())  # raises on a forbidden character
    top_tags = (site / "metrics/top-tags.svg").read_text(encoding="utf-8")
    assert "bell" in top_tags and "\x07" not in top_tags
