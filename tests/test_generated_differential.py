"""At-scale differential test: seeded households, each written twice.

For every generated household (tests/generated_households.py):
- an openfisca-france situation built by hand, FORWARD from the ground truth at the
  source (monthly gross amounts, N-2 notice incomes by declarant and category), on which
  openfisca computes the nets, the RFR and every aid of the catalogue;
- the dossier a counselor would type for it (format 2): those nets, and the notice's
  detail, or only its RFR, or nothing.

The engine goes BACKWARD from the dossier (inversion of the nets and of the RFR) and must
find every catalogue amount openfisca computes on the hand-built situation, within 1 €.

AIDANT_DIFF_HOUSEHOLDS (default 500) sets how many households; AIDANT_DIFF_SEED (default 0)
the first seed. Each mismatch names the household's seed: `generate(seed)` rebuilds it.
"""
from __future__ import annotations

import collections
import os
import time

import pytest

from aidant_desk.dossier import Dossier
from aidant_desk.engine import ELIGIBLE, Engine, build_simulation

from .generated_households import (CATEGORY_OF, COMMUNES, ESTIMATE_GROSS_TYPED, GROSS_SOURCE, Calendar, forward,
                                  generate)

HOUSEHOLDS = int(os.environ.get("AIDANT_DIFF_HOUSEHOLDS", "500"))
FIRST_SEED = int(os.environ.get("AIDANT_DIFF_SEED", "0"))
TOLERANCE = 1.0  # euros


@pytest.fixture(scope="module")
def runs(catalogue):
    """month -> the forward run of its households (one openfisca simulation per round)."""
    started = time.perf_counter()
    households = [generate(FIRST_SEED + i) for i in range(HOUSEHOLDS)]
    by_month = collections.defaultdict(list)
    for h in households:
        by_month[h.month].append(h)
    out = {month: forward(group, month, catalogue, build_simulation) for month, group in sorted(by_month.items())}
    out["_seconds"] = time.perf_counter() - started
    return out


def _month_runs(runs):
    return {m: r for m, r in runs.items() if not m.startswith("_")}


@pytest.fixture(scope="module")
def engine_results(runs, engine: Engine):
    """(seed -> SimulationResult, seconds): one engine batch per month."""
    started = time.perf_counter()
    results = {}
    for month, run in _month_runs(runs).items():
        dossiers = [Dossier.from_dict(h.dossier) for h in run.households]
        for h, result in zip(run.households, engine.batch([d.with_month(month) for d in dossiers])):
            results[h.seed] = result
    return results, time.perf_counter() - started


def test_generated_households_cover_the_ground(runs):
    households = [h for run in _month_runs(runs).values() for h in run.households]
    dropped = [h for run in _month_runs(runs).values() for h in run.dropped]
    assert len(dropped) <= max(1, len(households) // 100), [h.seed for h in dropped]
    if HOUSEHOLDS < 300:
        return  # small runs (debugging one seed) need not cover everything
    people = [p for h in households for p in h.people]
    assert {p.get("activity", "inactive") for p in people} == {
        "employed", "self_employed", "job_seeker", "student", "apprentice", "retired", "inactive"}
    assert {h.couple for h in households} == {"single", "married", "pacs", "cohabiting"}
    assert {h.housing["status"] for h in households} == {
        "tenant_unfurnished", "tenant_furnished", "tenant_hostel", "hosted_free", "owner", "first_time_buyer",
        "homeless"}
    assert any(h.housing.get("social_housing") for h in households)
    assert {h.housing["commune"] for h in households} == set(COMMUNES)
    assert {h.month for h in households} == {"2026-11", "2026-01", "2025-06"}
    assert {h.notice for h in households} == {"detail", "rfr", "estimate"}
    assert any(h.notice == "rfr" and h.fallback_used and h.rfr for h in households)
    assert any(h.notice == "detail" and h.detail.get("p2") for h in households)
    assert {s.type for h in households for s in h.sources} >= {
        "wages", "self_employment", "unemployment", "pension", "sick_pay", "alimony", "grant", "internship",
        "training", "invalidity_pension", "rental_income"}
    assert any(s.basis == "gross" for h in households for s in h.sources)
    assert any(h.unborn for h in households)
    ages = {int(h.month[:4]) - int(p["birth_date"][:4]) for h in households for p in h.people if p["role"] == "child"}
    assert set(range(1, 25)) <= ages
    assert sum(len([p for p in h.people if p["role"] == "child"]) == 4 for h in households) > 0
    assert any(h.benefits_received for h in households)
    assert any(p.get("disability_rate") for p in people)


def test_the_dossiers_say_what_the_hand_built_situation_holds(runs):
    """Self-consistency of the forward side: the dossier, read back, gives the nets
    openfisca computed and the N-2 incomes the situation was built with."""
    problems = []
    for month, run in _month_runs(runs).items():
        cal = Calendar(month)
        sim = run.simulation
        index = {pid: i for i, pid in enumerate(sim.populations["individu"].ids)}
        foyers = {fid: i for i, fid in enumerate(sim.populations["foyer_fiscal"].ids)}
        rbg = sim.calculate("rbg", cal.n2)
        for h in run.households:
            d = Dossier.from_dict(h.dossier)
            pre = f"h{h.seed}_"
            typed = collections.defaultdict(lambda: collections.defaultdict(float))
            for r in d.resources:
                for m in cal.recorded:
                    typed[r.person, r.type][m] += r.amount(m)
            for s in h.sources:
                if s.type not in GROSS_SOURCE:
                    continue
                net_variable = {"wages": "salaire_net", "unemployment": "chomage_net", "pension": "retraite_nette"}
                for m in cal.recorded:
                    net = float(sim.calculate(net_variable[s.type], m)[index[pre + s.person]])
                    if s.basis == "net" and abs(typed[s.person, s.type][m] - net) > 0.006:
                        problems.append(f"{h.seed} {s.person} {s.type} {m}: typed {typed[s.person, s.type][m]}, "
                                        f"net {net}")
                    if s.basis == "gross" and abs(typed[s.person, s.type][m] - s.amounts[m]) > 0.001:
                        problems.append(f"{h.seed} {s.person} {s.type} {m}: gross typed {typed[s.person, s.type][m]}")
            # The estimate (no notice, and every foyer but the applicant's): N-2 incomes are
            # the 12 months' amounts; the detail: what the dossier lists.
            if h.notice == "detail":
                listed = {n.person: {"wages": n.wages, "pensions": n.pensions, "unemployment": n.unemployment,
                                     "self_employment": n.self_employment} for n in d.tax_notice_incomes}
                for p in h.declarants:
                    got = {c: v for c, v in h.n2.get(p["id"], {}).items() if v}
                    if got != {c: v for c, v in listed.get(p["id"], {}).items() if v}:
                        problems.append(f"{h.seed} {p['id']}: notice {listed.get(p['id'])} != N-2 {got}")
            estimated = [p for key, declarants in h.foyers() for p in declarants
                         if key != "main" or h.notice == "estimate"]
            if estimated:
                for p in estimated:
                    twelve = collections.defaultdict(float)
                    for (person, rtype), amounts in typed.items():
                        if person == p["id"] and rtype in CATEGORY_OF:
                            if ESTIMATE_GROSS_TYPED == "net" and rtype in GROSS_SOURCE and any(
                                    s.basis == "gross" for s in h.sources if (s.person, s.type) == (person, rtype)):
                                amounts = h.nets[person, rtype]
                            twelve[CATEGORY_OF[rtype]] += sum(amounts[m] for m in cal.last_twelve)
                    expected = {c: round(v, 2) for c, v in twelve.items() if v > 0}
                    got = h.n2.get(p["id"], {})
                    if set(expected) != set(got) or any(abs(expected[c] - got[c]) > 0.02 for c in expected):
                        problems.append(f"{h.seed} {p['id']}: estimate {expected} != N-2 {got}")
            # Every N-2 input the situation is given counts in openfisca's income tax (an
            # input openfisca ignores would go unnoticed: the engine writes the same one).
            main = foyers[pre + "ff_main"]
            if any(v >= 3000 for p in h.declarants for v in h.n2.get(p["id"], {}).values()) and rbg[main] <= 0:
                problems.append(f"{h.seed}: N-2 incomes {h.n2} give a revenu brut global of {rbg[main]}")
            if h.notice == "rfr":
                rfr = float(sim.calculate("rfr", cal.n2)[foyers[pre + "ff_main"]])
                if abs(rfr - d.fiscal_reference_income) > 0.01:
                    problems.append(f"{h.seed}: RFR typed {d.fiscal_reference_income} != openfisca {rfr}")
    assert not problems, "\n".join(problems[:50])


def _compare(h, result, catalogue):
    """[(aid, engine value, openfisca value, ok)] for every openfisca aid of the catalogue."""
    out = []
    for aid in catalogue.openfisca_aids:
        expected = h.expected[aid.id]
        got = result.aid(aid.id)
        if expected is None:  # the rule did not exist at that date
            out.append((aid.id, got.status, "unavailable", got.status == "unavailable"))
        elif aid.openfisca.unit == "eligibilite":
            out.append((aid.id, got.status == ELIGIBLE, expected, (got.status == ELIGIBLE) == expected))
        else:
            value = got.amount or 0.0
            out.append((aid.id, value, round(expected, 2), abs(value - expected) <= TOLERANCE))
    return out


def test_engine_equals_hand_built_openfisca_at_scale(runs, engine_results, catalogue, capsys):
    results, engine_seconds = engine_results
    compared = mismatches = 0
    lines = []
    non_zero = collections.Counter()
    for run in _month_runs(runs).values():
        for h in run.households:
            for aid_id, got, expected, ok in _compare(h, results[h.seed], catalogue):
                compared += 1
                if expected not in (0, 0.0, False, "unavailable"):
                    non_zero[aid_id] += 1
                if not ok:
                    mismatches += 1
                    lines.append(f"  seed {h.seed} ({h.month}, {h.notice}) {aid_id}: "
                                 f"moteur {got}, openfisca {expected}")
    households = sum(len(r.households) for r in _month_runs(runs).values())
    share = 100.0 * (compared - mismatches) / compared if compared else 0.0
    summary = (f"différentiel généré : {households} foyers, {compared} valeurs comparées, "
               f"{share:.2f} % à 1 € près, {mismatches} écarts "
               f"(côté openfisca {runs['_seconds']:.0f} s, moteur {engine_seconds:.0f} s)")
    with capsys.disabled():
        print("\n" + summary)
        for line in lines:
            print(line)
    assert not mismatches, summary + "\n" + "\n".join(lines)
    if HOUSEHOLDS >= 300:
        # The comparison means something: the main aids are non-zero for many households.
        for aid_id in ("rsa", "ppa", "aide_logement", "af", "cf", "ars", "aah", "aspa", "cheque_energie",
                       "paje_base", "asf", "css_participation_forfaitaire", "bourse_college"):
            assert non_zero[aid_id] >= 5, (aid_id, non_zero[aid_id])
