"""Safe XML parsing: no entity expansion, no network, no DTDs, no huge trees."""

from __future__ import annotations

import re

from lxml import etree

from crawler.exceptions import ParseError

MAX_XML_BYTES = 64 * 1024 * 1024
DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    # A fresh parser per document: lxml parsers keep state and are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _declares_dtd(data: bytes) -> bool:
    # Checked before parsing so the refusal reads the same whatever libxml2's own limits would say.
    head = data[:16384]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    elif head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        head = head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="ignore").encode("utf-8")
    return DECLARATION.search(head) is not None


def parse_xml(data: bytes, *, name: str) -> etree._Element:
    """Parse ``data`` and return its root element, or raise ``ParseError`` naming the document.

    Documents that declare a DTD are refused outright: notices never need one, and it is how XXE and
    entity-expansion ("billion laughs") attacks arrive.
    """
    if not data or not data.strip():
        raise ParseError(name, "empty document")
    if len(data) > MAX_XML_BYTES:
        raise ParseError(name, f"document larger than {MAX_XML_BYTES // 2**20} MiB refused")
    if _declares_dtd(data):
        raise ParseError(name, "document declares a DTD (entities are not allowed in notices)")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(name, f"not well-formed XML ({exc.msg or exc})") from None
    except ValueError as exc:
        raise ParseError(name, f"cannot read XML ({exc})") from None
    if root is None:
        raise ParseError(name, "empty document")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise ParseError(name, "document declares a DTD (entities are not allowed in notices)")
    return root
