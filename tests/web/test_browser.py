"""A person in a real browser (headless Chromium through Selenium) against `kansenradar serve`: the links of a
real digest from the outbox (feedback, unsubscribe), the company page's buttons, and the dashboard's filters."""

from __future__ import annotations

import email
import email.policy
import shutil
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jobs.cli import cli
from jobs.web import tokens
from tests.dbutil import rows, scalar
from tests.peers import missing
from tests.web.conftest import NOTICE_TITLE, SECRET, Served, http

pytestmark = pytest.mark.slow

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    missing("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
try:
    from selenium import webdriver
except ImportError:
    missing("selenium is not installed (pip install -e '.[test]')")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

# The machine is offline: without these flags Chromium spends its time trying to reach Google's services.
OFFLINE_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1200,1000")  # fmt: skip


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Start one headless Chromium with a fresh profile for the module."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in OFFLINE_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _wait_for(driver: Any, element_id: str) -> Any:
    return WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located((By.ID, element_id)))


def _screenshot(driver: Any, folder: Path, name: str) -> None:
    # Kept beside the test's server log: what the page looked like when an assertion failed.
    driver.save_screenshot(str(folder / f"{name}.png"))


@pytest.fixture(scope="module")
def outbox(served: Served) -> Path:
    """Write the week's digests of the served database to an outbox, linking to the served address."""
    folder = served.folder / "outbox"
    env = {"KANSENRADAR_OUTBOX": str(folder), "KANSENRADAR_PUBLIC_URL": served.base, "KANSENRADAR_SECRET_KEY": SECRET}
    result = CliRunner().invoke(cli, ["--database-url", served.database_url, "digest", "--week", "2026-W49"], env=env)
    assert result.exit_code == 0, result.output
    return folder / "2026-W49"


def _digest(outbox: Path, company_id: str) -> EmailMessage:
    message = email.message_from_bytes((outbox / f"{company_id}.eml").read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_feedback_link_from_a_digest_is_confirmed_and_stored(served: Served, outbox: Path, browser: Any) -> None:
    # The digest as the company reads it: its HTML part opened in the browser, the "niet voor ons" link clicked.
    page = served.folder / "groen-noord-digest.html"
    page.write_text(_digest(outbox, "groen-noord").get_body(preferencelist=("html",)).get_content(), encoding="utf-8")
    browser.get(page.as_uri())
    link = browser.find_element(By.LINK_TEXT, "Niet voor ons")
    assert link.get_attribute("href").startswith(f"{served.base}/feedback/")
    served.tokens.append(link.get_attribute("href").rsplit("/", 1)[1])
    link.click()
    WebDriverWait(browser, 15).until(lambda driver: driver.current_url.startswith(served.base))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Past dit bij jullie?"
    assert NOTICE_TITLE in browser.find_element(By.CLASS_NAME, "notice").text
    assert browser.find_element(By.ID, "answer").text == "Niet voor ons"
    _screenshot(browser, served.folder, "feedback")
    assert rows(served.database_url, "SELECT * FROM feedback WHERE company_id = 'groen-noord'") == []
    url = browser.current_url
    browser.find_element(By.ID, "confirm").click()
    done = _wait_for(browser, "done")
    assert "niets voor Groen Noord" in done.text
    stored = rows(
        served.database_url, "SELECT lot_id, relevant, channel FROM feedback WHERE company_id = 'groen-noord'"
    )
    assert stored == [("", False, "web")]
    browser.get(url[:-4] + ("abcd" if not url.endswith("abcd") else "efgh"))
    assert "niet (meer) geldig" in browser.find_element(By.TAG_NAME, "h1").text


def test_one_click_unsubscribe_from_a_digests_header(served: Served, outbox: Path, browser: Any) -> None:
    message = _digest(outbox, "stopper")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    target = message["List-Unsubscribe"].split(",")[0].strip().strip("<>")
    assert target.startswith(f"{served.base}/unsubscribe/")
    served.tokens.append(target.rsplit("/", 1)[1])
    # What a mail client does for RFC 8058: one POST, no page, no person.
    reply = http(
        target, data=b"List-Unsubscribe=One-Click", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert (reply.status, reply.text) == (200, "Unsubscribed.\n")
    assert scalar(served.database_url, "SELECT unsubscribed_at FROM company WHERE id = 'stopper'") is not None
    # The same link in the browser (the "Afmelden" line of the mail) says so and asks nothing more.
    browser.get(target)
    assert "Afgemeld sinds" in _wait_for(browser, "since").text
    assert not browser.find_elements(By.ID, "confirm")


def test_company_page_shows_matches_and_its_buttons_record_feedback(served: Served, browser: Any) -> None:
    browser.get(tokens.company_url(served.settings, company_id="green-co"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Opportunities for Green Co"
    first = browser.find_element(By.ID, "match-1")
    assert NOTICE_TITLE in first.text and "Closes" in first.text
    assert "(CET)" in first.text or "(CEST)" in first.text  # deadlines in KANSENRADAR_TIMEZONE, with the zone
    assert "NL32" in browser.find_element(By.CLASS_NAME, "profile").text
    _screenshot(browser, served.folder, "company")
    first.find_element(By.CLASS_NAME, "relevant").click()
    assert "Noted: this tender fits Green Co." in _wait_for(browser, "done").text
    stored = rows(served.database_url, "SELECT relevant, channel FROM feedback WHERE company_id = 'green-co'")
    assert stored == [(True, "web")]
    browser.find_element(By.LINK_TEXT, "See all your opportunities").click()
    assert "You said: fits us." in _wait_for(browser, "match-1").text


def _first_column(browser: Any) -> list[str]:
    table = browser.find_element(By.ID, "coverage")
    return [row.find_elements(By.TAG_NAME, "td")[0].text for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")]


def test_coverage_dashboard_filter_changes_the_table(served: Served, browser: Any) -> None:
    browser.get(f"{served.base}/coverage")
    assert _first_column(browser) == ["Gemeente Amsterdam", "Gemeente Utrecht", "Totaal"]
    _screenshot(browser, served.folder, "coverage")
    Select(browser.find_element(By.ID, "group_by")).select_by_value("month")
    browser.find_element(By.ID, "show").click()
    WebDriverWait(browser, 15).until(lambda driver: "group_by=month" in driver.current_url)
    assert _first_column(browser) == ["oktober 2026", "november 2026", "Totaal"]
    assert browser.find_element(By.TAG_NAME, "th").text == "Maand"  # capitalised like the other column headers
    csv_link = browser.find_element(By.ID, "csv").get_attribute("href")
    assert "group_by=month" in csv_link and "format=csv" in csv_link
    # A buyer: the table narrows to it and the page places it among its peers.
    browser.find_element(By.NAME, "buyer").send_keys("Utrecht")
    Select(browser.find_element(By.ID, "group_by")).select_by_value("buyer")
    browser.find_element(By.ID, "show").click()
    WebDriverWait(browser, 15).until(lambda driver: "buyer=Utrecht" in driver.current_url)
    assert _first_column(browser) == ["Gemeente Utrecht", "Totaal"]
    assert "Gemeente Utrecht" in browser.find_element(By.ID, "peers").text
