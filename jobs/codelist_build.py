"""Derive the compact label table the package ships from the Publications Office's eForms label files.

``python -m jobs.codelist_build CODELISTS_FOLDER matcher/codelists`` (``make codelists``) reads
``cpv/code_{nl,en,de,fr}.xml`` (every eForms code list, labels per language) and ``cpv/openprocurement_cpv_en.json``
(CPV check digits) and writes ``labels.tsv.gz``: one row per code of the lists the product shows or learns from.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import sys
from pathlib import Path

from lxml import etree

from matcher.codelists import COLUMNS, LANGUAGES, SHIPPED_LISTS

logger = logging.getLogger(__name__)


def read_labels(path: Path) -> dict[tuple[str, str], str]:
    """Return ``{(list, code): label}`` from one ``code_<lang>.xml`` file (Java properties as XML)."""
    # The file names an external DTD; it is neither fetched nor used.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.parse(str(path), parser).getroot()
    labels = {}
    for entry in root.iter("entry"):
        kind, _, rest = (entry.get("key") or "").partition("|name|")
        list_name, _, code = rest.partition(".")
        if kind == "code" and list_name in SHIPPED_LISTS and code:
            labels[(list_name, code)] = " ".join((entry.text or "").split())
    return labels


def build(folder: Path) -> bytes:
    """Return the gzip-compressed TSV table built from ``folder`` (the shared ``codelists`` folder)."""
    per_lang = {lang: read_labels(folder / "cpv" / f"code_{lang}.xml") for lang in LANGUAGES}
    check_digits = {
        key.split("-")[0]: key.split("-")[1]
        for key in json.loads((folder / "cpv" / "openprocurement_cpv_en.json").read_text(encoding="utf-8"))
    }
    keys = sorted(set().union(*per_lang.values()))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for list_name, code in keys:
        check = check_digits.get(code, "") if list_name == "cpv" else ""
        writer.writerow([list_name, code, check, *(per_lang[lang].get((list_name, code), "") for lang in LANGUAGES)])
    # mtime=0: the same inputs give the same bytes, so a rebuild shows no change in git.
    return gzip.compress(buffer.getvalue().encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        logger.error("usage: python -m jobs.codelist_build CODELISTS_FOLDER OUTPUT_FOLDER")
        return 2
    folder, output = Path(argv[0]), Path(argv[1])
    data = build(folder)
    output.mkdir(parents=True, exist_ok=True)
    (output / "labels.tsv.gz").write_bytes(data)
    logger.info("Wrote %s (%d bytes)", output / "labels.tsv.gz", len(data))
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(main(sys.argv[1:]))
