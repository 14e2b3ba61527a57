"""One source per fact: every enumerated value of the dossier is declared once, in
aidant_desk.dossier.vocabulary; the schema file and the docs' value lists are generated
from it, the screens' labels copied from it, the engine's mappings checked against it."""
import ast
import dataclasses
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from aidant_desk import labels
from aidant_desk.dossier import GROSS_TYPES, SCHEMA, Dossier, Housing, NoticeIncome, Person, Resource, vocabulary
from aidant_desk.engine import situation

ROOT = Path(__file__).resolve().parents[1]
DOSSIER_DOC = ROOT / "docs" / "dossier.md"
RULES_DOC = ROOT / "rules" / "README.md"

# labels.py name -> the vocabulary it copies.
LABELS = {
    "ROLES": vocabulary.ROLES,
    "ACTIVITIES": vocabulary.ACTIVITIES,
    "COUPLE": vocabulary.COUPLE,
    "HOUSING_STATUS": vocabulary.HOUSING_STATUS,
    "SCHOOL_LEVELS": vocabulary.SCHOOL_LEVELS,
    "RESOURCE_TYPES": vocabulary.RESOURCE_TYPES,
    "AMOUNT_BASES": vocabulary.AMOUNT_BASES,
    "SELF_EMPLOYMENT_KINDS": vocabulary.SELF_EMPLOYMENT_KINDS,
    "NOTICE_INCOMES": vocabulary.NOTICE_INCOMES,
}


def _at(schema, path):
    for key in path:
        schema = schema[key]
    return schema


# --- the generated files --------------------------------------------------------------

def test_generated_files_are_up_to_date():
    """Fails when the schema file or a doc's value list drifts from the vocabularies."""
    files = vocabulary.generated_files()
    assert set(files) == {vocabulary.SCHEMA_FILE, DOSSIER_DOC, RULES_DOC}
    assert vocabulary.stale_files() == [], "run: python -m aidant_desk.dossier.vocabulary --write"
    assert vocabulary.main(["--check"]) == 0


def test_schema_enums_are_the_vocabularies_in_order():
    for path, name in vocabulary.SCHEMA_ENUMS.items():
        assert _at(SCHEMA, path)["enum"] == list(vocabulary.VOCABULARIES[name]), path
    # Every enum of the schema is a vocabulary's: none is left written by hand.
    enums = []

    def walk(node, path):
        if isinstance(node, dict):
            if "enum" in node:
                enums.append(tuple(path))
            for key, child in node.items():
                walk(child, path + [key])
        elif isinstance(node, list):
            for child in node:
                walk(child, path)
    walk(SCHEMA, [])
    assert sorted(enums) == sorted(vocabulary.SCHEMA_ENUMS)


def test_schema_basis_description_names_the_gross_types():
    basis = _at(SCHEMA, ("properties", "resources", "items", "properties", "basis"))
    assert basis["description"].endswith("Le brut n'est admis que pour wages, unemployment et pension.")


def test_the_generator_rewrites_a_drifted_schema():
    text = vocabulary.SCHEMA_FILE.read_text(encoding="utf-8")
    drifted = json.loads(text)
    activity = _at(drifted, ("properties", "people", "items", "properties", "activity"))
    activity["enum"] = ["inactive", "employed"]
    notice = _at(drifted, ("properties", "tax_notice_incomes", "items", "properties"))
    notice["bonus"] = {"type": "number"}
    notice["wages"] = notice.pop("wages")
    assert vocabulary.render_schema(json.dumps(drifted)) == text
    # A category missing from the file is added, as an amount.
    del notice["pensions"]
    rendered = json.loads(vocabulary.render_schema(json.dumps(drifted)))
    pensions = _at(rendered, ("properties", "tax_notice_incomes", "items", "properties", "pensions"))
    assert pensions == {"type": "number", "minimum": 0, "maximum": 10000000, "description": "Retraites (1AS)"}


def test_a_new_value_reaches_the_schema_and_the_docs(monkeypatch):
    grown = dict(vocabulary.VOCABULARIES)
    grown["activity"] = {**vocabulary.ACTIVITIES, "volunteer": "Bénévole"}
    monkeypatch.setattr(vocabulary, "VOCABULARIES", grown)
    schema = json.loads(vocabulary.render_schema(vocabulary.SCHEMA_FILE.read_text(encoding="utf-8")))
    assert _at(schema, ("properties", "people", "items", "properties", "activity"))["enum"][-1] == "volunteer"
    assert "`inactive`, `volunteer`<!-- /vocabulary -->" in vocabulary.render_doc(RULES_DOC.read_text(encoding="utf-8"))
    assert sorted(map(str, vocabulary.stale_files())) == sorted(map(str, [vocabulary.SCHEMA_FILE, DOSSIER_DOC, RULES_DOC]))


def test_a_default_outside_its_vocabulary_is_refused(monkeypatch):
    grown = dict(vocabulary.VOCABULARIES)
    grown["couple"] = {"married": "Marié"}
    monkeypatch.setattr(vocabulary, "VOCABULARIES", grown)
    with pytest.raises(ValueError, match="default 'single'"):
        vocabulary.schema_with_vocabulary(SCHEMA)


def test_write_rewrites_only_stale_files(monkeypatch, tmp_path, capsys):
    schema = tmp_path / "dossier.schema.json"
    doc = tmp_path / "doc.md"
    good = vocabulary.SCHEMA_FILE.read_text(encoding="utf-8")
    schema.write_text(good.replace('"pacs",\n', ""), encoding="utf-8")
    doc.write_text("| `couple` | <!-- vocabulary:couple -->`single`<!-- /vocabulary --> |\n", encoding="utf-8")
    monkeypatch.setattr(vocabulary, "SCHEMA_FILE", schema)
    monkeypatch.setattr(vocabulary, "DOC_FILES", (doc, tmp_path / "absent.md"))
    assert vocabulary.main(["--check"]) == 1
    assert vocabulary.main(["--write"]) == 0
    assert schema.read_text(encoding="utf-8") == good
    assert doc.read_text(encoding="utf-8") == (
        "| `couple` | <!-- vocabulary:couple -->`single`, `married`, `pacs`, `cohabiting`<!-- /vocabulary --> |\n")
    assert vocabulary.write() == []
    assert vocabulary.main(["--check"]) == 0
    assert vocabulary.main(["--bogus"]) == 2


# --- the docs --------------------------------------------------------------------------

def test_docs_show_the_vocabularies_between_markers():
    assert vocabulary.doc_markers(DOSSIER_DOC.read_text(encoding="utf-8")) == [
        "couple", "role", "activity", "school_level", "housing_status"]
    assert vocabulary.doc_markers(RULES_DOC.read_text(encoding="utf-8")) == ["activity", "housing_status"]
    assert vocabulary.doc_values("role", labelled=True).startswith("`applicant` « Demandeur », `spouse` « Conjoint »")
    with pytest.raises(ValueError, match="unknown vocabulary 'colour'"):
        vocabulary.render_doc("<!-- vocabulary:colour -->x<!-- /vocabulary -->")


def _resource_rows() -> dict[str, str]:
    """docs/dossier.md's table of resource types: type -> the openfisca inputs it names."""
    section = DOSSIER_DOC.read_text(encoding="utf-8").split("## Ressources")[1].split("\n## ")[0]
    body = section.split("|---|---|\n")[1].split("\n\n")[0]
    rows = re.findall(r"^\| `([a-z_]+)` \| (.*) \|$", body, re.M)
    return dict(rows)


def test_docs_table_of_resource_types_follows_the_vocabulary_and_the_engine():
    """This table's second column is the engine's (openfisca inputs), which the domain
    layer cannot generate: it is checked instead."""
    rows = _resource_rows()
    assert list(rows) == list(vocabulary.RESOURCE_TYPES)
    for rtype, text in rows.items():
        if rtype in situation.GROSS_INPUT:
            wanted = [situation.GROSS_INPUT[rtype][0]]
        elif rtype == vocabulary.TURNOVER_TYPE:
            wanted = [f"`{variable}` (`{kind}`)" for kind, variable in situation.TURNOVER_INPUT.items()]
        else:
            wanted = [situation.MONTHLY_INPUT[rtype]]
        for variable in wanted:
            assert variable in text, (rtype, variable)


# --- the labels and the model ----------------------------------------------------------

def test_labels_are_plain_copies_of_the_vocabularies():
    for name, vocab in LABELS.items():
        value = getattr(labels, name)
        assert type(value) is dict and list(value.items()) == list(vocab.items()), name
    assert labels.ROLES["applicant"] == "Demandeur"
    assert labels.SCHOOL_LEVELS["none"] == "—"


def test_vocabularies_are_read_only():
    with pytest.raises(TypeError):
        vocabulary.ACTIVITIES["volunteer"] = "Bénévole"


def test_model_reads_its_value_sets_from_the_vocabulary():
    assert GROSS_TYPES is vocabulary.GROSS_TYPES == ("wages", "unemployment", "pension")
    assert set(GROSS_TYPES) <= set(vocabulary.RESOURCE_TYPES)
    assert vocabulary.TURNOVER_TYPE in vocabulary.RESOURCE_TYPES
    assert [f.name for f in dataclasses.fields(NoticeIncome) if f.name != "person"] == list(vocabulary.NOTICE_INCOMES)
    notice = _at(SCHEMA, ("properties", "tax_notice_incomes", "items", "properties"))
    assert list(notice) == ["person", *vocabulary.NOTICE_INCOMES]


def _default(cls, name):
    return next(f.default for f in dataclasses.fields(cls) if f.name == name)


@pytest.mark.parametrize("path, cls, field", [
    (("properties", "people", "items", "properties", "activity"), Person, "activity"),
    (("properties", "people", "items", "properties", "school_level"), Person, "school_level"),
    (("properties", "couple"), Dossier, "couple"),
    (("properties", "housing", "properties", "status"), Housing, "status"),
    (("properties", "resources", "items", "properties", "basis"), Resource, "basis"),
    (("properties", "resources", "items", "properties", "self_employment_kind"), Resource, "self_employment_kind"),
])
def test_schema_defaults_are_the_model_defaults_and_known_values(path, cls, field):
    node = _at(SCHEMA, path)
    assert node["default"] == _default(cls, field)
    assert node["default"] in vocabulary.VOCABULARIES[vocabulary.SCHEMA_ENUMS[path]]


def test_a_dossier_with_every_value_loads():
    """Every vocabulary value is one the dossier accepts and keeps."""
    people = [{"id": "a", "role": "applicant", "birth_date": "1980-01-01"},
              {"id": "s", "role": "spouse", "birth_date": "1980-01-01"}]
    for i, (activity, school) in enumerate(zip(vocabulary.ACTIVITIES, [*vocabulary.SCHOOL_LEVELS, "none"])):
        people.append({"id": f"o{i}", "role": "other", "birth_date": "1990-01-01",
                       "activity": activity, "school_level": school})
    people.append({"id": "c", "role": "child", "birth_date": "2015-01-01"})
    resources = [{"person": "a", "type": t, "same_every_month": 100} for t in vocabulary.RESOURCE_TYPES
                 if t != vocabulary.TURNOVER_TYPE]
    resources += [{"person": f"o{i}", "type": vocabulary.TURNOVER_TYPE, "same_every_month": 100,
                   "self_employment_kind": kind} for i, kind in enumerate(vocabulary.SELF_EMPLOYMENT_KINDS)]
    resources += [{"person": "s", "type": t, "same_every_month": 100, "basis": "gross"} for t in GROSS_TYPES]
    for couple in [c for c in vocabulary.COUPLE if c != "single"]:
        for status in vocabulary.HOUSING_STATUS:
            d = Dossier.from_dict({"format_version": 2, "month": "2026-01", "people": people, "couple": couple,
                                   "housing": {"status": status}, "resources": resources})
            assert (d.couple, d.housing.status) == (couple, status)
    assert {p.role for p in d.people} == set(vocabulary.ROLES)
    assert {p.activity for p in d.people} == set(vocabulary.ACTIVITIES)
    assert {r.basis for r in d.resources} == set(vocabulary.AMOUNT_BASES)


# --- the engine ------------------------------------------------------------------------

def test_every_vocabulary_value_has_its_engine_mapping():
    assert set(situation.ACTIVITY) == set(vocabulary.ACTIVITIES)
    assert set(situation.HOUSING_STATUS) == set(vocabulary.HOUSING_STATUS)
    assert set(situation.MARITAL_STATUS) == set(vocabulary.COUPLE)
    assert set(situation.SCHOOL_LEVEL) == set(vocabulary.SCHOOL_LEVELS)
    assert set(situation.ROLE_ORDER) == set(vocabulary.ROLES)
    assert min(situation.ROLE_ORDER, key=situation.ROLE_ORDER.get) == "applicant"
    # Each resource type feeds exactly one kind of input.
    fed = [*situation.GROSS_INPUT, *situation.MONTHLY_INPUT, vocabulary.TURNOVER_TYPE]
    assert sorted(fed) == sorted(vocabulary.RESOURCE_TYPES)
    assert set(situation.GROSS_INPUT) == set(GROSS_TYPES)
    assert set(situation.TURNOVER_INPUT) == set(situation.NOTICE_TURNOVER) == set(vocabulary.SELF_EMPLOYMENT_KINDS)
    assert set(situation.NOTICE_CATEGORY) <= set(vocabulary.RESOURCE_TYPES)
    assert set(situation.NOTICE_CATEGORY.values()) == set(vocabulary.NOTICE_INCOMES)
    assert set(situation.NOTICE_TAXABLE) | {"self_employment"} == set(vocabulary.NOTICE_INCOMES)
    assert set(situation.ACTIVITY_CATEGORY) <= set(vocabulary.ACTIVITIES)
    assert set(situation.ACTIVITY_CATEGORY.values()) <= set(vocabulary.NOTICE_INCOMES)
    situation.check_mappings()


@pytest.mark.parametrize("name, extra, mapping", [
    ("ACTIVITIES", "volunteer", "ACTIVITY"),
    ("HOUSING_STATUS", "boat", "HOUSING_STATUS"),
    ("COUPLE", "widowed", "MARITAL_STATUS"),
    ("SCHOOL_LEVELS", "doctorat", "SCHOOL_LEVEL"),
    ("ROLES", "grandparent", "ROLE_ORDER"),
    ("RESOURCE_TYPES", "lottery", "MONTHLY_INPUT"),
    ("SELF_EMPLOYMENT_KINDS", "farming", "TURNOVER_INPUT"),
    ("NOTICE_INCOMES", "capital", "NOTICE_CATEGORY values"),
])
def test_a_value_added_without_its_engine_mapping_fails_loudly(monkeypatch, name, extra, mapping):
    monkeypatch.setattr(vocabulary, name, {**getattr(vocabulary, name), extra: "?"})
    with pytest.raises(LookupError, match=rf"{mapping} does not follow .*no mapping for \['{extra}'\]"):
        situation.check_mappings()


def test_a_new_gross_type_needs_its_gross_input(monkeypatch):
    monkeypatch.setattr(vocabulary, "GROSS_TYPES", (*GROSS_TYPES, "sick_pay"))
    with pytest.raises(LookupError, match=r"GROSS_INPUT .*no mapping for \['sick_pay'\]"):
        situation.check_mappings()


# --- the catalogue ---------------------------------------------------------------------

# A catalogue fact or question field -> the vocabulary its values come from.
FIELD_VOCABULARY = {
    "applicant.activity": vocabulary.ACTIVITIES,
    "person.activity": vocabulary.ACTIVITIES,
    "housing.status": vocabulary.HOUSING_STATUS,
    "couple": vocabulary.COUPLE,
    "person.role": vocabulary.ROLES,
    "person.school_level": vocabulary.SCHOOL_LEVELS,
}


def test_catalogue_values_are_vocabulary_values():
    """A misspelt value in rules/ would silently never match."""
    seen = set()
    for path in sorted((ROOT / "rules" / "aids").glob("*.yaml")):
        aid = yaml.safe_load(path.read_text(encoding="utf-8"))
        for cond in (aid.get("computation") or {}).get("conditions") or []:
            if cond.get("fact") in FIELD_VOCABULARY:
                values = cond["value"] if isinstance(cond["value"], list) else [cond["value"]]
                assert set(values) <= set(FIELD_VOCABULARY[cond["fact"]]), (path.name, cond)
                seen.add(cond["fact"])
    questions = yaml.safe_load((ROOT / "rules" / "questions.yaml").read_text(encoding="utf-8"))["questions"]
    for question in questions:
        when = question.get("visible_when")
        if when and when["field"] in FIELD_VOCABULARY:
            assert set(when["in"]) <= set(FIELD_VOCABULARY[when["field"]]), question["id"]
            seen.add(when["field"])
    assert {"applicant.activity", "housing.status", "person.role"} <= seen


# --- the layer -------------------------------------------------------------------------

def test_vocabulary_imports_the_standard_library_only():
    tree = ast.parse(Path(vocabulary.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "vocabulary.py imports nothing of the project"
            names = [node.module]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in sys.stdlib_module_names | {"__future__"}, name
