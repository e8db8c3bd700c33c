"""Broken and hostile files: a clear error naming the file, no entity expanded, nothing fetched."""

from __future__ import annotations

import gzip
import io
import json
import logging
import tarfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.archives import MAX_MEMBER_BYTES, is_archive, iter_archive
from crawler.exceptions import ParseError
from crawler.parsers import parse_document, parse_parts
from jobs.cli import cli
from tests.crawler.hostile import HOSTILE, TRUNCATED, XXE
from tests.factories import make_record


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_document_is_refused_by_name(name: str) -> None:
    data, reason = HOSTILE[name]
    with pytest.raises(ParseError) as caught:
        parse_document(data, name=name)
    assert str(caught.value).startswith(f"{name}: ")
    assert reason in str(caught.value)


def test_xxe_never_reads_the_file() -> None:
    with pytest.raises(ParseError) as caught:
        parse_document(XXE, name="xxe.xml")
    assert "root:" not in str(caught.value)


def test_utf16_with_declaration_is_honoured() -> None:
    xml = '<?xml version="1.0" encoding="UTF-16"?><TED_EXPORT DOC_ID="000055-2020"><FORM_SECTION>' \
          '<F02_2014 LG="NL"><OBJECT_CONTRACT><TITLE><P>Groenonderhoud één</P></TITLE></OBJECT_CONTRACT>' \
          "</F02_2014></FORM_SECTION></TED_EXPORT>"  # fmt: skip
    (record,) = parse_document(xml.encode("utf-16"), name="utf16.xml")
    assert record.title == "Groenonderhoud één"
    assert record.notice_id == "55-2020"


def test_latin1_declared_as_such_is_read() -> None:
    xml = '<?xml version="1.0" encoding="ISO-8859-1"?><TED_EXPORT DOC_ID="1-2020"><FORM_SECTION><F02_2014 LG="NL">' \
          "<OBJECT_CONTRACT><TITLE><P>Caf\xe9 en kantine</P></TITLE></OBJECT_CONTRACT></F02_2014></FORM_SECTION>" \
          "</TED_EXPORT>"  # fmt: skip
    (record,) = parse_document(xml.encode("latin-1"), name="latin1.xml")
    assert record.title == "Café en kantine"


def test_zip_bomb_member_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.xml", b"<" + b" " * (MAX_MEMBER_BYTES + 10))
        archive.writestr("ok.json", json.dumps(make_record(source="file").model_dump(mode="json")))
    documents = dict(iter_archive(buffer.getvalue(), name="bomb.zip"))
    assert isinstance(documents["bomb.zip/bomb.xml"], ParseError)
    assert "larger than" in str(documents["bomb.zip/bomb.xml"])
    assert isinstance(documents["bomb.zip/ok.json"], bytes)


def test_broken_archive_is_reported() -> None:
    ((name, error),) = list(iter_archive(b"\x1f\x8b\x08\x00broken", name="daily.tar.gz"))
    assert name == "daily.tar.gz" and isinstance(error, ParseError)
    assert "not a readable archive" in str(error)


def test_parse_command_reports_bad_files_and_prints_the_rest(tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(
        b'<?xml version="1.0"?><TED_EXPORT DOC_ID="000163-2021"><CODED_DATA_SECTION><REF_OJS>'
        b'<DATE_PUB>20210105</DATE_PUB></REF_OJS></CODED_DATA_SECTION><FORM_SECTION><F02_2014 LG="NL">'
        b"<OBJECT_CONTRACT><TITLE><P>Schoonmaak buurthuizen</P></TITLE></OBJECT_CONTRACT></F02_2014>"
        b"</FORM_SECTION></TED_EXPORT>"
    )
    (tmp_path / "xxe.xml").write_bytes(XXE)
    (tmp_path / "truncated.xml").write_bytes(TRUNCATED)
    package = tmp_path / "bundle.tar.gz"
    with tarfile.open(package, "w:gz") as archive:
        archive.add(good, arcname="inner/good.xml")
    result = CliRunner().invoke(cli, ["parse", str(good), str(tmp_path / "xxe.xml"), str(package),
                                      str(tmp_path / "truncated.xml"), str(tmp_path / "missing.xml")])  # fmt: skip
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["notice_id"], r["title"]) for r in lines] == [("163-2021", "Schoonmaak buurthuizen")] * 2
    assert lines[0]["publication_date"] == "2021-01-05"
    assert f"{tmp_path / 'xxe.xml'}: document declares a DTD" in result.stderr
    assert f"{tmp_path / 'truncated.xml'}: not well-formed XML" in result.stderr
    assert f"{tmp_path / 'missing.xml'}: no such file" in result.stderr
    assert "3 document(s) could not be parsed" in result.stderr


def test_parse_reads_standard_input() -> None:
    package = {"releases": [{"ocid": "ocds-kr-1", "id": "1", "date": "2026-11-02T09:00:00Z", "tag": ["tender"],
                             "tender": {"title": "Catering buurthuis", "status": "active"}}]}  # fmt: skip
    result = CliRunner().invoke(cli, ["parse", "--source", "ocds", "-"], input=json.dumps(package))
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["title"] == "Catering buurthuis"
    broken = CliRunner().invoke(cli, ["parse", "-"], input="<broken")
    assert broken.exit_code == 1
    assert "<stdin>: not well-formed XML" in broken.stderr


def test_archives_inside_archives_and_other_packings_are_read(caplog: pytest.LogCaptureFixture) -> None:
    # A package of daily packages lost every nested notice without a word; .tar.xz and .xml.gz were passed over.
    notice = json.dumps(make_record(source="file").model_dump(mode="json")).encode()
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w:gz") as daily:
        for number in (1, 2):
            info = tarfile.TarInfo(f"{number}.json")
            info.size = len(notice)
            daily.addfile(info, io.BytesIO(notice))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as monthly:
        monthly.writestr("daily-202300210.tar.gz", inner.getvalue())
        monthly.writestr("top.json", notice)
        monthly.writestr("README.txt", b"not a notice")
        monthly.writestr("3.json.gz", gzip.compress(notice))
    with caplog.at_level(logging.WARNING, logger="crawler.archives"):
        documents = dict(iter_archive(outer.getvalue(), name="monthly.zip"))
    assert sorted(documents) == ["monthly.zip/3.json", "monthly.zip/daily-202300210.tar.gz/1.json",
                                 "monthly.zip/daily-202300210.tar.gz/2.json", "monthly.zip/top.json"]  # fmt: skip
    assert all(body == notice for body in documents.values())
    assert "monthly.zip: 1 member(s) neither a notice (.xml, .json) nor an archive, left out (e.g. README.txt)" in (
        caplog.text)  # fmt: skip
    xz = io.BytesIO()
    with tarfile.open(fileobj=xz, mode="w:xz") as packed:
        info = tarfile.TarInfo("4.json")
        info.size = len(notice)
        packed.addfile(info, io.BytesIO(notice))
    assert is_archive("pack.tar.xz") and list(iter_archive(xz.getvalue(), name="pack.tar.xz")) == [
        ("pack.tar.xz/4.json", notice)]  # fmt: skip


def test_a_release_with_a_field_of_the_wrong_type_costs_itself() -> None:
    # "date": 7 raised AttributeError out of the parser: the page and its good releases were lost.
    good = {"ocid": "ocds-kr-1", "id": "1", "date": "2026-11-02T09:00:00Z", "tag": ["tender"],
            "tender": {"title": "Catering buurthuis", "status": "active"}}  # fmt: skip
    package = {"releases": [good, {**good, "ocid": "ocds-kr-2", "date": 7}]}
    records, errors = parse_parts(json.dumps(package).encode(), name="page.json", source="ocds")
    assert [r.notice_id for r in records] == ["ocds-kr-1"]
    assert [e.name for e in errors] == ["page.json#ocds-kr-2"]
