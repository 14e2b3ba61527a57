"""openfisca-france's own mes-aides.gouv.fr corpus (tests/data/mes-aides), through Aidant
Desk dossiers and the engine.

Each corpus file is converted to a dossier (tests/mes_aides_corpus.py); the files the
dossier can express are simulated by the engine and each expected value an aid of the
catalogue computes is compared within the file's margin (at least 1 €).

Two fixed files keep the comparison honest:
- upstream_drift.json: expected values openfisca-france itself (this pinned version) no
  longer gives, with the value it gives. Such a value is compared with openfisca's value
  and reported as drift, never skipped. Recomputed here for the files compared; for the
  whole corpus set MES_AIDES_UPSTREAM_ALL=1 (several minutes) or regenerate it with
  `python -m tests.mes_aides_corpus`.
- known_mismatches.json: the engine's differences, each with its diagnosed cause. A new
  mismatch fails, and so does a known one that no longer occurs.

Run with -s (or -rP) to see the summary.
"""
from __future__ import annotations

import json
import os

import pytest

from . import mes_aides_corpus as corpus


@pytest.fixture(scope="module")
def cases():
    return corpus.load_corpus()


@pytest.fixture(scope="module")
def conversions(tbs, catalogue, cases):
    return corpus.convert_corpus(tbs, catalogue, cases)


@pytest.fixture(scope="module")
def compared_files(conversions, catalogue):
    aids = corpus.catalogue_aids(catalogue)
    return [c.case for c in conversions if c.representable and any(v in aids for v in c.case.output)]


@pytest.fixture(scope="module")
def upstream(tbs, compared_files):
    """openfisca-france's own value for every expected output of the compared files."""
    return corpus.upstream_values_of(tbs, compared_files)


def test_corpus_is_vendored(cases):
    assert len(cases) == 424
    assert (corpus.CORPUS / "README.md").is_file()


def test_every_file_is_converted_or_has_a_cause(conversions):
    from aidant_desk.dossier import Dossier

    for c in conversions:
        if c.representable:
            Dossier.from_dict(c.dossier, c.case.name)  # a valid version-2 dossier
        else:
            assert c.causes and c.dossier is None


def test_upstream_drift_of_compared_files(compared_files, upstream):
    """The drift recorded for the compared files is still openfisca-france's (and so are
    the values within 1 € but outside the file's own margin, listed as evidence)."""
    names = {case.name for case in compared_files}
    recorded_file = json.loads(corpus.DRIFT_FILE.read_text(encoding="utf-8"))
    for margins_only, key in ((False, "drift"), (True, "within_1_euro_only")):
        recorded = {corpus.drift_key(d): d for d in recorded_file[key] if d["file"] in names}
        computed = {corpus.drift_key(row): row for case in compared_files
                    for row in corpus.drift_rows(case, upstream[case.name], margins_only)}
        assert sorted(computed) == sorted(recorded), f"upstream {key} changed: run python -m tests.mes_aides_corpus"
        for k, row in computed.items():
            assert row["computed"] == pytest.approx(recorded[k]["computed"], abs=0.01), k


@pytest.mark.skipif(not os.environ.get("MES_AIDES_UPSTREAM_ALL"),
                    reason="whole-corpus upstream check takes several minutes: set MES_AIDES_UPSTREAM_ALL=1")
def test_upstream_drift_whole_corpus(tbs, cases):
    computed = corpus.upstream_drift(tbs, cases)
    assert sorted(map(corpus.drift_key, computed)) == sorted(map(corpus.drift_key, corpus.read_drift()))


def test_corpus_through_engine(engine, tbs, catalogue, conversions, upstream):
    rows = corpus.engine_rows(engine, tbs, catalogue, conversions)
    drift = {corpus.drift_key(d): d for d in corpus.read_drift()}
    upstream_value = {(name, v, p): computed for name, values in upstream.items() for v, p, _, computed in values}
    passed, drifted, mismatches = [], [], {}
    for row in rows:
        if row.key in drift:
            # The corpus value no longer holds in openfisca-france: the engine must give
            # openfisca's value instead.
            drifted.append(row)
            if not corpus.same(upstream_value[row.key], row.engine, row.tolerance):
                mismatches[row.key] = row
        elif row.holds:
            passed.append(row)
        else:
            mismatches[row.key] = row
    known = {corpus.mismatch_key(m): m for m in corpus.read_known_mismatches()}

    representable = [c for c in conversions if c.representable]
    lines = [
        "",
        "mes-aides.gouv.fr corpus through the engine",
        f"  files: {len(conversions)}, representable: {len(representable)}, "
        f"with an output of the catalogue: {len({r.file for r in rows})}",
        f"  values compared: {len(rows)}, passed: {len(passed)} ({len(passed) / max(len(rows), 1):.1%}), "
        f"upstream drift: {len(drifted)} (in the whole corpus: {len(drift)}), "
        f"mismatches: {len(mismatches)} (known: {len(known)})",
        f"  compared by output: {_count(row.variable for row in rows)}",
    ]
    for row in drifted:
        lines.append(f"  drift   {row.file} {row.variable}: corpus {row.expected}, "
                     f"openfisca {upstream_value[row.key]}, engine {row.engine}")
    for key, row in sorted(mismatches.items(), key=lambda kv: kv[0][:2]):
        cause = known[key]["cause"] if key in known else "NEW"
        lines.append(f"  mismatch {row.file} {row.variable}: expected {row.expected}, engine {row.engine} -- {cause}")
    aids = corpus.catalogue_aids(catalogue)
    left_out = {}
    for c in representable:
        for variable in c.case.output:
            if variable not in aids:
                left_out[variable] = left_out.get(variable, 0) + 1
    lines.append(f"  outputs of representable files no catalogue aid computes (not compared): {left_out}")
    only_period = [c for c in conversions if c.causes == [corpus.period_cause(c.case.month)]]
    lines.append(f"  files before 2015: {sum(c.case.month < corpus.FIRST_MONTH for c in conversions)} "
                 f"({len(only_period)} of them with no other cause found before the upstream checks)")
    lines.append("  not representable, by cause (a file may have several):")
    lines += [f"    {count:4d}  {cause}" for cause, count in corpus.cause_counts(conversions).items()]
    lines.append("  conventions applied to representable files:")
    lines += [f"    {count:4d}  {note}" for note, count in corpus.note_counts(representable).items()]
    print("\n".join(lines))

    new = sorted(set(mismatches) - set(known))
    fixed = sorted(set(known) - set(mismatches))
    assert not new, f"new mismatches (diagnose, then add to known_mismatches.json): {new}"
    assert not fixed, f"known mismatches that now pass (remove from known_mismatches.json): {fixed}"


def _count(items) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))
