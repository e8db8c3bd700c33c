"""Digests end to end: stored matches -> e-mails received by a real SMTP server on 127.0.0.1, or .eml files."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from jobs.cli import cli
from jobs.digest import iso_week
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from storage.models import Delivery
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
        notice = make_record(title=HOSTILE_TITLE, deadline=SOON, description=description)
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
        assert dutch["Subject"].startswith(f"Kansenradar {iso_week(datetime.now(UTC).date())}: ")
        assert dutch["Subject"].endswith("kans(en) voor Groen <Noord>")
        assert dutch["Date"] and dutch["Message-ID"].endswith("@kansen.example>")
        assert dutch["List-Unsubscribe"].strip().startswith("<mailto:radar@kansen.example?subject=unsubscribe")
        assert "Bcc" not in dutch and all("victim" not in v for v in dutch.values())
        assert dutch.get_content_type() == "multipart/alternative"
        text = dutch.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        html = dutch.get_body(preferencelist=("html",)).get_content()
        assert "Om zelf op in te schrijven" in text and "Past bij jullie werk" in text
        assert "\n   Nog te regelen: VCA, ISO 14001\n" in text
        assert "<strong>Nog te regelen:</strong> VCA, ISO 14001</p>" in html
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "Groen &lt;Noord&gt;" in html
        assert "https://ted.europa.eu/en/notice/-/detail/123456-2026" in html
        english = next(m for m in mailbox.messages if "hello@green.example" in str(m["To"]))
        assert "To bid on yourselves" in english.get_body(preferencelist=("plain",)).get_content()
        second = CliRunner().invoke(
            cli, ["--database-url", database_url, "digest", "--send"], env=_env(port, tmp_path)
        )
        assert "already 2" in second.stdout and len(mailbox.messages) == 2
    assert [(c, s) for c, s, _a in _deliveries(database_url)] == [("english", "sent"), ("groen-noord", "sent")]


def test_failed_send_stays_pending_and_is_retried(database_url: str, tmp_path: Path) -> None:
    _prepare(database_url)
    with smtp_server() as (mailbox, port):
        mailbox.refuse = True
        args = ["--database-url", database_url, "digest", "--send", "--company", "groen-noord"]
        failing = CliRunner().invoke(cli, args, env=_env(port, tmp_path))
        assert failing.exit_code == 1
        assert _deliveries(database_url) == [("groen-noord", "pending", 1)]
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
    assert message["Subject"].startswith("Kansenradar 2026-W48:")
    again = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", "2026-W48"], env=env)
    assert "already 2" in again.stdout


def test_bad_week_is_refused(database_url: str) -> None:
    result = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", "week 48"])
    assert result.exit_code == 2 and "ISO week" in result.stderr


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
