"""`kansenradar companies import`: good rows stored, bad rows reported by line and left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.cli import cli

GOOD_AND_BAD_YAML = """\
companies:
  - id: groen-noord
    name: Groen Noord
    description: Groenonderhoud en zwerfvuil ruimen.
    cpv: ["7731", "77310000-6"]
    regions: [nl329]
    capacity: {max_contract_value: 250000, staff: 12}
    certifications: [VCA, PSO trede 2]
  - id: kapot
    name: Kapot BV
    description: Heeft een foute CPV-code.
    cpv: ["77A"]
  - id: schoon-zuid
    name: Schoon Zuid
    description: Schoonmaak van buurthuizen.
    email: contact@schoon-zuid.example
    digest: {min_score: 0.5, max_items: 5}
  - name: Zonder id
    description: Mist het verplichte id.
  - id: groen-noord
    name: Dubbel
    description: Zelfde id als regel 2.
  - id: typfout
    name: Typfout
    description: Onbekende sleutel.
    regoins: [NL329]
  - just a string
  - id: te-groot
    name: Te groot
    description: Negatieve capaciteit.
    capacity: {max_contract_value: -5}
"""


def _import(path: Path, db: str) -> object:
    return CliRunner().invoke(cli, ["--database-url", db, "companies", "import", str(path)])


def _stored(db: str) -> dict[str, dict]:
    if db.startswith("sqlite:///") and not Path(db.removeprefix("sqlite:///")).exists():
        return {}  # nothing was ever written
    result = CliRunner().invoke(cli, ["--database-url", db, "companies", "list", "--format", "jsonl"])
    if result.exit_code == 2 and "no Kansenradar database at" in result.stderr:
        return {}  # nothing was ever written, not even the schema (an empty PostgreSQL database)
    assert result.exit_code == 0, result.output
    return {row["id"]: row for row in map(json.loads, result.stdout.splitlines())}


def test_yaml_with_good_and_bad_rows(tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "companies.yaml"
    path.write_text(GOOD_AND_BAD_YAML, encoding="utf-8")
    result = _import(path, database_url)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert f"{path}:9: cpv: not a CPV code or prefix: '77A'" in errors
    assert any(line.startswith(f"{path}:18: id: Field required") for line in errors)
    assert f"{path}:20: duplicate id 'groen-noord' (first on line 2)" in errors
    assert any(line.startswith(f"{path}:23: regoins: Extra inputs are not permitted") for line in errors)
    assert f"{path}:27: expected a mapping of fields, got str" in errors
    assert any(line.startswith(f"{path}:28: capacity.max_contract_value:") for line in errors)
    assert len(errors) == 6
    assert "2 new, 0 updated, 0 unchanged, 6 refused." in result.stdout
    stored = _stored(database_url)
    assert set(stored) == {"groen-noord", "schoon-zuid"}
    assert stored["groen-noord"]["name"] == "Groen Noord"
    assert stored["groen-noord"]["cpv"] == ["7731", "77310000"]
    assert stored["groen-noord"]["regions"] == ["NL329"]
    assert stored["schoon-zuid"]["digest"] == {"min_score": 0.5, "max_items": 5}


def test_reimport_updates_by_id(tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "companies.yml"
    path.write_text("- {id: a, name: A, description: Groen}\n- {id: b, name: B, description: Schoon}\n")
    assert _import(path, database_url).exit_code == 0
    path.write_text("- {id: a, name: A nieuw, description: Groen}\n- {id: b, name: B, description: Schoon}\n")
    result = _import(path, database_url)
    assert result.exit_code == 0
    assert "0 new, 1 updated, 1 unchanged, 0 refused." in result.stdout
    assert _stored(database_url)["a"]["name"] == "A nieuw"


def test_yaml_takes_ja_and_nee_as_csv_does(tmp_path: Path, database_url: str) -> None:
    # YAML reads yes/no as booleans, not ja/nee: a Dutch company file was refused with "Input should be a boolean".
    path = tmp_path / "companies.yaml"
    path.write_text("- {id: a, name: A, description: Groen, partner: nee}\n- {id: b, name: B, description: Schoon, "
                    "partner: Ja}\n", encoding="utf-8")  # fmt: skip
    assert _import(path, database_url).exit_code == 0
    stored = _stored(database_url)
    assert (stored["a"]["partner"], stored["b"]["partner"]) == (False, True)


def test_csv_with_lists_nested_columns_and_bad_rows(tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "companies.csv"
    path.write_text(
        "\ufeffid,name,description,cpv,regions,capacity.max_contract_value,partner,digest.max_items\n"
        'groen-noord,Groen Noord,"Groenonderhoud, snoeien",7731;77310000,NL329,250000,ja,5\n'
        "kapot,Kapot,Foute regio,7731,Amsterdam,100000,nee,5\n"
        "\n"
        'zorg,Zorg om de Hoek,"Buurtzorg\nen dagbesteding",8531,NL41;NL42,,nee,\n'
        "leeg,,Naam ontbreekt,,,,,\n"
        "kort,Kort\n",
        encoding="utf-8",
    )
    result = _import(path, database_url)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert f"{path}:3: regions: not a NUTS code or prefix: 'Amsterdam'" in errors
    assert f"{path}:7: name: Field required" in errors
    assert f"{path}:8: 2 cells, header has 8" in errors
    assert len(errors) == 3
    stored = _stored(database_url)
    assert set(stored) == {"groen-noord", "zorg"}
    assert stored["groen-noord"]["capacity"]["max_contract_value"] == 250000
    assert stored["groen-noord"]["partner"] is True
    assert stored["groen-noord"]["digest"]["max_items"] == 5
    assert stored["zorg"]["regions"] == ["NL41", "NL42"]
    assert stored["zorg"]["partner"] is False
    assert stored["zorg"]["description"] == "Buurtzorg\nen dagbesteding"


def test_csv_from_a_dutch_spreadsheet_and_single_values(tmp_path: Path, database_url: str) -> None:
    # A spreadsheet in a Dutch locale separates columns by ";" (lists in a cell then by ","); in YAML one region is
    # often written without brackets.
    sheet = tmp_path / "bedrijven.csv"
    sheet.write_text("id;name;description;cpv;regions;capacity.max_contract_value\n"
                     'fiets;Fietsenwerkplaats;"Wij repareren fietsen; ook van buren";50000000,34430000;NL35;40000\n',
                     encoding="utf-8")  # fmt: skip
    assert _import(sheet, database_url).exit_code == 0
    listed = tmp_path / "companies.yaml"
    listed.write_text("- id: naai\n  name: Naaiatelier\n  description: Kleding herstellen.\n  regions: NL31\n"
                      "  cpv: 98393000\n  certifications: VCA, Erkend Leerbedrijf\n", encoding="utf-8")  # fmt: skip
    assert _import(listed, database_url).exit_code == 0
    stored = _stored(database_url)
    assert stored["fiets"]["cpv"] == ["50000000", "34430000"] and stored["fiets"]["regions"] == ["NL35"]
    assert stored["fiets"]["description"] == "Wij repareren fietsen; ook van buren"
    assert stored["fiets"]["capacity"]["max_contract_value"] == 40000
    assert stored["naai"]["regions"] == ["NL31"] and stored["naai"]["cpv"] == ["98393000"]
    assert stored["naai"]["certifications"] == ["VCA", "Erkend Leerbedrijf"]


def test_a_dutch_spreadsheet_saved_in_windows_1252_is_read(tmp_path: Path, database_url: str) -> None:
    # Excel's "CSV (gescheiden door lijstscheidingsteken)" in a Dutch locale writes Windows-1252, not UTF-8.
    sheet = tmp_path / "bedrijven.csv"
    rows = (
        "id;name;description;capacity.max_contract_value\ncafe;Buurtcafé Oost;Catering, koffie en ‘s middags;30.000\n"
    )
    sheet.write_bytes(rows.encode("cp1252"))
    result = _import(sheet, database_url)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "bedrijven.csv: not UTF-8 (line 2), read as Windows-1252" in result.stderr
    stored = _stored(database_url)["cafe"]
    assert stored["name"] == "Buurtcafé Oost" and stored["description"] == "Catering, koffie en ‘s middags"
    assert stored["capacity"]["max_contract_value"] == 30000


def test_numbers_are_read_as_the_spreadsheet_wrote_them(tmp_path: Path, database_url: str) -> None:
    # A Dutch spreadsheet writes 250.000 (euros) and 0,4; read the English way it would be 250 euros.
    sheet = tmp_path / "bedrijven.csv"
    sheet.write_text("id;name;description;capacity.max_contract_value;capacity.staff;digest.min_score\n"
                     "groen;Groen;Groenonderhoud;250.000;12;0,4\nbouw;Bouw;Klussen;1.500.000,50;;\n"
                     "vreemd;Vreemd;Klussen;twee ton;;\n", encoding="utf-8")  # fmt: skip
    result = _import(sheet, database_url)
    assert result.exit_code == 1 and "bedrijven.csv:4: capacity.max_contract_value" in result.output  # type: ignore[attr-defined]
    stored = _stored(database_url)
    assert stored["groen"]["capacity"] == {"max_contract_value": 250000, "staff": 12}
    assert stored["groen"]["digest"]["min_score"] == 0.4
    assert stored["bouw"]["capacity"]["max_contract_value"] == 1500000.5
    english = tmp_path / "companies.csv"
    english.write_text("id,name,description,capacity.max_contract_value\nkeuken,Keuken,Catering,\"80,000\"\n",
                       encoding="utf-8")  # fmt: skip
    assert _import(english, database_url).exit_code == 0
    assert _stored(database_url)["keuken"]["capacity"]["max_contract_value"] == 80000


def test_a_thousands_separator_read_as_a_decimal_point_is_refused(tmp_path: Path, database_url: str) -> None:
    listed = tmp_path / "companies.yaml"
    row = "- id: groen\n  name: Groen\n  description: Groen.\n  capacity: {max_contract_value: 250.000}\n"
    listed.write_text(row, encoding="utf-8")
    result = _import(listed, database_url)
    assert result.exit_code == 1 and "250000, not 250.000" in result.output  # type: ignore[attr-defined]
    assert _stored(database_url) == {}


def test_an_address_a_mail_header_cannot_carry_is_refused(tmp_path: Path, database_url: str) -> None:
    listed = tmp_path / "companies.yaml"
    listed.write_text("".join(f"- id: c{n}\n  name: C\n  description: Schoonmaak.\n  email: '{address}'\n"
                              for n, address in enumerate(["jan.@x.nl", "info@bedrijf..nl", "jan,piet@x.nl",
                                                           "jan@x.nl"])), encoding="utf-8")  # fmt: skip
    result = _import(listed, database_url)
    assert "3 refused" in result.output and set(_stored(database_url)) == {"c3"}  # type: ignore[attr-defined]


def test_yaml_numbers_are_codes_and_ids_as_written(tmp_path: Path, database_url: str) -> None:
    # Unquoted, YAML 1.1 reads 03450000 as an octal number (937984) and 41234567 as a number, not a text.
    listed = tmp_path / "companies.yaml"
    listed.write_text("- id: 41234567\n  name: Kwekerij\n  description: Bomen en planten kweken.\n"
                      "  cpv: 03450000\n- id: groen\n  name: Groen\n  description: Groenonderhoud.\n"
                      "  cpv: [77310000, 03451000]\n  capacity: {max_contract_value: 0250000}\n",
                      encoding="utf-8")  # fmt: skip
    result = _import(listed, database_url)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    stored = _stored(database_url)
    assert stored["41234567"]["cpv"] == ["03450000"]
    assert stored["groen"]["cpv"] == ["77310000", "03451000"]
    assert stored["groen"]["capacity"]["max_contract_value"] == 250000


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.yaml", "- id: a\n  name: [unclosed\n", "broken.yaml: line 3: not valid YAML"),
        ("scalar.yaml", "just text\n", "expected a list of companies"),
        ("mapping.yaml", "firms: []\n", "a mapping with a 'companies:' list"),
        ("columns.csv", "id,name,description,colour\n", "line 1: unknown column(s) colour"),
        ("binary.csv", b"id,name,description\nx,Caf\x81,y\n", "line 2: not UTF-8 text, nor Windows-1252"),
        # UTF-8 with one broken byte: refused, not read as Windows-1252 (its good "é" would become "Ã©").
        ("broken.csv", "id,name,description\nx,Café,y\nz,Caf".encode() + b"\xe9,y\n", "line 3: not UTF-8 text"),
        ("companies.json", "[]", "unsupported file type .json"),
    ],
)
def test_unreadable_files_are_refused_whole(
    tmp_path: Path, database_url: str, name: str, content: str | bytes, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = _import(path, database_url)
    assert result.exit_code == 2  # the file as a whole: a usage error, as the README's exit codes say
    assert message in result.stderr
    assert _stored(database_url) == {}


def test_empty_file_imports_nothing(tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("")
    result = _import(path, database_url)
    assert result.exit_code == 0
    assert "0 new" in result.stdout and "no companies in it" in result.stderr


def test_yaml_cannot_build_python_objects(tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("- !!python/object/apply:os.system ['touch pwned']\n")
    result = _import(path, database_url)
    assert result.exit_code == 2
    assert "not valid YAML" in result.stderr
    assert not (tmp_path / "pwned").exists()


def test_a_code_no_list_knows_is_refused_by_line(tmp_path: Path, database_url: str) -> None:
    # Well-formed, but NK32 is a typo of NL32 and 999 starts no CPV code: stored, the company would never match.
    listed = tmp_path / "companies.yaml"
    listed.write_text("- id: typo\n  name: T\n  description: Groen.\n  regions: [NK32, NL33C]\n"
                      "- id: code\n  name: C\n  description: Groen.\n  cpv: ['999', '7731']\n"
                      "- id: goed\n  name: G\n  description: Groen.\n  regions: [NL, nl329, BE2]\n"
                      "  cpv: ['03450000']\n",
                      encoding="utf-8")  # fmt: skip
    result = _import(listed, database_url)
    assert result.exit_code == 1
    assert "companies.yaml:1: regions: not a NUTS region or country: 'NK32'" in result.output  # type: ignore[attr-defined]
    assert "companies.yaml:5: cpv: not a CPV code or the start of one: '999'" in result.output  # type: ignore[attr-defined]
    assert set(_stored(database_url)) == {"goed"}
