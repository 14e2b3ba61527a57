"""`rules export` writes a datapackage.json that frictionless finds valid, and that catches bad data."""
import csv
import json
from importlib.metadata import metadata

import frictionless
import pytest
from jsonschema import Draft202012Validator

from aidant_desk.catalogue import load_catalogue
from aidant_desk.catalogue.export import CSV_COLUMNS, LICENCE
from aidant_desk.cli import main

from .conftest import RULES


def export(fmt, out, capsys):
    assert main(["rules", "export", "--format", fmt, "-o", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert str(out / "datapackage.json") in printed
    return json.loads((out / "datapackage.json").read_text(encoding="utf-8"))


def errors_of(report):
    return report.flatten(["type", "note"])


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_datapackage_is_valid_and_lists_every_file_written(fmt, tmp_path, capsys):
    package = export(fmt, tmp_path, capsys)
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, errors_of(report)
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert {r["path"] for r in package["resources"]} == written - {"datapackage.json"}
    assert all(r["encoding"] == "utf-8" for r in package["resources"])
    assert {r["format"] for r in package["resources"] if not r["path"].endswith(".schema.json")} == {fmt}
    assert package["version"].endswith("+" + load_catalogue(RULES).fingerprint)


def test_csv_resource_has_every_column_typed(tmp_path, capsys):
    package = export("csv", tmp_path, capsys)
    table = next(r for r in package["resources"] if r["path"] == "aids.csv")
    assert table["mediatype"] == "text/csv"
    assert [f["name"] for f in table["schema"]["fields"]] == CSV_COLUMNS
    assert all(f["type"] and f["description"] for f in table["schema"]["fields"])


def test_json_resource_points_to_the_schema_it_follows(tmp_path, capsys):
    package = export("json", tmp_path, capsys)
    aids = next(r for r in package["resources"] if r["path"] == "aids.json")
    schema = json.loads((tmp_path / aids["jsonSchema"]).read_text(encoding="utf-8"))
    data = json.loads((tmp_path / "aids.json").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(data)) == []


@pytest.mark.parametrize("column,value,error", [
    ("category", "cuisine", "constraint-error"),  # not in the enum of aid.schema.json
    ("last_verified", "hier", "type-error"),  # not a date
    ("id", "rsa", "primary-key"),  # two rows with the same id
])
def test_tampered_csv_is_reported_invalid(column, value, error, tmp_path, capsys):
    export("csv", tmp_path, capsys)
    path = tmp_path / "aids.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0][column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert not report.valid
    assert error in {e[0] for e in errors_of(report)}, errors_of(report)


def test_licence_is_the_one_the_project_declares():
    assert LICENCE["name"] == metadata("aidant-desk")["License-Expression"]
