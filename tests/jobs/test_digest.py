"""Digests end to end: stored matches -> e-mails received by a real SMTP server on 127.0.0.1, or .eml files."""

from __future__ import annotations

import email
import email.policy
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from icalendar import Calendar
from sqlalchemy import text
from sqlmodel import select

from jobs.cli import cli
from jobs.clock import iso_week, local_week
from jobs.digest import expire_and_retry
from jobs.settings import Settings
from jobs.web import tokens
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from storage.models import Delivery
from tests.dbutil import rows
from tests.factories import make_profile, make_record
from tests.smtp import smtp_server

SOON = datetime.now(UTC) + timedelta(days=20)
HOSTILE_TITLE = "Groenonderhoud <script>alert('x')</script>\r\nBcc: victim@example.com"


def _prepare(url: str) -> None:
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile(regions=["NL32"], name="Groen <Noord>"))
        english = make_profile(id="english", name="Green Co", language="en", email="hello@green.example",
                               regions=["NL32"])  # fmt: skip
        schoon = make_profile(id="schoon", name="Schoon", cpv=["9091"], description="Schoonmaak", regions=["NL33"])
        repository.upsert_company(session=session, profile=english)
        repository.upsert_company(session=session, profile=schoon)
        description = "Social return: 5% van de opdrachtwaarde. Inschrijver beschikt over VCA en ISO 14001."
        notice = make_record(title=HOSTILE_TITLE, deadline=SOON, description=description,
                             documents_url="https://aanbestedingen.example/stukken/123456")  # fmt: skip
        repository.upsert_notice(session=session, record=notice)
    engine.dispose()
    result = CliRunner().invoke(cli, ["--database-url", url, "match"])
    assert result.exit_code == 0, result.output


def _env(port: int, tmp_path: Path) -> dict[str, str]:
    return {"KANSENRADAR_SMTP_HOST": "127.0.0.1", "KANSENRADAR_SMTP_PORT": str(port),
            "KANSENRADAR_SMTP_STARTTLS": "false", "KANSENRADAR_SMTP_FROM": "Kansenradar <radar@kansen.example>",
            "KANSENRADAR_OUTBOX": str(tmp_path / "outbox")}  # fmt: skip


def _deliveries(url: str) -> list[tuple[str, str, int]]:
    engine = get_engine(url)
    with session_scope(engine) as session:
        rows = session.exec(select(Delivery).order_by(Delivery.company_id)).all()
        result = [(d.company_id, d.status, d.attempts) for d in rows]
    engine.dispose()
    return result


def test_digests_are_sent_once_with_both_parts_and_escaped_content(database_url: str, tmp_path: Path) -> None:
    _prepare(database_url)
    with smtp_server() as (mailbox, port):
        first = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--send"], env=_env(port, tmp_path))
        assert first.exit_code == 0, first.output
        assert "sent 2" in first.stdout and "no matches 1" in first.stdout
        assert len(mailbox.messages) == 2
        dutch = next(m for m in mailbox.messages if "info@groen-noord.example" in str(m["To"]))
        # The week where the companies live, as the digest counts it (on Sunday night UTC is a week behind).
        week = local_week(datetime.now(UTC), Settings().zone).split("-W")[1].lstrip("0")
        # One notice with two of its lots matched is one opportunity, in plain Dutch.
        assert dutch["Subject"] == f"1 kans in week {week} voor Groen <Noord>"
        assert dutch["Date"] and dutch["Message-ID"].endswith("@kansen.example>")
        assert dutch["List-Unsubscribe"].strip().startswith("<mailto:radar@kansen.example?subject=unsubscribe")
        assert "List-Unsubscribe-Post" not in dutch  # one click needs the https link
        assert "Bcc" not in dutch and all("victim" not in v for v in dutch.values())
        assert dutch.get_content_type() == "multipart/mixed"  # the text and HTML alternatives, and the calendar
        text = dutch.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        html = dutch.get_body(preferencelist=("html",)).get_content()
        assert f"In week {week} vond Kansenradar 1 aanbesteding die bij jullie past." in text
        assert "Om zelf op in te schrijven" in text and "Past bij jullie werk" in text
        assert "Aanbesteder: Gemeente Amsterdam | Plaats: Groot-Amsterdam | Geraamde waarde: €\xa0180.000" in text
        assert "\n   Nog te regelen: VCA, ISO 14001\n" in text
        assert "Percelen die passen: LOT-0001: Perceel Noord-West (€\xa090.000)" in text
        deadline = SOON.astimezone(ZoneInfo("Europe/Amsterdam"))
        assert f"{deadline:%H:%M} ({deadline.tzname()})" in text  # local time, with its zone
        assert "<strong>Nog te regelen:</strong> VCA, ISO 14001</p>" in html
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "Groen &lt;Noord&gt;" in html
        # The notice in its own language (Dutch), its documents where the notice gives them.
        assert '<a href="https://ted.europa.eu/nl/notice/-/detail/123456-2026"' in html
        documents = re.search(r'<a href="([^"]+)"[^>]*>Aanbestedingsstukken</a>', html)
        assert documents and documents.group(1) == "https://aanbestedingen.example/stukken/123456"
        assert "/feedback/" not in html  # no public address configured: no web links
        english = next(m for m in mailbox.messages if "hello@green.example" in str(m["To"]))
        assert english["Subject"] == f"1 opportunity in week {week} for Green Co"
        english_text = english.get_body(preferencelist=("plain",)).get_content()
        assert "To bid on yourselves" in english_text and "Estimated value: €180,000" in english_text
        second = CliRunner().invoke(
            cli, ["--database-url", database_url, "digest", "--send"], env=_env(port, tmp_path)
        )
        assert "already 2" in second.stdout and len(mailbox.messages) == 2
    assert [(c, s) for c, s, _a in _deliveries(database_url)] == [("english", "sent"), ("groen-noord", "sent")]


def test_an_address_the_mail_cannot_carry_stops_only_its_own_digest(database_url: str, tmp_path: Path) -> None:
    # Stored before imports checked addresses as the To header reads them; "english" is mailed first.
    _prepare(database_url)
    engine = get_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE company SET email = 'green.@example.org' WHERE id = 'english'"))
    engine.dispose()
    matched = CliRunner().invoke(cli, ["--database-url", database_url, "match", "--full"])
    assert matched.exit_code == 0, matched.output  # a stored profile is read back without the mail's check
    with smtp_server() as (mailbox, port):
        result = CliRunner().invoke(
            cli, ["--database-url", database_url, "digest", "--send"], env=_env(port, tmp_path)
        )
        assert [m["To"].addresses[0].addr_spec for m in mailbox.messages] == ["info@groen-noord.example"]
    assert result.exit_code == 1 and "english: cannot address the digest: not an e-mail address" in result.output
    assert "Traceback" not in result.output


def test_calendar_attachment_and_signed_links(database_url: str, tmp_path: Path) -> None:
    _prepare(database_url)
    outbox = tmp_path / "box"
    secret = "digest-test-secret-" + "s" * 30
    env = {"KANSENRADAR_OUTBOX": str(outbox), "KANSENRADAR_PUBLIC_URL": "https://kansen.example.org",
           "KANSENRADAR_SECRET_KEY": secret,
           "KANSENRADAR_SMTP_FROM": "Kansenradar <radar@kansen.example>"}  # fmt: skip
    result = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", "2026-W48"], env=env)
    assert result.exit_code == 0, result.output
    raw = (outbox / "2026-W48" / "groen-noord.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    # As written, for mail clients that read the header itself: plain, not MIME-encoded (=?utf-8?q?=3Chttps...).
    header = next(line for line in raw.splitlines() if line.startswith(b"List-Unsubscribe:"))
    assert header.startswith(b"List-Unsubscribe: <https://kansen.example.org/unsubscribe/") and b"=?" not in header
    assert all(len(line) <= 78 for line in raw.splitlines() if not line.startswith(b"List-Unsubscribe:"))
    assert {part.get("Content-Transfer-Encoding") for part in message.walk() if not part.is_multipart()} == {
        "quoted-printable"
    }
    # RFC 8058: the https link first (one click by POST), the mailto as a second way.
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://kansen.example.org/unsubscribe/") and "<mailto:" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    settings = Settings(secret_key=secret, public_url="https://kansen.example.org")  # type: ignore[arg-type]
    assert tokens.read_unsubscribe_token(settings, unsubscribe[1:].split(">")[0].rsplit("/", 1)[1]) == "groen-noord"
    html = message.get_body(preferencelist=("html",)).get_content()
    links = re.findall(r'href="https://kansen\.example\.org/feedback/([^"]+)"', html)
    claims = [tokens.read_feedback_token(settings, token) for token in links]
    assert [(c.company_id, c.notice_id, c.lot_id, c.relevant) for c in claims] == [
        ("groen-noord", "123456-2026", None, True), ("groen-noord", "123456-2026", None, False)]  # fmt: skip
    assert ">Past bij ons</a>" in html and ">Niet voor ons</a>" in html
    company_link = re.search(r'href="https://kansen\.example\.org/company/([^"]+)"', html)
    assert company_link and tokens.read_company_token(settings, company_link.group(1)) == "groen-noord"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and attachment.get_filename() == "kansenradar-2026-W48.ics"
    assert attachment.get_param("method") == "PUBLISH"
    calendar = Calendar.from_ical(attachment.get_content())
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == "kansenradar.groen-noord.ted.123456-2026@kansen.example"
    assert event.decoded("DTSTART") == SOON.replace(microsecond=0)
    assert str(event["SUMMARY"]).startswith("Deadline: Groenonderhoud")
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-10)  # the profile's preparation days
    # Next week's digest names the same event, so a calendar updates it instead of adding another.
    CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", "2026-W49"], env=env)
    again = email.message_from_bytes((outbox / "2026-W49" / "groen-noord.eml").read_bytes(),
                                     policy=email.policy.default)  # fmt: skip
    (later,) = Calendar.from_ical(next(again.iter_attachments()).get_content()).walk("VEVENT")
    assert later["UID"] == event["UID"]


def test_reminder_wording_follows_the_calendar(database_url: str, tmp_path: Path) -> None:
    # 0 preparation days: the calendar reminds two hours ahead, and the mail says so (not "0 days ahead").
    _prepare(database_url)
    with session_scope(get_engine(database_url)) as session:
        repository.upsert_company(session=session, profile=make_profile(
            id="english", name="Green Co", language="en", email="hello@green.example", regions=["NL32"],
            preparation_days=0))  # fmt: skip
    outbox = tmp_path / "box"
    env = {"KANSENRADAR_OUTBOX": str(outbox), "KANSENRADAR_SMTP_FROM": "Kansenradar <radar@kansen.example>"}
    result = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", "2026-W48"], env=env)
    assert result.exit_code == 0, result.output
    texts = {}
    for company in ("english", "groen-noord"):
        message = email.message_from_bytes((outbox / "2026-W48" / f"{company}.eml").read_bytes(),
                                           policy=email.policy.default)  # fmt: skip
        texts[company] = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        (alarm,) = Calendar.from_ical(next(message.iter_attachments()).get_content()).walk("VALARM")
        texts[company + " alarm"] = alarm.decoded("TRIGGER")
        assert ("two hours ahead" in html) == (company == "english")
    assert "with a reminder two hours ahead.\n\n" in texts["english"] and "reminder 0 days" not in texts["english"]
    assert texts["english alarm"] == timedelta(hours=-2)
    assert "met een herinnering 10 dagen van tevoren.\n\n" in texts["groen-noord"]
    assert texts["groen-noord alarm"] == timedelta(days=-10)


def test_only_earlier_weeks_are_retried(database_url: str, tmp_path: Path) -> None:
    _prepare(database_url)
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        for week in ("2026-W47", "2026-W52"):
            repository.add_delivery(session=session, company_id="groen-noord", iso_week=week)
    settings = Settings(outbox=tmp_path / "box", digest_retry_days=1)  # type: ignore[arg-type]
    run = expire_and_retry(engine=engine, settings=settings, now=datetime(2026, 12, 2, 9, tzinfo=UTC),
                           current_week="2026-W49")  # fmt: skip
    # A month on, past the retry window but still before W52: that week's digest does not expire before its week.
    later = expire_and_retry(engine=engine, settings=settings, now=datetime.now(UTC) + timedelta(days=30),
                             current_week="2026-W50")  # fmt: skip
    engine.dispose()
    assert later.counts["expired"] == 0
    assert run.counts["outbox"] == 1  # W47 retried; W52, made ahead, waits for its own week
    assert rows(database_url, "SELECT iso_week, status FROM delivery ORDER BY iso_week") == [
        ("2026-W47", "outbox"), ("2026-W52", "pending")]  # fmt: skip


def test_failed_send_stays_pending_and_is_retried(database_url: str, tmp_path: Path) -> None:
    _prepare(database_url)
    with smtp_server() as (mailbox, port):
        mailbox.refuse = True
        args = ["--database-url", database_url, "digest", "--send", "--company", "groen-noord"]
        failing = CliRunner().invoke(cli, args, env=_env(port, tmp_path))
        assert failing.exit_code == 1
        assert _deliveries(database_url) == [("groen-noord", "pending", 1)]
        # A look at it without --send writes the file and leaves the retry due.
        look = CliRunner().invoke(cli, args[:-3] + ["--company", "groen-noord"], env=_env(port, tmp_path))
        assert look.exit_code == 0 and _deliveries(database_url) == [("groen-noord", "pending", 1)]
        mailbox.refuse = False
        retry = CliRunner().invoke(cli, args, env=_env(port, tmp_path))
        assert retry.exit_code == 0, retry.output
        assert len(mailbox.messages) == 1
    assert _deliveries(database_url) == [("groen-noord", "sent", 2)]


def test_without_smtp_the_outbox_gets_eml_files(database_url: str, tmp_path: Path) -> None:
    _prepare(database_url)
    outbox = tmp_path / "box"
    env = {"KANSENRADAR_OUTBOX": str(outbox)}
    result = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", "2026-W48"], env=env)
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (outbox / "2026-W48").iterdir())
    assert files == ["english.eml", "groen-noord.eml"]
    message = email.message_from_bytes(
        (outbox / "2026-W48" / "groen-noord.eml").read_bytes(), policy=email.policy.default
    )
    assert message["Subject"] == "1 kans in week 48 voor Groen <Noord>"
    again = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", "2026-W48"], env=env)
    assert "already 2" in again.stdout


def test_a_digest_offers_what_is_open_on_its_own_day(database_url: str, tmp_path: Path) -> None:
    # A run "as of" March 2024, looking back, stored a then-recent undated notice, an award and an open call: this
    # week's digest offers only the call (the undated notice aged out long ago; an award is no opportunity).
    engine = get_engine(database_url)
    upgrade(engine)
    published = date(2024, 2, 20)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile(regions=["NL32"]))
        for number, title, kind, deadline in ((1, "Vooraankondiging groenonderhoud", "pin-only", None),
                                              (2, "Gunning groenonderhoud", "can-standard", None),
                                              (3, "Groenonderhoud parken", "cn-standard", SOON)):  # fmt: skip
            record = make_record(notice_id=f"{number}-2024", publication_number=f"{number}-2024", title=title,
                                 procedure_id=f"p{number}", notice_type=kind, deadline=deadline,
                                 publication_date=published)  # fmt: skip
            repository.upsert_notice(session=session, record=record)
    engine.dispose()
    stored = CliRunner().invoke(cli, ["--database-url", database_url, "match", "--as-of", "2024-03-01",
                                      "--include-closed", "--format", "jsonl"])  # fmt: skip
    assert stored.exit_code == 0, stored.output
    assert len(stored.stdout.splitlines()) == 3
    week = local_week(datetime.now(UTC), Settings().zone)  # this week, where the companies live
    outbox = tmp_path / "box"
    result = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", week],
                                env={"KANSENRADAR_OUTBOX": str(outbox)})  # fmt: skip
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes((outbox / week / "groen-noord.eml").read_bytes(), policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Groenonderhoud parken" in text
    assert "Vooraankondiging" not in text and "Gunning" not in text


def test_a_past_weeks_digest_offers_what_was_open_that_week(database_url: str, tmp_path: Path) -> None:
    # A look-back match for June 2021; its week's digest is about that week, not about today.
    engine = get_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile(regions=["NL32"]))
        for number, deadline in ((1, datetime(2021, 6, 30, 12, tzinfo=UTC)), (2, datetime(2021, 6, 10, tzinfo=UTC))):
            record = make_record(notice_id=f"{number}-2021", publication_number=f"{number}-2021",
                                 procedure_id=f"p{number}", title=f"Groenonderhoud parken {number}",
                                 deadline=deadline, publication_date=date(2021, 6, 1))  # fmt: skip
            repository.upsert_notice(session=session, record=record)
    engine.dispose()
    stored = CliRunner().invoke(cli, ["--database-url", database_url, "match", "--as-of", "2021-06-05"])
    assert stored.exit_code == 0, stored.output
    outbox = tmp_path / "box"
    env = {"KANSENRADAR_OUTBOX": str(outbox), "KANSENRADAR_DIGEST_WEEKDAY": "1"}
    result = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", "2021-W24"], env=env)
    assert result.exit_code == 0, result.output
    assert "2021-W24 is past: stored matches open on 2021-06-14" in result.stderr
    assert "match --as-of 2021-06-14" in result.stderr
    message = email.message_from_bytes((outbox / "2021-W24" / "groen-noord.eml").read_bytes(),
                                       policy=email.policy.default)  # fmt: skip
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Groenonderhoud parken 1" in text and "Groenonderhoud parken 2" not in text  # 2 closed on 10 June
    assert "Deadlines binnenkort" not in text  # 30 June is 16 days after that week's digest day, not soon


def test_standalone_analyse_and_digest_show_in_runs(database_url: str, tmp_path: Path) -> None:
    _prepare(database_url)
    env = {"KANSENRADAR_OUTBOX": str(tmp_path / "box")}
    for args in (["analyse"], ["digest", "--week", "2026-W48"]):
        result = CliRunner().invoke(cli, ["--database-url", database_url, *args], env=env)
        assert result.exit_code == 0, result.output
    listed = CliRunner().invoke(cli, ["--database-url", database_url, "runs", "--format", "jsonl"])
    runs = {r["name"]: r for r in map(json.loads, listed.stdout.splitlines()) if r["type"] == "job_run"}
    assert runs["analyse"]["status"] == "success" and runs["analyse"]["counts"]["analysed"] >= 0
    assert runs["digest:manual"]["status"] == "success" and runs["digest:manual"]["watermark"] == "2026-W48"
    assert runs["digest:manual"]["counts"]["outbox"] == 2
    assert "digest" not in runs  # the schedule's own weekly digest is still due


def test_a_week_is_written_as_iso_writes_it(database_url: str, tmp_path: Path) -> None:
    _prepare(database_url)
    result = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", "2026-W5"],
                                env={"KANSENRADAR_OUTBOX": str(tmp_path / "box")})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Digests 2026-W05: ")  # (W05 was before the notices: nothing to send)


def test_bad_week_is_refused(database_url: str) -> None:
    result = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", "week 48"])
    assert result.exit_code == 2 and "ISO week" in result.stderr
    later = iso_week(datetime.now(UTC).date() + timedelta(days=14))
    result = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", later])
    assert result.exit_code == 2 and f"{later} has not begun" in result.stderr


def test_an_unsubscribed_company_gets_no_digest(database_url: str, tmp_path: Path) -> None:
    _prepare(database_url)
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        assert repository.unsubscribe(session=session, company_id="english") is not None
    engine.dispose()
    outbox = tmp_path / "box"
    env = {"KANSENRADAR_OUTBOX": str(outbox)}
    result = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", "2026-W48"], env=env)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (outbox / "2026-W48").iterdir()) == ["groen-noord.eml"]
    assert "unsubscribed 1" in result.stdout
    assert _deliveries(database_url) == [("groen-noord", "outbox", 1)]


def test_a_public_address_without_its_key_is_a_configuration_error(database_url: str, tmp_path: Path) -> None:
    env = {"KANSENRADAR_PUBLIC_URL": "https://kansen.example.org", "KANSENRADAR_OUTBOX": str(tmp_path / "box")}
    result = CliRunner().invoke(cli, ["--database-url", database_url, "digest"], env=env)
    assert result.exit_code == 2 and "KANSENRADAR_SECRET_KEY is not set" in result.stderr


def test_a_digest_lists_no_more_partner_tenders_than_max_items(database_url: str) -> None:
    # A company that asked for one tender got one to bid on and three partner tenders (at least 3 always).
    from jobs.digest_mail import collect
    from storage.models import Company

    engine = get_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        small = make_profile(regions=["NL32"], capacity={"max_contract_value": 20000}, digest={"max_items": 1})
        repository.upsert_company(session=session, profile=small)
        for number in range(4):  # too large to bid on, each with social return: partner tenders
            repository.upsert_notice(session=session, record=make_record(
                notice_id=f"{number}-2026", procedure_id=f"p{number}", deadline=SOON, lots=[],
                estimated_value={"amount": 3_000_000.0, "currency": "EUR"}))  # fmt: skip
    engine.dispose()
    assert CliRunner().invoke(cli, ["--database-url", database_url, "match"]).exit_code == 0
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        company = session.get(Company, "groen-noord")
        assert company is not None
        bids, partners = collect(session=session, company=company, as_of=datetime.now(UTC), settings=Settings())
    engine.dispose()
    assert (len(bids), len(partners)) == (0, 1)


def test_a_lot_still_open_after_the_first_lot_closed_is_offered_with_its_own_deadline(database_url: str) -> None:
    # The notice's deadline is its first lot's: that lot has closed, the other is open for another month.
    from jobs.digest_mail import collect
    from storage.models import Company

    now = datetime.now(UTC)
    closed, open_until = now - timedelta(days=2), now + timedelta(days=30)
    lots = [
        {"lot_id": lot, "title": title, "cpv_main": "77310000", "deadline": deadline.isoformat()}
        for lot, title, deadline in (("LOT-0001", "Noord", closed), ("LOT-0002", "Zuid", open_until))
    ]
    engine = get_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile(regions=[]))
        repository.upsert_notice(session=session, record=make_record(notice_id="5-2026", deadline=closed, lots=lots))
    engine.dispose()
    result = CliRunner().invoke(cli, ["--database-url", database_url, "match", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert [(m["notice_id"], m["lots"]) for m in map(json.loads, result.stdout.splitlines())] == [
        ("5-2026", ["LOT-0002"])
    ]
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        company = session.get(Company, "groen-noord")
        assert company is not None
        (item,), _partners = collect(session=session, company=company, as_of=now, settings=Settings())
    engine.dispose()
    assert item.deadline_at == open_until  # the open lot's, not the notice's first (closed) one


def test_a_stored_match_whose_lots_have_closed_is_not_offered_though_another_lot_is_open(database_url: str) -> None:
    from jobs.digest_mail import collect
    from storage.models import Company

    now = datetime.now(UTC)
    soon, later = now + timedelta(days=1), now + timedelta(days=30)
    lots = [{"lot_id": "LOT-0001", "title": "Groenonderhoud", "cpv_main": "77310000", "deadline": soon.isoformat()},
            {"lot_id": "LOT-0002", "title": "Riolering", "cpv_main": "45232410", "nuts": ["FRL04"],
             "description": "Vervangen van riolering", "deadline": later.isoformat()}]  # fmt: skip
    engine = get_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile())
        repository.upsert_notice(session=session, record=make_record(notice_id="6-2026", deadline=soon, lots=lots))
    engine.dispose()
    assert CliRunner().invoke(cli, ["--database-url", database_url, "match"]).exit_code == 0
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        listed = repository.match_listing(session=session, open_on=now, undated_days=90)
        assert [(m["notice_id"], m["lots"], m["deadline"]) for m in listed] == [("6-2026", ["LOT-0001"], soon)]
        # Three days on, before the next match run: the notice is open (LOT-0002), the company's lot is not.
        then = now + timedelta(days=3)
        assert repository.match_listing(session=session, open_on=then, undated_days=90) == []
        company = session.get(Company, "groen-noord")
        assert company is not None
        assert collect(session=session, company=company, as_of=then, settings=Settings()) == ([], [])
    engine.dispose()
