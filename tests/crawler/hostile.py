"""Broken and hostile documents the tests write themselves: each must give a clear error naming the file."""

from __future__ import annotations

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE ContractNotice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2">&xxe;</ContractNotice>
"""
XXE_NETWORK = b"""<?xml version="1.0"?>
<!DOCTYPE TED_EXPORT [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<TED_EXPORT DOC_ID="1-2020"/>
"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2">&lol9;</ContractNotice>
"""
TRUNCATED = b"""<?xml version="1.0" encoding="UTF-8"?>
<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID schemeName="notice-id">0d6c8a1e-0000-4000-8000-000000000001</cbc:ID><cbc:Note>Groenonder"""
# Declares UTF-8 but carries Latin-1 bytes ("onderhoud van groen én water").
WRONG_ENCODING = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<TED_EXPORT DOC_ID="1-2020"><FORM_SECTION><F02_2014><OBJECT_CONTRACT>'
    b"<TITLE><P>onderhoud van groen \xe9n water</P></TITLE></OBJECT_CONTRACT></F02_2014></FORM_SECTION></TED_EXPORT>"
)
NOT_A_NOTICE = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Nieuws</title></channel></rss>'
NOT_JSON = b'{"releases": [{"ocid": "ocds-1", '
JSON_NOT_NOTICE = b'{"weather": "sunny"}'
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"

HOSTILE = {
    "xxe.xml": (XXE, "DTD"),
    "xxe-network.xml": (XXE_NETWORK, "DTD"),
    "billion-laughs.xml": (BILLION_LAUGHS, "DTD"),
    "truncated.xml": (TRUNCATED, "not well-formed XML"),
    "wrong-encoding.xml": (WRONG_ENCODING, "not well-formed XML"),
    "empty.xml": (b"", "empty document"),
    "blank.json": (b"  \n", "empty document"),
    "rss.xml": (NOT_A_NOTICE, "is not a notice"),
    "broken.json": (NOT_JSON, "not valid JSON"),
    "weather.json": (JSON_NOT_NOTICE, "neither an OCDS package"),
    "image.xml": (BINARY, "neither XML nor JSON"),
}
