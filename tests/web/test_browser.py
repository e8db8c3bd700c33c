"""A person in a real browser (headless Chromium through Selenium) against `kansenradar serve`: a feedback link
as a digest carries it, the company page's buttons, and the coverage dashboard's filters."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jobs.web import tokens
from tests.dbutil import rows
from tests.web.conftest import NOTICE_TITLE, Served

pytestmark = pytest.mark.slow

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip(
        "Debian's chromium and chromium-driver are not installed (.ci/run installs them)", allow_module_level=True
    )
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
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


def test_feedback_link_from_a_digest_is_confirmed_and_stored(served: Served, browser: Any) -> None:
    url = tokens.feedback_url(served.settings, company_id="groen-noord", source="ted", notice_id="123456-2026",
                              lot_id=None, relevant=False)  # fmt: skip
    browser.get(url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Past dit bij jullie?"
    assert NOTICE_TITLE in browser.find_element(By.CLASS_NAME, "notice").text
    assert browser.find_element(By.ID, "answer").text == "Niet voor ons"
    _screenshot(browser, served.folder, "feedback")
    assert rows(served.database_url, "SELECT * FROM feedback WHERE company_id = 'groen-noord'") == []
    browser.find_element(By.ID, "confirm").click()
    done = _wait_for(browser, "done")
    assert "niets voor Groen Noord" in done.text
    stored = rows(
        served.database_url, "SELECT lot_id, relevant, channel FROM feedback WHERE company_id = 'groen-noord'"
    )
    assert stored == [("", False, "web")]
    browser.get(url[:-4] + ("abcd" if not url.endswith("abcd") else "efgh"))
    assert "niet (meer) geldig" in browser.find_element(By.TAG_NAME, "h1").text


def test_company_page_shows_matches_and_its_buttons_record_feedback(served: Served, browser: Any) -> None:
    browser.get(tokens.company_url(served.settings, company_id="green-co"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Opportunities for Green Co"
    first = browser.find_element(By.ID, "match-1")
    assert NOTICE_TITLE in first.text and "Closes" in first.text
    assert " CET" in first.text or " CEST" in first.text  # deadlines in KANSENRADAR_TIMEZONE, with the zone
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
    assert _first_column(browser) == ["2026-10", "2026-11", "Totaal"]
    assert browser.find_element(By.TAG_NAME, "th").text == "maand"
    csv_link = browser.find_element(By.ID, "csv").get_attribute("href")
    assert "group_by=month" in csv_link and "format=csv" in csv_link
