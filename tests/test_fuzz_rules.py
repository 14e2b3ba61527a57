"""Property-based tests (Hypothesis) of `rules check`: a rule file mutated at random (a key
dropped, a value of another type, an unknown key, a random value anywhere, broken YAML, a
file cut short, bytes that are not text) is accepted, or refused with InvalidData whose every
problem names its file, « xxx.yaml › field » for a field, in French; never another exception."""
from __future__ import annotations

import copy
import re
import shutil
import time

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings, strategies as st

from aidant_desk.desk.rules import check_rules
from aidant_desk.dossier import InvalidData

from .conftest import RULES
from .test_fuzz_dossiers import ENGLISH, FRENCH, example_each

BUDGET = settings.default.max_examples
AID_FILES = sorted(p.name for p in (RULES / "aids").glob("*.yaml"))
SLOWEST_SECONDS = 30


@pytest.fixture(scope="module")
def rules_copy(tmp_path_factory):
    """rules/ copied once; each example mutates one aid file and puts it back."""
    folder = tmp_path_factory.mktemp("fuzz") / "rules"
    shutil.copytree(RULES, folder)
    return folder


unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
scalars = (st.none() | st.booleans() | st.integers() | st.integers(-10**60, 10**60) | st.floats() | unicode_text
           | st.dates() | st.binary(max_size=8) | st.sampled_from(["", "rsa", "2026-11-28", "{value}", "{x}"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(unicode_text | st.sampled_from(["fact", "op", "value", "any", "fail", "aids"]),
                                        inner, max_size=4), max_leaves=12)
keys = unicode_text | st.integers(-5, 5) | st.none() | st.booleans() | st.sampled_from(["id", "criteria", "scope"])


def paths(data, here=()):
    """Every place in the parsed file: (path, value)."""
    yield here, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, here + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from paths(value, here + (i,))


def at(data, path):
    for part in path:
        data = data[part]
    return data


def other_type(value) -> st.SearchStrategy:
    kinds = {bool: st.booleans(), int: st.integers(), float: st.floats(), str: unicode_text, type(None): st.none(),
             list: st.lists(scalars, max_size=3), dict: st.dictionaries(unicode_text, scalars, max_size=3)}
    return st.one_of([s for kind, s in kinds.items() if type(value) is not kind])


SYNTAX = [":", ": :", "[", "]", "{", "}", "\t", '"', "'", "&a", "*a", "*nowhere", "!!python/object:os.system", "%YAML 9.9",
          "@", "`", "- ", "\n  -", "\n- x\n", "|", ">", "? ", "\n---\n", "\n...\n", "#", "\x00", "\x1b", "\ufeff", "\u2028",
          ": &a [*a]", "!!int x", "!!float x", "!!bool peut-être", "!!timestamp x", "2026-02-30", "9" * 5000, "\r"]


@st.composite
def mutated(draw) -> tuple[str, bytes, str]:
    """(file name, new content, what was done)."""
    name = draw(st.sampled_from(AID_FILES))
    text = (RULES / "aids" / name).read_text(encoding="utf-8")
    how = draw(st.sampled_from(["drop", "retype", "unknown key", "random value", "syntax", "truncate", "bytes"]))
    if how in ("syntax", "truncate", "bytes"):
        raw = text.encode("utf-8")
        cut = draw(st.integers(0, len(raw)))
        if how == "truncate":
            return name, raw[:cut], how
        insert = draw(st.binary(min_size=1, max_size=6)) if how == "bytes" else draw(
            st.sampled_from(SYNTAX) | unicode_text).encode("utf-8", "surrogatepass")
        return name, raw[:cut] + insert + raw[cut:], how
    data = yaml.safe_load(text)
    data = copy.deepcopy(data)
    places = list(paths(data))
    if how == "drop":
        path, holder = draw(st.sampled_from([(p, v) for p, v in places if isinstance(v, (dict, list)) and v]))
        del holder[draw(st.sampled_from(list(holder) if isinstance(holder, dict) else range(len(holder))))]
    elif how == "unknown key":
        path, holder = draw(st.sampled_from([(p, v) for p, v in places if isinstance(v, dict)]))
        holder[draw(keys)] = draw(values)
    else:
        path, old = draw(st.sampled_from(places[1:]))
        new = draw(other_type(old) if how == "retype" else values)
        at(data, path[:-1])[path[-1]] = new
    return name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass"), how


NOEL = (RULES / "aids" / "prime_de_noel.yaml").read_text(encoding="utf-8")
LAUGHS = "".join(f"z{i}: &z{i} [" + ", ".join([f"*z{i - 1}" if i else "x"] * 10) + "]\n" for i in range(9))
# What the fuzzing found, kept as fixed cases.
FOUND = [
    ("prime_de_noel.yaml", NOEL.replace('"2026-11-28"', "2026-02-30"), "date that does not exist"),  # ValueError
    ("prime_de_noel.yaml", NOEL.replace("amount: 152.45", "amount: " + "9" * 5000), "5000 digits"),  # ValueError
    ("prime_de_noel.yaml", NOEL.replace("automatic: true", "automatic: !!bool peut-être"), "!!bool"),  # KeyError
    ("prime_de_noel.yaml", NOEL.replace("automatic: true", "automatic: !!timestamp x"), "!!timestamp"),  # AttributeError
    ("prime_de_noel.yaml", NOEL + "\n1: x\nnull: y\nzzz: 3\n", "keys not text"),  # TypeError sorting the keys
    ("prime_de_noel.yaml", LAUGHS + NOEL.replace("documents:\n", "documents: *z8\nxdocuments:\n"), "aliases"),  # hours
    ("prime_de_noel.yaml", NOEL.replace("  conditions:\n", "  conditions:\n  - &c {any: [*c], fail: x}\n"), "cycle"),
]


@settings(max_examples=BUDGET, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                      HealthCheck.large_base_example, HealthCheck.data_too_large])
@given(mutated())
@example_each([(name, text.encode("utf-8"), how) for name, text, how in FOUND])
def test_a_mutated_aid_file_is_accepted_or_named_in_french(rules_copy, change):
    name, content, how = change
    path = rules_copy / "aids" / name
    original = path.read_bytes()
    path.write_bytes(content)
    started = time.monotonic()
    try:
        check_rules(rules_copy)
    except InvalidData as error:
        event(f"{how} : refusé")
        assert_named(error, name)
    else:
        event(f"{how} : accepté")
    finally:
        path.write_bytes(original)
    assert time.monotonic() - started < SLOWEST_SECONDS


FILE = re.compile(r"^(schemas/)?[\w.-]+\.(yaml|json)")


def assert_named(error: InvalidData, name: str) -> None:
    assert error.problems, "InvalidData sans problème"
    assert any(p.field.startswith(name) for p in error.problems), f"{name} n'est pas nommé :\n{error.describe()}"
    for problem in error.problems:
        assert FILE.match(problem.field), f"aucun fichier nommé : {problem}"
        if "›" in problem.field:
            assert problem.field.split("›", 1)[1].strip(), f"champ vide : {problem}"
        assert problem.message.strip(), f"message vide : {problem}"
        stripped = re.sub(r"«.*?»", "", problem.message, flags=re.S)
        assert not ENGLISH.search(stripped), f"message en anglais : {problem}"
        assert FRENCH.search(stripped), f"message pas en français : {problem}"


def test_the_unmutated_rules_pass(rules_copy):
    """The mutations start from files that are accepted as they are."""
    check_rules(rules_copy)
