"""Parsers: pure functions from a document's bytes to notice records.

``parse_document`` recognises eForms, TED XML, OCDS packages/releases and TenderNed JSON by content, not by file
name, and raises ``ParseError`` naming the document for anything else. ``parse_parts`` keeps the good releases of an
OCDS package with a bad one, and names the bad one ("page.json#ocds-x-1").
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree
from pydantic import ValidationError

from crawler.exceptions import NotATenderError, ParseError
from crawler.parsers.eforms import ROOTS as EFORMS_ROOTS
from crawler.parsers.eforms import parse_eforms
from crawler.parsers.ocds import package_releases, release_record
from crawler.parsers.tedxml import parse_ted_xml
from crawler.parsers.tenderned import publication_record
from crawler.parsers.xmlsafe import MAX_XML_BYTES, parse_xml
from storage.records import NoticeRecord

__all__ = ["NotATenderError", "ParseError", "parse_document", "parse_parts"]


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"invalid {where or 'record'}: {first['msg']}"


def _releases(releases: list[dict[str, Any]], *, name: str, source: str) -> list[NoticeRecord | ParseError]:
    """Return each release's record, or the error that names it: one bad release costs itself, not its page."""
    found: list[NoticeRecord | ParseError] = []
    for release in releases:
        try:
            found.append(release_record(release, source=source))
        except ValidationError as exc:
            found.append(ParseError(f"{name}#{release.get('ocid')}", _describe(exc)))
        except ParseError as exc:
            found.append(ParseError(f"{name}#{release.get('ocid')}", exc.reason))
        except (TypeError, AttributeError, ValueError) as exc:  # a field of an unexpected type ("date": 7)
            found.append(
                ParseError(f"{name}#{release.get('ocid')}", f"unreadable release ({type(exc).__name__}: {exc})")
            )
    return found


def _parse_json(data: bytes, *, name: str, source: str) -> list[NoticeRecord | ParseError]:
    try:
        document: Any = json.loads(data)
    except UnicodeDecodeError:
        raise ParseError(name, "JSON that is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ParseError(name, f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if not isinstance(document, dict):
        raise ParseError(name, "JSON document is not an object (OCDS package or TenderNed publication)")
    if "releases" in document or "records" in document:
        releases = package_releases(document)
        if not releases:
            raise ParseError(name, "OCDS package without releases that carry an ocid")
        return _releases(releases, name=name, source=source)
    if "ocid" in document and ("tender" in document or "tag" in document):
        return [release_record(document, source=source)]
    if "publicatieId" in document:
        return [publication_record(document, source=source)]
    if isinstance(document.get("content"), list) and all(isinstance(i, dict) for i in document["content"]):
        return [publication_record(item, source=source) for item in document["content"] if "publicatieId" in item]
    raise ParseError(name, "JSON is neither an OCDS package/release nor a TenderNed publication")


def _parse_xml(data: bytes, *, name: str, source: str) -> list[NoticeRecord | ParseError]:
    root = parse_xml(data, name=name)
    local = etree.QName(root).localname
    if local in EFORMS_ROOTS:
        return [parse_eforms(root, name=name, source=source)]
    if local == "TED_EXPORT":
        return [parse_ted_xml(root, name=name, source=source)]
    if local == "BusinessRegistrationInformationNotice":
        raise NotATenderError(name, "eForms business registration notice (X01/X02), not a procurement notice")
    raise ParseError(name, f"XML root <{local}> is not a notice (eForms or TED_EXPORT)")


def parse_document(data: bytes, *, name: str, source: str = "file") -> list[NoticeRecord]:
    """Return the notice records in one document, or raise ``ParseError`` saying why it has none (or why one of
    its parts could not be read)."""
    records, errors = parse_parts(data, name=name, source=source)
    if errors:
        raise errors[0]
    return records


def parse_parts(data: bytes, *, name: str, source: str = "file") -> tuple[list[NoticeRecord], list[ParseError]]:
    """Return the notice records in one document and the errors of its parts that could not be read (the releases
    of an OCDS package), or raise ``ParseError`` when it has none at all."""
    found = _parts(data, name=name, source=source)
    records = [r for r in found if isinstance(r, NoticeRecord)]
    errors = [e for e in found if isinstance(e, ParseError)]
    if errors and not records:
        raise errors[0]
    return records, errors


def _parts(data: bytes, *, name: str, source: str) -> list[NoticeRecord | ParseError]:
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise ParseError(name, "empty document")
    if len(data) > MAX_XML_BYTES:
        raise ParseError(name, f"document larger than {MAX_XML_BYTES // 2**20} MiB refused")
    try:
        if head[:1] in (b"{", b"["):
            return _parse_json(data, name=name, source=source)
        if head[:1] == b"<" or head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return _parse_xml(data, name=name, source=source)
    except ValidationError as exc:
        raise ParseError(name, _describe(exc)) from None
    except RecursionError:
        raise ParseError(name, "document nested too deeply") from None
    raise ParseError(name, "neither XML nor JSON")
