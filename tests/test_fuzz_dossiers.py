"""Property-based tests (Hypothesis) of every way a dossier comes in: any JSON at all,
schema-valid dossiers with extreme values, the CLI and the app's « Ouvrir ».

Whatever the input, the answer is a Dossier (or a result) or InvalidData listing French
problems that name the field: never another exception, never a traceback. The number of
examples comes from the Hypothesis profile (tests/conftest.py: « ci » by default, « fuzz »
with scripts/fuzz)."""
from __future__ import annotations

import itertools
import json
import math
import re
import time
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, event, example, given, settings, strategies as st

from aidant_desk.dossier import Dossier, InvalidData
from aidant_desk.dossier.model import SCHEMA
from aidant_desk.dossier.months import add_months
from aidant_desk.dossier.vocabulary import GROSS_TYPES

from .conftest import EXAMPLES, MONTH, RULES

# The loaded profile's budget: cheap properties use it whole, those that simulate a share.
BUDGET = settings.default.max_examples
SIMULATIONS = max(5, BUDGET // 2)
CLI_RUNS = max(3, BUDGET // 5)
APP_LOADS = max(5, BUDGET // 2)
SLOWEST_SECONDS = 30

# What jsonschema or Python would say in English; a French message never holds these.
ENGLISH = re.compile(r"is not of type|is a required property|[Aa]dditional properties|does not match|is not one of|"
                     r"is too (long|short|big|small)|is less than|is greater than|should be|was expected|"
                     r"Failed validating|Traceback|Error\b|object has no attribute|not iterable|out of range|"
                     r"Invalid isoformat")
FRENCH = re.compile(r"[éèàçêôûù]|champ|doit|valeur|il faut|pas plus|indiquez|aucune|fichier|nombre|texte|"
                    r"n'est|ne correspond|structure|conjoint|déclarant|mois|date|identifiant|aide|inconnu|alias")

PEOPLE = SCHEMA["properties"]["people"]["items"]["properties"]
HOUSING = SCHEMA["properties"]["housing"]["properties"]
RESOURCE = SCHEMA["properties"]["resources"]["items"]["properties"]
AID_IDS = sorted(p.stem for p in (RULES / "aids").glob("*.yaml"))
LIFE_EVENTS = sorted(p.stem for p in (RULES / "life_events").glob("*.yaml"))


def example_each(values):
    def apply(test):
        for value in reversed(values):
            test = example(value)(test)
        return test
    return apply


def enum(properties: dict, name: str) -> st.SearchStrategy:
    return st.sampled_from(properties[name]["enum"])


def assert_french(error: InvalidData, data=None) -> None:
    """Every problem: a non-empty French message; a field named whenever the input had fields."""
    assert error.problems, "InvalidData sans problème"
    for problem in error.problems:
        assert isinstance(problem.field, str) and isinstance(problem.message, str)
        assert problem.message.strip(), f"message vide : {problem!r}"
        # The input's own values quoted in the message (« text », or a list or dict written out) may
        # hold any word, English ones too: only the message's own words are checked.
        stripped = re.sub(r"«.*?»|\{.*\}|\[.*\]|'[^']*'", "", problem.message, flags=re.S)
        assert not ENGLISH.search(stripped), f"message en anglais : {problem}"
        assert FRENCH.search(stripped), f"message pas en français : {problem}"
        if isinstance(data, dict) and "trop imbriquée" not in problem.message:
            assert problem.field, f"aucun champ nommé : {problem}"
    assert "Traceback" not in error.describe()


# --- 1. any JSON at all ---------------------------------------------------------------------------
scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-10**30, max_value=10**30)
           | st.floats() | st.text(max_size=20))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=5), max_leaves=25)


def shaped(keys: list[str], value: st.SearchStrategy) -> st.SearchStrategy:
    """Dicts with the schema's own field names (and a few others): deeper than random keys reach."""
    return st.dictionaries(st.sampled_from(keys) | st.text(max_size=8), value, max_size=len(keys) + 1)


person_like = shaped(list(PEOPLE), json_values | enum(PEOPLE, "role") | st.sampled_from(["a", "1980-01-01", "2026-13-45"]))
resource_like = shaped(list(RESOURCE), json_values | enum(RESOURCE, "type") | st.just("a")
                       | st.dictionaries(st.sampled_from(["2026-11", "2026-10\n", "x"]), json_values, max_size=3))
dossier_like = shaped(list(SCHEMA["properties"]), st.one_of(
    json_values, st.sampled_from([1, 2, True, 2.0, "2"]), st.lists(person_like, max_size=4),
    st.lists(resource_like, max_size=3), shaped(list(HOUSING), json_values),
    st.sampled_from(["2026-11", "2026-11\n", "0000-01", "9999-12", "٢٠٢٦-١١", "2026-1"]),
    st.dictionaries(st.sampled_from(AID_IDS[:3]) | st.text(max_size=5), json_values, max_size=3),
))
any_json = json_values | dossier_like


def check_from_dict(data) -> None:
    try:
        dossier = Dossier.from_dict(data)
    except InvalidData as error:
        event("refusé")
        assert_french(error, data)
    else:
        event("dossier")
        assert isinstance(dossier, Dossier)
        assert finite(dossier.to_dict()), dossier  # NaN passes every JSON Schema bound (NaN > 100 is false)


def finite(data) -> bool:
    if isinstance(data, float):
        return math.isfinite(data)
    if isinstance(data, dict):
        return all(finite(v) for v in data.values())
    if isinstance(data, list):
        return all(finite(v) for v in data)
    return True


APPLICANT = {"id": "a", "role": "applicant", "birth_date": "1980-01-01"}
CHILD = {"id": "c", "role": "child", "birth_date": "2010-01-01"}
# What the fuzzing found, kept as fixed cases (each raised TypeError or ValueError, or named no field).
FOUND = [
    {"format_version": 1, "people": [APPLICANT], "resources": 5},  # TypeError in the v1 -> v2 upgrade
    {"format_version": 1, "resources": None},  # idem
    {"": None},  # a field named "" : problem with an empty field
    {1: "a", "b": 2, None: 3},  # keys that are not text (the app's dicts): sorting them raised TypeError
    {"format_version": 2, "month": "2026-11\n", "people": [APPLICANT]},  # the schema's $ lets "\n" through
    {"format_version": 2, "month": "0000-01", "people": [APPLICANT]},  # ValueError: year 0 is out of range
    {"format_version": 2, "month": "9999-12", "people": [APPLICANT, CHILD]},  # ValueError: '10000-10-01'
    {"format_version": 2, "people": [APPLICANT], "assets": {"savings": 10**400}},  # OverflowError in the engine
    {"format_version": 2, "people": [APPLICANT], "assets": {"savings": 1e308, "property_rental_value": 1e308}},  # NaN
    {"format_version": 2, "people": [APPLICANT], "housing": {"rent": float("nan")}},  # was a Dossier, rent NaN
]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(any_json)
@example_each(FOUND)
def test_any_json_value_is_a_dossier_or_french_problems(data):
    check_from_dict(data)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(any_json, st.sampled_from(["json", "nan", "bytes"]))
@example({"month": 1, "format_version": {"Error": None}}, "json")  # an English word in the value quoted back
def test_any_json_file_loads_or_gives_french_problems(tmp_path, data, how):
    path = tmp_path / "dossier.json"
    if how == "bytes":  # the same text, then a byte that is not UTF-8 at its end
        path.write_bytes(json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\xff")
    else:  # Python writes NaN and Infinity, which JSON has not
        path.write_text(json.dumps(data, ensure_ascii=how == "json", allow_nan=True), encoding="utf-8",
                        errors="surrogatepass")
    before = path.read_bytes()
    try:
        dossier = Dossier.load(path)
    except InvalidData as error:
        event("refusé")
        assert_french(error)
    else:
        event("dossier")
        assert isinstance(dossier, Dossier)
    assert path.read_bytes() == before


# --- 2. schema-valid dossiers with extreme values ---------------------------------------------------
SPECIAL_TEXT = ["مرحبا بكم", "שלום עולם", "\u202eéniléM\u202c", "👨‍👩‍👧‍👦🇫🇷", "\u200b\u200d\ufeff", "\x01\x07\x1b\x7f",
                "Zoë\tN'Guessan\r\n", "'; DROP TABLE dossiers; --", "<b>&amp;</b>", "%s {0} {value}", "ＡＢＣ", "ǅ ß ﬁ"]
unicode_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


def free_text(max_size: int) -> st.SearchStrategy:
    parts = st.lists(unicode_text | st.sampled_from(SPECIAL_TEXT), max_size=4)
    return parts.map(lambda p: "".join(p)[:max_size])


def edge_dates(month: str, before_days: int, after_days: int) -> st.SearchStrategy:
    """Dates around the simulated month: its first and last days and those just outside, or any in range."""
    start = date.fromisoformat(month + "-01")
    end = date.fromisoformat(add_months(month, 1) + "-01") - timedelta(days=1)
    edges = [start - timedelta(days=1), start, start + timedelta(days=1), end, end + timedelta(days=1)]
    low, high = start - timedelta(days=before_days), start + timedelta(days=after_days)
    return (st.sampled_from([d for d in edges if low <= d <= high]) | st.dates(low, high)).map(date.isoformat)


def birth_dates(month: str, youngest: int, oldest: int) -> st.SearchStrategy:
    """Birthdays of people aged youngest..oldest on the simulated month's first day, at the edges of the day."""
    start = date.fromisoformat(month + "-01")

    def born(args):
        years, shift = args
        try:
            day = start.replace(year=start.year - years)
        except ValueError:  # 29 February
            day = start.replace(year=start.year - years, day=28)
        return max(date(1900, 1, 1), day + timedelta(days=shift)).isoformat()
    return st.tuples(st.integers(youngest, oldest), st.sampled_from([-1, 0, 1, 30, -200])).map(born)


amount = lambda high: st.sampled_from([0, 0.01, high]) | st.integers(0, high) | st.floats(0, high)  # noqa: E731


@st.composite
def valid_dossiers(draw) -> dict:
    month = draw(st.sampled_from([MONTH, "2026-01", "2026-12", "2024-02", "2015-01"]))
    people = []

    def person(pid: str, role: str, birth: str) -> dict:
        p = {"id": pid, "role": role, "birth_date": birth}
        for name, strategy in [("first_name", free_text(80)), ("activity", enum(PEOPLE, "activity")),
                               ("disability_rate", amount(100)), ("pregnant", st.booleans()),
                               ("school_level", enum(PEOPLE, "school_level")), ("student_grant", st.booleans()),
                               ("dependent", st.booleans()), ("parental_income", amount(10_000_000)),
                               ("shared_custody", st.booleans()), ("ass_work_history", st.booleans()),
                               ("alimony_paid", amount(100_000))]:
            if draw(st.booleans()):
                p[name] = draw(strategy)
        return p

    people.append(person(draw(st.sampled_from(["demandeur", "A", "x-1_Z"])), "applicant",
                         draw(birth_dates(month, 0, 120))))
    couple = draw(enum(SCHEMA["properties"], "couple"))
    if couple != "single":
        people.append(person("conjoint", "spouse", draw(birth_dates(month, 0, 120))))
    children = draw(st.integers(0, 15))
    for i in range(children):
        unborn = draw(st.integers(0, 9)) == 0
        birth = draw(edge_dates(month, 0, 270)) if unborn else draw(birth_dates(month, 0, 25))
        people.append(person(f"enfant{i + 1}", "child", birth))
    for i in range(draw(st.integers(0, 20 - len(people)).map(lambda n: min(n, 3)))):
        people.append(person(f"autre{i + 1}", "other", draw(birth_dates(month, 0, 120))))
    ids = [p["id"] for p in people]

    status = draw(enum(HOUSING, "status"))
    housing = {"status": status}
    for name, strategy in [("social_housing", st.booleans()), ("rent", amount(20_000)), ("charges", amount(5_000)),
                           ("shared", st.booleans()), ("landlord_family", st.booleans()), ("room_only", st.booleans()),
                           ("hosting_contribution", st.booleans()), ("move_in_date", edge_dates(month, 30_000, 60)),
                           ("commune", st.sampled_from(["75056", "13055", "2A004", "2B033", "97411", "97611", "31555"])
                            | st.from_regex(r"[0-9]{5}", fullmatch=True))]:
        if draw(st.booleans()):
            housing[name] = draw(strategy)
    if status == "first_time_buyer" and draw(st.booleans()):
        housing["loan_date"] = draw(edge_dates(month, 20_000, 60))

    resources = []
    history = [add_months(month, -k) for k in range(14, -3, -1)]
    for person_id, kind in draw(st.lists(st.tuples(st.sampled_from(ids), enum(RESOURCE, "type")), max_size=6,
                                         unique=True)):
        r = {"person": person_id, "type": kind}
        if draw(st.booleans()):
            r["same_every_month"] = draw(amount(100_000))
        if draw(st.booleans()) or "same_every_month" not in r:
            r["months"] = draw(st.dictionaries(st.sampled_from(history), amount(100_000), min_size=1, max_size=13))
        if kind in GROSS_TYPES and draw(st.booleans()):
            r["basis"] = draw(enum(RESOURCE, "basis"))
        if kind == "self_employment":
            r["self_employment_kind"] = draw(enum(RESOURCE, "self_employment_kind"))
        resources.append(r)

    data = {"format_version": 2, "month": month, "people": people, "couple": couple, "housing": housing,
            "resources": resources,
            "recently_separated": draw(st.booleans()),
            "fiscal_reference_income": draw(st.none() | amount(10_000_000)),
            "assets": {"savings": draw(amount(1_000_000_000)), "property_rental_value": draw(amount(1_000_000_000))},
            "benefits_received": draw(st.dictionaries(
                st.sampled_from(AID_IDS), amount(100_000) | st.fixed_dictionaries(
                    {"same_every_month": amount(100_000)},
                    optional={"months": st.dictionaries(st.sampled_from(history), amount(100_000), max_size=4)}),
                max_size=4)),
            "life_events": draw(st.lists(st.sampled_from(LIFE_EVENTS), max_size=3, unique=True))}
    if draw(st.booleans()):
        data["label"] = draw(free_text(200))
    declarants = [p["id"] for p in people if p["role"] in ("applicant", "spouse")]
    data["tax_notice_incomes"] = [
        {"person": pid, **draw(st.fixed_dictionaries({}, optional={k: amount(10_000_000) for k in
                                                                   ("wages", "pensions", "unemployment", "self_employment")}))}
        for pid in declarants if draw(st.booleans())]
    return data


@settings(max_examples=BUDGET, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(valid_dossiers())
def test_the_extreme_dossiers_are_schema_valid(data):
    """The strategy below is worth something only if its dossiers pass the schema and the checks."""
    try:
        Dossier.from_dict(data)
        event("valide")
    except InvalidData as error:
        event("refusé par le calendrier")
        assert_french(error, data)
        # Only the calendar may refuse them (a person born after the month); the schema never.
        assert all("birth_date" in p.field for p in error.problems), error.describe()


@settings(max_examples=SIMULATIONS, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(valid_dossiers())
@example({**FOUND[-2], "month": MONTH})  # ValueError: cannot convert float NaN to integer, before the maximum
@example({**FOUND[-3], "month": MONTH})  # OverflowError: int too large to convert to float, idem
def test_extreme_dossiers_simulate_or_give_french_problems(engine, data):
    started = time.monotonic()
    try:
        result = engine.simulate(Dossier.from_dict(data))
    except InvalidData as error:
        event("refusé")
        assert_french(error, data)
    else:
        event("calculé")
        json.dumps(result.to_dict(), ensure_ascii=False)  # what --json prints
    elapsed = time.monotonic() - started
    assert elapsed < SLOWEST_SECONDS, f"{elapsed:.1f} s pour un dossier de {len(data['people'])} personnes"


# --- 3. the command line --------------------------------------------------------------------------
valid_files = valid_dossiers().map(lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8"))
file_contents = st.one_of(
    valid_files, valid_files, valid_files,  # as many dossiers computed as refused
    any_json.map(lambda d: json.dumps(d, allow_nan=True).encode("utf-8")),
    st.binary(max_size=200),
    valid_dossiers().map(lambda d: json.dumps(d).encode()).flatmap(
        lambda b: st.integers(0, len(b) - 1).map(lambda cut: b[:cut])),  # a file cut short
)
_runs = itertools.count()


@settings(max_examples=CLI_RUNS, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                        HealthCheck.large_base_example])
@given(file_contents)
def test_cli_simulate_json_answers_or_refuses_in_french(tmp_path, capsys, content):
    from aidant_desk.cli import main

    path = tmp_path / f"dossier-{next(_runs)}.json"
    path.write_bytes(content)
    capsys.readouterr()
    code = main(["simulate", str(path), "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code in (0, 2), (code, err)
    event(f"code de sortie {code}")
    if code == 0:
        assert isinstance(json.loads(out), dict)
    else:
        assert err.startswith("Erreur") and out == ""
    assert path.read_bytes() == content  # the file is only read


# --- 4. the app's « Ouvrir » -------------------------------------------------------------------------
@pytest.fixture
def app_window(qtbot, catalogue, tmp_path, monkeypatch):
    """The main window with its engine not started: opening a file needs none."""
    from aidant_desk.app.engine_client import EngineClient
    from aidant_desk.app.main_window import MainWindow

    monkeypatch.setenv("AIDANT_DESK_HOME", str(tmp_path / "home"))
    win = MainWindow(catalogue, EngineClient(), MONTH)
    qtbot.addWidget(win)
    win.show()
    return win


@settings(max_examples=APP_LOADS, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                         HealthCheck.large_base_example])
@given(file_contents)
def test_the_app_opens_the_file_or_says_why_in_french_and_keeps_the_dossier(app_window, tmp_path, monkeypatch,
                                                                              content):
    from PySide6.QtWidgets import QMessageBox

    win = app_window
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    if win.path is None:
        assert win.open_path(EXAMPLES / "parent_isole_deux_enfants.json")
    before_path, before_data = win.path, win.form.to_data()
    path = tmp_path / f"ouvert-{next(_runs)}.json"
    path.write_bytes(content)
    opened = win.open_path(path)
    event("ouvert" if opened else "refusé")
    if opened:
        assert win.path == path and not shown
    else:
        assert len(shown) == 1
        title, text = shown[0]
        assert title == "Impossible d'ouvrir ce dossier"
        with pytest.raises(InvalidData) as refused:  # the same problems as the CLI's
            Dossier.load(path)
        assert text == refused.value.describe() and "Traceback" not in text
        assert_french(refused.value)
        assert win.path == before_path and win.form.to_data() == before_data  # the previous dossier stays
    assert path.read_bytes() == content

