"""Catalogs and formatting: every message in the code and templates is in the Dutch catalog, translated and
not fuzzy; placeholders survive translation; money, dates and weeks follow the reader's locale."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from jobs.language import catalog
from jobs.templating import templates
from matcher import i18n
from tests.conftest import PROJECT_ROOT

# domain -> the folder its messages are extracted from (as `make messages` does)
DOMAINS = {"kansenradar": PROJECT_ROOT / "jobs", "matcher": PROJECT_ROOT / "matcher"}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extracted(folder: Path) -> dict[str, str]:
    """Return the message ids the code and templates under ``folder`` use, with where each is used."""
    with (PROJECT_ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for filename, line, message, _comments, _context in extract_from_dir(str(folder), method_map, options_map):
        key = message[0] if isinstance(message, tuple) else message
        found[key] = f"{folder.name}/{filename}:{line}"
    return found


def _catalog(domain: str, folder: Path, lang: str) -> object:
    path = folder / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
    assert path.is_file(), f"{path} is missing: run `make messages`"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=domain)


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_every_message_is_translated_in_the_dutch_catalog(domain: str) -> None:
    folder = DOMAINS[domain]
    dutch = _catalog(domain, folder, "nl")
    _catalog(domain, folder, "en")  # English is the message id itself, but the catalog must exist
    problems = []
    for message_id, where in sorted(_extracted(folder).items()):
        entry = dutch.get(message_id)  # type: ignore[attr-defined]
        strings = [] if entry is None else list(entry.string) if isinstance(entry.string, tuple) else [entry.string]
        if entry is None:
            problems.append(f"{where}: {message_id!r} is not in the catalog (run `make messages`)")
        elif entry.fuzzy or not all(strings):
            problems.append(f"{where}: {message_id!r} is {'fuzzy' if entry.fuzzy else 'not translated'}")
        elif any(set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(message_id)) for s in strings):
            problems.append(f"{where}: {message_id!r} has other placeholders in Dutch: {strings}")
    assert not problems, "\n".join(problems)


def test_the_checker_catches_a_missing_translation(tmp_path: Path) -> None:
    source = tmp_path / "pkg"
    source.mkdir()
    (source / "page.py").write_text('_("Not in any catalog yet")\n', encoding="utf-8")
    assert "Not in any catalog yet" in _extracted(source)
    assert _catalog("kansenradar", DOMAINS["kansenradar"], "nl").get("Not in any catalog yet") is None  # type: ignore[attr-defined]


def test_catalogs_and_templates_speak_the_readers_language() -> None:
    assert catalog("nl").gettext("Unsubscribe") == "Afmelden"
    assert catalog("en").gettext("Unsubscribe") == "Unsubscribe"
    assert catalog("de").gettext("Unsubscribe") == "Afmelden"  # readers get Dutch unless they asked for English
    plural = "%(num)s opportunity in %(week)s for %(name)s", "%(num)s opportunities in %(week)s for %(name)s"
    values = {"week": "week 49", "name": "X"}
    assert catalog("nl").ngettext(*plural, 1) % {"num": 1, **values} == "1 kans in week 49 voor X"
    assert catalog("nl").ngettext(*plural, 3) % {"num": 3, **values} == "3 kansen in week 49 voor X"
    assert catalog("en").ngettext(*plural, 3) % {"num": 3, **values} == "3 opportunities in week 49 for X"
    source = '{{ _("Dear %(name)s,", name=who) }} {{ 280000|money }}'
    assert templates("nl").from_string(source).render(who="<b>") == "Beste mensen van <b>, €\xa0280.000"
    assert templates("en").from_string(source).render(who="x") == "Dear x, €280,000"


def test_locale_formatting() -> None:
    zone = ZoneInfo("Europe/Amsterdam")
    assert i18n.money(280000, "EUR", "nl") == "€\xa0280.000" and i18n.money(280000, "EUR", "en") == "€280,000"
    assert i18n.moment(datetime(2026, 12, 18, 11, 0, tzinfo=UTC), zone, "nl") == "vr 18 dec 2026 12:00 (CET)"
    assert i18n.moment(datetime(2026, 6, 18, 10, 0, tzinfo=UTC), zone, "en") == "Thu 18 Jun 2026 12:00 (CEST)"
    assert [i18n.week(day, "nl") for day in (date(2026, 11, 30), date(2026, 12, 6), date(2027, 1, 3))] == [
        "week 49", "week 49", "week 53"]  # fmt: skip
    assert i18n.percent(2 / 3, "nl") == "67%" and i18n.number(1234567, "nl") == "1.234.567"


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_no_message_is_a_fragment_glued_to_another(domain: str) -> None:
    # A piece that starts with a separator ("; you need ...", " — tight") is glued after another message in code: a
    # translator sees half a sentence and cannot reorder it. Each line a reader sees is one message.
    glued = [
        f"{where}: {message_id!r}"
        for message_id, where in sorted(_extracted(DOMAINS[domain]).items())
        if re.match(r"[;,:]|\s+[—–-]\s", message_id)
    ]
    assert not glued, "\n".join(glued)
