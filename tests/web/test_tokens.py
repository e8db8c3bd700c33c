"""Signed links: what they carry, how they fail, and the settings they need."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from click.testing import CliRunner
from pydantic import ValidationError

from jobs.cli import cli
from jobs.settings import Settings, describe_error
from jobs.web import tokens
from jobs.web.pages import _contact

SECRET = "unit-test-secret-key-" + "s" * 24


def _settings(**overrides: object) -> Settings:
    values: dict[str, object] = {"secret_key": SECRET, "public_url": "https://kansen.example.org/radar/"}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def test_feedback_token_round_trip() -> None:
    settings = _settings()
    token = tokens.feedback_token(settings, company_id="groen-noord", source="ted", notice_id="123456-2026",
                                  lot_id="LOT-0001", relevant=False)  # fmt: skip
    claim = tokens.read_feedback_token(settings, token)
    assert claim == tokens.FeedbackClaim("groen-noord", "ted", "123456-2026", "LOT-0001", False)
    whole = tokens.feedback_token(settings, company_id="c", source="file", notice_id="n", lot_id=None, relevant=True)
    assert tokens.read_feedback_token(settings, whole).lot_id is None
    assert tokens.read_company_token(settings, tokens.company_token(settings, company_id="c")) == "c"
    assert tokens.read_unsubscribe_token(settings, tokens.unsubscribe_token(settings, company_id="c")) == "c"


def test_tampered_foreign_and_other_purpose_tokens_are_refused() -> None:
    settings = _settings()
    token = tokens.company_token(settings, company_id="groen-noord")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, token[:-5], "", "not-a-token", token.replace("Imdy", "Imxy")):
        with pytest.raises(tokens.TokenError):
            tokens.read_company_token(settings, bad)
    with pytest.raises(tokens.TokenError) as refused:
        tokens.read_unsubscribe_token(settings, token)  # a page link is no unsubscribe link
    assert token not in str(refused.value)
    other_key = _settings(secret_key="another-secret-key-" + "o" * 24)
    with pytest.raises(tokens.TokenError):
        tokens.read_company_token(other_key, token)


def test_links_expire_after_their_lifetime_and_unsubscribe_lasts_a_year() -> None:
    settings = _settings(link_days=60)
    with time_machine.travel(datetime.now(UTC) - timedelta(days=61), tick=False):
        old_page = tokens.company_token(settings, company_id="c")
        old_unsubscribe = tokens.unsubscribe_token(settings, company_id="c")
    with pytest.raises(tokens.TokenError) as expired:
        tokens.read_company_token(settings, old_page)
    assert expired.value.expired
    assert tokens.read_unsubscribe_token(settings, old_unsubscribe) == "c"
    with time_machine.travel(datetime.now(UTC) - timedelta(days=366), tick=False):
        ancient = tokens.unsubscribe_token(settings, company_id="c")
    with pytest.raises(tokens.TokenError):
        tokens.read_unsubscribe_token(settings, ancient)


def test_urls_and_one_click_headers_from_the_public_address() -> None:
    settings = _settings()
    url = tokens.feedback_url(settings, company_id="c", source="ted", notice_id="n", lot_id=None, relevant=True)
    assert url.startswith("https://kansen.example.org/radar/feedback/")
    token = url.rsplit("/", 1)[1]
    assert tokens.read_feedback_token(settings, token).relevant is True
    assert tokens.company_url(settings, company_id="c").startswith("https://kansen.example.org/radar/company/")
    headers = tokens.list_unsubscribe_headers(settings, company_id="c", mailto="mailto:radar@kansen.example")
    link, mailto = headers["List-Unsubscribe"].split(", ")
    assert link.startswith("<https://kansen.example.org/radar/unsubscribe/") and link.endswith(">")
    assert mailto == "<mailto:radar@kansen.example>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert tokens.links_enabled(settings) and not tokens.links_enabled(_settings(public_url=None))


def test_missing_key_or_address_is_named() -> None:
    with pytest.raises(tokens.LinkConfigError, match="KANSENRADAR_SECRET_KEY"):
        tokens.company_url(_settings(secret_key=None), company_id="c")
    with pytest.raises(tokens.LinkConfigError, match="KANSENRADAR_SECRET_KEY"):
        tokens.links_enabled(_settings(secret_key=None))
    with pytest.raises(tokens.LinkConfigError, match="KANSENRADAR_PUBLIC_URL"):
        tokens.company_url(_settings(public_url=None), company_id="c")


def test_settings_check_the_address_and_never_repeat_the_key() -> None:
    with pytest.raises(ValidationError) as bad_url:
        _settings(public_url="ftp://kansen.example.org")
    assert describe_error(bad_url.value).startswith("KANSENRADAR_PUBLIC_URL: not an http:// or https:// address")
    short = "tiny-secret-value"
    with pytest.raises(ValidationError) as bad_key:
        _settings(secret_key=short)
    line = describe_error(bad_key.value)
    assert line.startswith("KANSENRADAR_SECRET_KEY: too short") and short not in line
    assert _settings(public_url="http://127.0.0.1:8080/").public_url == "http://127.0.0.1:8080"


def test_serve_and_links_without_a_key_are_one_line_config_errors(sqlite_url: str) -> None:
    for args in (["serve", "--port", "1"], ["links", "--company", "c"]):
        result = CliRunner().invoke(cli, ["--database-url", sqlite_url, *args], standalone_mode=True)
        assert result.exit_code == 2, result.output
        assert result.output.count("\n") == 1 and "KANSENRADAR_SECRET_KEY is not set" in result.output
    short = CliRunner().invoke(cli, ["--database-url", sqlite_url, "serve"], env={"KANSENRADAR_SECRET_KEY": "tiny-1"})
    assert short.exit_code == 2 and "KANSENRADAR_SECRET_KEY: too short" in short.output
    assert "tiny-1" not in short.output


@pytest.mark.parametrize(
    ("sender", "shown"),
    [
        ("Kansenradar <radar@kansen.example>", "radar@kansen.example"),
        ("Kansenradar <kansenradar@localhost>", None),  # the default: nobody reads that mailbox
        ("k@LOCALHOST", None),
        ("k@host.localhost", None),
        ("Kansenradar <no-reply@kansen.example>", None),  # a mailbox nobody reads either
        ("noreply@kansen.example", None),
    ],
)
def test_the_company_page_names_the_sender_to_write_to(sender: str, shown: str | None) -> None:
    assert _contact(Settings(smtp_from=sender)) == shown  # type: ignore[call-arg]
