"""`kansenradar companies remove`: a company that asks to be forgotten leaves nothing behind, its old links
answer "not found", and the other companies keep all of theirs."""

from __future__ import annotations

from click.testing import CliRunner

from jobs.cli import cli
from jobs.locks import run_lock
from jobs.web import tokens
from storage.db import get_engine
from tests.dbutil import scalar
from tests.web.conftest import Served, http

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
OWNED = ("match", "feedback", "delivery")


def _counts(served: Served, company_id: str) -> dict[str, int]:
    found = {table: scalar(served.database_url, f"SELECT count(*) FROM {table} WHERE company_id = '{company_id}'")
             for table in OWNED}  # fmt: skip
    found["company"] = scalar(served.database_url, f"SELECT count(*) FROM company WHERE id = '{company_id}'")
    return found


def _remove(served: Served, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--database-url", served.database_url, "companies", "remove", *args],
                                input=stdin)  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


def test_a_removed_company_leaves_nothing_and_its_links_are_gone(served: Served) -> None:
    feedback = tokens.feedback_url(served.settings, company_id="stopper", source="ted", notice_id="123456-2026",
                                   lot_id=None, relevant=True)  # fmt: skip
    page = tokens.company_url(served.settings, company_id="stopper")
    unsubscribe = tokens.unsubscribe_url(served.settings, company_id="stopper")
    served.tokens.extend(url.rsplit("/", 1)[1] for url in (feedback, page, unsubscribe))
    assert http(feedback, data=b"").status == 200
    served.run("digest", "--company", "stopper")  # a delivery, written to the outbox
    served.run("digest", "--company", "groen-noord")
    before = _counts(served, "stopper")
    assert before == {"match": 1, "feedback": 1, "delivery": 1, "company": 1}
    others = _counts(served, "groen-noord")
    assert others["match"] and others["delivery"]

    # Not at a terminal and not confirmed: refused, nothing deleted.
    code, _out, err = _remove(served, "stopper")
    assert code == 2 and "--yes" in err and _counts(served, "stopper") == before
    # An ID that is not stored (a typo in a list): refused, and nothing of the others is removed either.
    code, _out, err = _remove(served, "stopper", "nobody", "--yes")
    assert code == 2 and "no company with id 'nobody'; nothing removed" in err and _counts(served, "stopper") == before
    code, out, err = _remove(served, "stopper", "--yes")
    assert code == 0 and out == "stopper removed: matches 1, feedback 1, deliveries 1\n"
    # Its digest in the outbox is a file the operator decides about: named, not deleted.
    assert "1 digest file(s) of it remain in the outbox" in err and "stopper.eml" in err
    assert _counts(served, "stopper") == dict.fromkeys([*OWNED, "company"], 0)
    assert _counts(served, "groen-noord") == others

    # Links in digests it was sent: the company is gone, said so; not an error of the server, and nothing recorded.
    assert http(page).status == 410 and "staat niet meer in Kansenradar" in http(page).text
    assert http(feedback).status == 410 and http(feedback, data=b"").status == 410
    assert http(unsubscribe).status == 410
    assert http(unsubscribe, data=b"List-Unsubscribe=One-Click", headers=FORM).status == 200
    assert _counts(served, "stopper") == dict.fromkeys([*OWNED, "company"], 0)
    assert "stopper" not in served.run("companies", "list", "--format", "jsonl")
    # A match run afterwards scores the remaining companies and brings nothing of it back.
    served.run("match", "--quiet")
    assert _counts(served, "stopper") == dict.fromkeys([*OWNED, "company"], 0)
    code, _out, err = _remove(served, "stopper", "--yes")
    assert code == 2 and "no company with id 'stopper'" in err


def test_a_removal_waits_for_no_run(served: Served) -> None:
    engine = get_engine(served.database_url)
    try:
        with run_lock(engine):  # a `run` or `match` holding the lock, as another process would
            code, _out, err = _remove(served, "green-co", "--yes")
    finally:
        engine.dispose()
    assert code == 3 and "not started" in err and _counts(served, "green-co")["company"] == 1
