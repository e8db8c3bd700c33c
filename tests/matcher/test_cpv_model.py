"""The CPV-from-words model: learns from notices and labels, explains itself, stored as plain data."""

from __future__ import annotations

import gzip
import json
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pytest
from joblib.externals.loky.process_executor import TerminatedWorkerError
from scipy import sparse

from jobs.models import shipped_cpv_model
from matcher.cpv_model import from_state, predict, to_state, train_cpv_model
from matcher.cpv_suggest import suggest
from matcher.rules.trades import WORKFORCE

EXAMPLES = [
    ("Maaien en snoeien van plantsoenen en bermen", "77310000"),
    ("Groenonderhoud van parken en speelplaatsen", "77313000"),
    ("Schoonmaak van kantoren en scholen", "90911200"),
    ("Glazenwassen en schoonmaken van gevels", "90911300"),
    ("Catering en lunches voor scholen", "55524000"),
    ("Kantine en bedrijfsrestaurant", "55510000"),
    ("Ruokapalvelut kouluille ja päiväkodeille", "55524000"),
    ("Siivouspalvelut toimistoille", "90911200"),
]
LABELS = [("Beplanten en onderhouden van groengebieden", "77310000"), ("Reinigingsdiensten", "90910000"),
          ("Cateringdiensten", "55520000")]  # fmt: skip


def test_training_is_reproducible_and_the_stored_model_predicts_the_same() -> None:
    model = train_cpv_model(EXAMPLES, LABELS)
    again = train_cpv_model(EXAMPLES, LABELS)
    assert to_state(model) == to_state(again)
    loaded = from_state(to_state(model))
    # Each text shares words with its code's examples or label (in a corpus this small, nothing else can decide).
    texts = ["Schoonmaak van een buurthuis", "Koulujen ruokapalvelut", "Snoeien en beplanten van groengebieden"]
    assert predict(loaded, texts) == predict(model, texts)
    assert [p[0][0] for p in predict(model, texts, relative=True)] == ["909", "555", "773"]


def test_training_in_threads_gives_the_same_model() -> None:
    # Each group's classifier is fitted on its own, so how many threads fit them cannot change a weight.
    assert to_state(train_cpv_model(EXAMPLES, LABELS, workers=3)) == to_state(train_cpv_model(EXAMPLES, LABELS))
    with pytest.raises(ValueError, match="at least two"):
        train_cpv_model(EXAMPLES[:2], LABELS[:1])


def test_the_weights_kept_per_class_are_the_callers_in_every_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    import matcher.cpv_model

    monkeypatch.setattr(matcher.cpv_model, "WEIGHTS_PER_CLASS", 2)
    model = train_cpv_model(EXAMPLES, LABELS, workers=2)
    assert all(np.diff(weights.indptr).max() == 2 for weights in model.weights)


def _handlers_after_a_fit(caller: int) -> tuple[object, object]:
    from matcher.cpv_model import _one_against_rest

    _one_against_rest(sparse.csr_matrix(np.eye(4)), np.array([1, 0, 0, 1], dtype=bool), np.ones(4), caller)
    return signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)


def test_a_fitting_worker_leaves_signals_to_its_caller_and_the_caller_keeps_its_own() -> None:
    # A Ctrl-C or SIGTERM to the process group must not cut the workers off under a scheduler that lets a step finish.
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        assert pool.submit(_handlers_after_a_fit, os.getpid()).result() == (signal.SIG_IGN, signal.SIG_IGN)
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    assert _handlers_after_a_fit(os.getpid()) == before  # fitting in the caller's own process changes nothing


def test_a_worker_that_dies_costs_time_not_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    import matcher.cpv_model

    expected = to_state(train_cpv_model(EXAMPLES, LABELS))

    def killed(*_args: object, **_kwargs: object) -> object:
        raise TerminatedWorkerError("A worker process managed by the executor was unexpectedly terminated (SIGKILL)")

    monkeypatch.setattr(matcher.cpv_model, "Parallel", killed)  # the out-of-memory killer cannot be summoned here
    assert to_state(train_cpv_model(EXAMPLES, LABELS, workers=2)) == expected


def test_a_stored_model_is_data_and_damage_is_refused() -> None:
    data = to_state(train_cpv_model(EXAMPLES, LABELS))
    state = json.loads(gzip.decompress(data))
    assert set(state) == {"version", "documents", "parts", "levels"}  # terms and numbers, nothing executable
    with pytest.raises(ValueError, match="not a stored CPV model"):
        from_state(data[: len(data) // 2])
    state["version"] = "cpv-0"
    with pytest.raises(ValueError, match="is not"):
        from_state(gzip.compress(json.dumps(state).encode()))


def test_the_shipped_model_reads_everyday_dutch_and_says_why() -> None:
    model = shipped_cpv_model()
    best = suggest(model, "Wij maken kantoren en trappenhuizen schoon en lappen de ramen.")[0]
    assert best.code.startswith("909") and best.confidence == 1.0
    assert set(best.words) & {"kantoren", "schoon", "ramen", "trappenhuizen"}
    # A company offers work: supplies (cleaning products, division 39) are never suggested.
    assert all(not s.code.startswith("39") for s in suggest(model, "Schoonmaakmiddelen en poetsdoeken"))
    # Emptying litter bins is collecting refuse, not treating it; a reuse shop recycles.
    assert suggest(model, "Wij legen prullenbakken en afvalbakken in de buurt.")[0].code.startswith("90511")
    assert suggest(model, "In onze kringloopwinkel verkopen we tweedehands spullen.")[0].code.startswith("90514")


@pytest.mark.parametrize(
    ("description", "groups"),
    [
        # "work" and "Arbeit" are the CPV labels' commonest words (construction work): these read as building works.
        ("We support the re-integration of jobseekers into work.", ("853", "796", "805")),
        ("Wir helfen Langzeitarbeitslosen zurück in Arbeit, mit Jobcoaching und Qualifizierung in unserer Werkstatt.",
         ("853", "796", "805")),
        ("We clean offices and stairwells and wash the windows.", ("909",)),
        ("Nous tondons les pelouses, taillons les haies et entretenons les espaces verts du quartier.", ("773",)),
    ],
)  # fmt: skip
def test_the_shipped_model_reads_a_company_in_english_german_and_french(description: str, groups: tuple) -> None:
    assert suggest(shipped_cpv_model(), description)[0].code.startswith(groups)


@pytest.mark.slow
def test_the_shipped_model_is_what_its_build_writes(tmp_path: Path) -> None:
    # `make model` (python -m jobs.models) from the shipped labels and trade words: the committed file, byte for byte.
    from jobs.models import SHIPPED_CPV, main

    assert main([str(tmp_path / "cpv.json.gz")]) == 0
    shipped = Path(__file__).resolve().parents[2] / "matcher" / SHIPPED_CPV
    assert (tmp_path / "cpv.json.gz").read_bytes() == shipped.read_bytes()


def test_a_word_only_a_label_or_trade_example_uses_is_learned() -> None:
    # "buurtbus" and "strooiwagen" occur once, each in the one example that names a code: min_df must not drop them,
    # while a one-off word of a notice ("zonnebloem") stays out.
    examples = [*EXAMPLES, ("Zonnebloem in de kantine", "55510000")]
    trades = [("buurtbus ritjes", "60140000"), ("strooiwagen", "90630000")]
    model = train_cpv_model(examples, LABELS, trades)
    words = model.vectorizer.transformer_list[0][1].vocabulary_
    assert {"buurtbus", "strooiwagen", "ritjes"} <= words.keys()
    assert "zonnebloem" not in words
    assert predict(model, ["Wij rijden met de buurtbus"], relative=True)[0][0][0] == "601"
    # Without the trade examples the same word is unknown to the model.
    assert "buurtbus" not in train_cpv_model(examples, LABELS).vectorizer.transformer_list[0][1].vocabulary_


def test_trade_words_name_the_work_not_whom_it_is_for() -> None:
    # The people served (elderly, children, tenants) are in care, transport, catering and repair tenders alike: taught
    # as the words of one trade, they pulled a company that drives elderly people to day care toward day care.
    from matcher.rules.trades import TRADE_WORDS

    served = {"ouderen", "kinderen", "huurders", "bewoners"}
    assert not [(code, text) for code, text in TRADE_WORDS if served & set(text.split())]
    driving = "Onze chauffeurs rijden ouderen en kinderen met de buurtbus naar school, de huisarts en de dagbesteding."
    assert predict(shipped_cpv_model(), [driving], work_only=True, relative=True)[0][0][0] == "601"


def test_whom_a_company_works_for_does_not_decide_what_work_it_does() -> None:
    # In notices, the elderly and children are who social services are bought for; a neighbourhood bus that drives
    # them offers transport. Within the group, whom the work is for may still choose the code.
    examples = [
        ("Welzijnsdiensten voor ouderen en kinderen in de wijk", "85310000"),
        ("Dagbesteding en begeleiding van ouderen", "85312000"),
        ("Opvang en begeleiding van kinderen en jongeren", "85311300"),
        ("Personenvervoer met het busje en chauffeurs", "60140000"),
        ("Leerlingenvervoer: chauffeurs rijden het busje", "60130000"),
        ("Rolstoelvervoer met een aangepast busje", "60130000"),
    ]
    labels = [("Welzijnszorg", "85310000"), ("Niet-geregeld personenvervoer", "60140000")]
    model = train_cpv_model(examples, labels)
    description = "Onze chauffeurs rijden met het busje: ouderen naar de dokter, kinderen naar school, mensen thuis."
    suggested = suggest(model, description)
    assert suggested[0].code.startswith("601")
    assert set(suggested[0].words) & {"chauffeurs", "busje", "rijden"}


def test_a_company_that_names_only_whom_it_works_for_is_read_by_them() -> None:
    # "Oppas voor kinderen": without the children nothing is left to read, and the model's prior is no answer.
    examples = [("Opvang van kinderen en peuters", "85312110"), ("Kinderopvang en oppas voor kinderen", "85312110"),
                ("Bouw van een kindcentrum", "45214100"), ("Nieuwbouw school en kinderopvang gebouw", "45214100"),
                ("Bouwwerkzaamheden gebouwen", "45214100")]  # fmt: skip
    model = train_cpv_model(examples, [("Kinderopvang", "85312110"), ("Bouwwerkzaamheden", "45214100")])
    best = suggest(model, "Oppas voor kinderen")[0]
    assert best.code.startswith("853") and "kinderen" in best.words


def test_who_works_at_a_company_does_not_decide_what_work_it_does() -> None:
    # A resident company that names its workforce ("met mensen met een afstand tot de arbeidsmarkt") cleans
    # offices: read with those words it came out as vocational rehabilitation (85312510) above cleaning.
    model = shipped_cpv_model()
    cleaning = ("Bewonersbedrijf en sociale onderneming met mensen met een afstand tot de arbeidsmarkt: wij maken "
                "kantoren en trappenhuizen schoon.")  # fmt: skip
    assert suggest(model, cleaning)[0].code.startswith("909")
    wrapped = cleaning.replace("afstand tot de ", "afstand tot de\n  ").replace(
        "sociale onderneming", "sociale  onderneming"
    )
    assert suggest(model, wrapped)[0].code.startswith("909")  # a description's lines wrap anywhere
    assert WORKFORCE.sub(" ", "Entreprise d’insertion qui nettoie").strip() == "qui nettoie"
    assert not any(s.code.startswith("853") for s in suggest(model, cleaning))
    # A re-integration company keeps its work: what it does for those people is still there.
    placing = (
        "Wij helpen mensen met een afstand tot de arbeidsmarkt aan betaald werk, met een jobcoach en detachering."
    )
    assert suggest(model, placing)[0].code.startswith("796")
    # "Re-integratie" is not "integratie": no systems integration (722) or IT consultancy (712) among its work.
    for described in ("Re-integratie van mensen met afstand tot de arbeidsmarkt.",
                      "Re-integratie en jobcoaching voor mensen met een uitkering."):  # fmt: skip
        codes = [s.code for s in suggest(model, described)]
        assert codes[0].startswith("853") and not any(c.startswith(("722", "712")) for c in codes), codes
    # Nothing but who works there: then that is all there is to read.
    assert suggest(model, "Wij zijn een sociale onderneming met mensen met een afstand tot de arbeidsmarkt.")


def test_a_word_for_how_the_work_is_done_adds_no_branch_of_its_own() -> None:
    # A new user's companies: "herstellen" pointed a tailor at road repair, "toezicht" a caretaker at the
    # supervision of methane, "repareren" a furniture maker at tyres.
    model = shipped_cpv_model()
    tailor = [s.code for s in suggest(model, "Naaiatelier: wij herstellen kleding en maken tassen van oude stoffen.")]
    assert tailor[0].startswith(("98393", "5083")) and not any(c.startswith(("452", "451")) for c in tailor), tailor
    caretaker = [s.code for s in suggest(model, "Wijkconciërge: toezicht in portieken en grofvuil melden.")]
    assert caretaker[0].startswith("9834114") and not any(c.startswith("907") for c in caretaker), caretaker
    furniture = [s.code for s in suggest(model, "Wij repareren en stofferen meubels en knappen oude meubels op.")]
    assert furniture[0].startswith("5085") and not any(c.startswith(("5011", "4544")) for c in furniture), furniture
    errands = suggest(model, "Wij doen boodschappen en klusjes voor ouderen in de wijk.")
    assert errands[0].code.startswith("98513") and "boodschappen" in errands[0].words
    # A company's "toezicht" is watching over places, and "surveillance" is a Dutch word for it, not a French "how".
    guards = [s.code for s in suggest(model, "Wij verzorgen catering en surveillance.")]
    assert guards[0].startswith("555") and any(c.startswith("797") for c in guards), guards
    watch = [s.code for s in suggest(model, "Schoonmaakbedrijf; ook surveillance en toezicht op bedrijventerreinen.")]
    assert watch[0].startswith("797"), watch
    # Nor does the likeliest, where other words name the work: bicycles are maintained too, not only parks (773).
    # The branch kept first fits fully; bicycle repair is the vehicle-repair group itself, not its car (501121),
    # motorcycle (50115) or tyre (501165) repair.
    bikes = suggest(model, "Wij onderhouden de fietsen van de gemeente.")
    assert (bikes[0].code, bikes[0].confidence) == ("501", 1.0) and not any(s.code.startswith("773") for s in bikes)
    assert suggest(model, "We repair bikes and teach young people the trade.")[0].code == "501"
    assert suggest(model, "Fietsenmaker: wij repareren fietsen.")[0].code == "501"
    # The likeliest branch stands on whatever words there are: a company that only says it repairs gets one.
    assert suggest(model, "Wij repareren.")
