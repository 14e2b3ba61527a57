"""Helpers to write openfisca-france situations by hand, at the source, for the month
of the tests (2026-11), following docs/dossier.md « Comment le moteur s'en sert »:

- resources from M-13 to M at their source: the gross wage, pension or unemployment
  benefit (`salaire_de_base`, `retraite_brute`, `chomage_brut`); openfisca computes the
  net and the taxable amounts;
- the incomes of the N-2 tax notice by declarant and category, as monthly taxable
  amounts (1/12 of the year) for every month of N-3 and N-2 and the months of N-1
  before M-13; no `rfr` nor `prestations_familiales_base_ressources` input;
- benefits set to 0 from M-13 to M-4 (RSA and CEJ allowance to M-1).

Where a dossier types a net or an RFR, the situation holds a placeholder (`gross` or
`notice_share`, and the foyer's `rfr`) and `solve` finds the source amount on
openfisca's own net or rfr computed on the situation itself (bracketing, then regula
falsi with bisection as a fallback). This is written here, independently of the engine
(aidant_desk.engine.situation and incomes are not imported).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
from openfisca_core.simulation_builder import SimulationBuilder

from .conftest import MONTH

M = MONTH
N3, N2, N1 = (str(int(M[:4]) - k) for k in (3, 2, 1))  # 2023, 2024 (the notice's year), 2025


def months(first: int, last: int) -> list[str]:
    """Months M+first .. M+last (offsets <= 0), oldest first."""
    year, mon = int(M[:4]), int(M[5:])
    out = []
    for k in range(first, last + 1):
        index = year * 12 + mon - 1 + k
        out.append(f"{index // 12}-{index % 12 + 1:02d}")
    return out


HISTORY = months(-13, 0)  # 2025-10 .. 2026-11
# 2023-01 .. 2025-09: every month of N-3 and N-2, the months of N-1 before M-13.
NOTICE_MONTHS = [f"{y}-{m:02d}" for y in (N3, N2, N1) for m in range(1, 13) if f"{y}-{m:02d}" < HISTORY[0]]
NOTICE_YEARS = [N3, N2, N1]  # micro-enterprise turnover, yearly
# Notice category -> the monthly taxable input it fills.
TAXABLE = {"wages": "salaire_imposable", "pensions": "retraite_imposable", "unemployment": "chomage_imposable"}
# Gross input -> the net openfisca derives from it.
NET_OF = {"salaire_de_base": "salaire_net", "retraite_brute": "retraite_nette", "chomage_brut": "chomage_net"}

# Key of a foyer fiscal (removed by `solve`): the RFR its declarants' notice incomes give.
RFR_TARGET = "__rfr_typed__"


def every_month(value):
    return {m: value for m in HISTORY}


# Monthly benefits that may enter other bases: inputs set to 0 from M-13 to M-4.
PAST_BENEFITS_FAMILLE = ["rsa", "ppa", "aide_logement", "reduction_loyer_solidarite", "af", "cf", "paje_base",
                         "paje_naissance", "asf", "aeeh", "aspa", "ada"]
PAST_BENEFITS_INDIVIDU = ["aah", "caah", "asi", "ass", "contrat_engagement_jeune", "agepi", "aide_mobilite",
                          "aide_permis_demandeur_emploi", "mobili_jeune", "pass_sport", "pass_culture",
                          "aide_mobilite_master", "aide_mobilite_parcoursup", "depart1825_montant_maximum",
                          "bourse_criteres_sociaux"]


def past_zero(names):
    zero = {}
    for name in names:
        zero[name] = {m: 0.0 for m in months(-13, -4)}
        if name in ("rsa", "contrat_engagement_jeune"):  # circular base: 0 over M-3..M-1
            zero[name].update({m: 0.0 for m in months(-3, -1)})
    return zero


def person(birth, activite="inactif", etablissement="inconnu", categorie="pas_de_categorie", inputs=None, **extra):
    """A person; `extra` values are the same every month M-13..M, `inputs` are given as is
    (by-period dicts, placeholders)."""
    data = {
        "date_naissance": {"ETERNITY": birth},
        "activite": every_month(activite),
        "boursier": every_month(False),
        "apprenti": every_month(False),
        "statuts_etablissement_scolaire": every_month(etablissement),
        "pole_emploi_categorie_demandeur_emploi": every_month(categorie),
        **past_zero(PAST_BENEFITS_INDIVIDU),
    }
    for name, value in extra.items():
        data[name] = every_month(value)
    data.update(inputs or {})
    return data


def famille(parents, enfants=()):
    return {"parents": list(parents), "enfants": list(enfants), **past_zero(PAST_BENEFITS_FAMILLE)}


def foyer(declarants, personnes_a_charge=(), rfr=None):
    """A foyer fiscal; `rfr`: the RFR typed, that the declarants' `notice_share` incomes must give."""
    data = {"declarants": list(declarants), "personnes_a_charge": list(personnes_a_charge)}
    if rfr is not None:
        data[RFR_TARGET] = float(rfr)
    return data


def menage(ref, statut, loyer, charges, depcom, conjoint=(), enfants=(), hlm=False, coloc=False):
    return {
        "personne_de_reference": [ref],
        "conjoint": list(conjoint),
        "enfants": list(enfants),
        "statut_occupation_logement": every_month(statut),
        "loyer": every_month(float(loyer)),
        "charges_locatives": every_month(float(charges)),
        "depcom": every_month(depcom),
        "logement_conventionne": every_month(hlm),
        "coloc": every_month(coloc),
    }


# --- placeholders -------------------------------------------------------------------------

@dataclass(frozen=True)
class Gross:
    """Put under a gross input: month -> the net openfisca must derive from it."""
    nets: dict


@dataclass(frozen=True)
class NoticeShare:
    """Put under a taxable input: this share of the yearly notice total of the person's
    foyer, whose openfisca rfr of N-2 must equal the foyer's RFR_TARGET."""
    share: float


def gross(variable: str, net) -> dict:
    """{gross variable: placeholder}: the gross whose openfisca net is `net` (a number,
    every month M-13..M, or month -> amount)."""
    nets = net if isinstance(net, dict) else every_month(float(net))
    return {variable: Gross(dict(nets))}


def notice(**yearly) -> dict:
    """N-2 notice incomes of a declarant, by category (wages, pensions, unemployment): a
    yearly amount, or `notice_share(w)` for a share of an RFR to match."""
    out = {}
    for category, amount in yearly.items():
        variable = TAXABLE[category]
        out[variable] = amount if isinstance(amount, NoticeShare) else {m: amount / 12 for m in NOTICE_MONTHS}
    return out


def notice_share(weight: float = 1.0) -> NoticeShare:
    return NoticeShare(weight)


# --- the solver: openfisca's own net and rfr, bracketed ------------------------------

@dataclass
class _Unknown:
    writes: list  # (by-period dict, period, factor)
    read: tuple  # (entity plural, id, variable, period)
    target: float
    tolerance: float
    high: float  # first upper bound of the bracket

    def write(self, x: float) -> None:
        for values, period, factor in self.writes:
            values[period] = x * factor


def _members(situation, foyer_id):
    data = situation["foyers_fiscaux"][foyer_id]
    return list(data.get("declarants", [])) + list(data.get("personnes_a_charge", []))


def solve(tbs, situation: dict) -> dict:
    """A copy of `situation` with every placeholder replaced: first the notice incomes
    (one yearly total per foyer with an RFR_TARGET), then the gross of each month (the
    CSG rate of a pension or unemployment benefit reads the rfr of N-2)."""
    situation = copy.deepcopy(situation)
    notices, grosses = [], []
    for fid, data in situation["foyers_fiscaux"].items():
        target = data.pop(RFR_TARGET, None)
        writes = []
        for pid in _members(situation, fid):
            for variable, value in situation["individus"][pid].items():
                if isinstance(value, NoticeShare):
                    values = situation["individus"][pid][variable] = {}
                    writes += [(values, m, value.share / 12) for m in NOTICE_MONTHS]
        if target is None:
            assert not writes, f"{fid}: notice_share sans RFR"
            continue
        assert writes or target <= 0, f"{fid}: un RFR sans notice_share pour le porter"
        if writes and target > 0:
            notices.append(_Unknown(writes, ("foyers_fiscaux", fid, "rfr", N2), target, 0.25, 2 * target + 1000))
        else:
            for values, period, _ in writes:
                values[period] = 0.0
    for pid, data in situation["individus"].items():
        for variable, value in list(data.items()):
            if isinstance(value, Gross):
                values = data[variable] = {}
                for m, net in value.nets.items():
                    values[m] = net  # provisional, while the notice is solved
                    if net > 0:
                        grosses.append(_Unknown([(values, m, 1.0)], ("individus", pid, NET_OF[variable], m),
                                                net, 0.005, 2 * net + 100))
                    else:
                        values[m] = 0.0
    left = [pid for pid, data in situation["individus"].items()
            if any(isinstance(v, NoticeShare) for v in data.values())]
    assert not left, f"notice_share hors d'un foyer déclarant : {left}"
    for unknowns in (notices, grosses):
        _bisect(tbs, situation, unknowns)
    return situation


def _bisect(tbs, situation, unknowns, rounds=60):
    """Bracket [0, high] (widened while too low), then regula falsi with the Illinois
    correction (bisection when a step leaves the bracket), all unknowns at once."""
    if not unknowns:
        return
    target = np.array([u.target for u in unknowns])
    tolerance = np.array([u.tolerance for u in unknowns])

    def evaluate(x):
        for u, v in zip(unknowns, x):
            u.write(float(v))
        simulation = SimulationBuilder().build_from_entities(tbs, situation)
        index = {plural: {eid: i for i, eid in enumerate(simulation.populations[entity].ids)}
                 for plural, entity in (("individus", "individu"), ("foyers_fiscaux", "foyer_fiscal"))}
        out = np.empty(len(unknowns))
        for i, (plural, eid, variable, period) in enumerate(u.read for u in unknowns):
            out[i] = simulation.calculate(variable, period)[index[plural][eid]]
        return out - target

    lo = np.zeros(len(unknowns))
    f_lo = evaluate(lo)
    assert (f_lo <= tolerance).all(), "openfisca donne déjà plus que la cible à 0"
    hi = np.array([u.high for u in unknowns])
    f_hi = evaluate(hi)
    while (f_hi < 0).any():
        hi = np.where(f_hi < 0, 2 * hi, hi)
        f_hi = evaluate(hi)
    x, f = hi, f_hi
    side = np.zeros(len(unknowns))  # which end moved last: -1 low, +1 high
    for _ in range(rounds):
        done = np.abs(f) <= tolerance
        if done.all():
            return
        span = f_hi - f_lo
        step = np.where(span > 0, lo - f_lo * (hi - lo) / np.where(span > 0, span, 1.0), (lo + hi) / 2)
        step = np.where((step <= lo) | (step >= hi), (lo + hi) / 2, step)
        x = np.where(done, x, step)
        f = evaluate(x)
        below, above = (f < 0) & ~done, (f > 0) & ~done
        # Illinois: an end kept twice in a row has its value halved.
        f_hi = np.where(below & (side == -1), f_hi / 2, f_hi)
        f_lo = np.where(above & (side == 1), f_lo / 2, f_lo)
        lo, f_lo = np.where(below, x, lo), np.where(below, f, f_lo)
        hi, f_hi = np.where(above, x, hi), np.where(above, f, f_hi)
        side = np.where(below, -1, np.where(above, 1, side))
    raise AssertionError(f"pas de solution à {np.abs(f).max()} près")


# --- many situations in one simulation ------------------------------------------------------

ROLES = {"declarants", "personnes_a_charge", "parents", "enfants", "personne_de_reference", "conjoint", "autres"}


def merge(situations: dict) -> dict:
    """Every situation in one, each id prefixed with the situation's name and a dot."""
    merged: dict = {"individus": {}, "familles": {}, "foyers_fiscaux": {}, "menages": {}}
    for name, situation in situations.items():
        for plural, entities in situation.items():
            for eid, data in entities.items():
                merged[plural][f"{name}.{eid}"] = {
                    k: ([f"{name}.{v}" for v in value] if k in ROLES else value) for k, value in data.items()}
    return merged


def reader(simulation):
    """read(name, variable, entity, period): the values of situation `name` (every person
    for individu, the famille "f" or the menage "m" otherwise)."""
    def read(name: str, variable: str, entity: str, period: str) -> list:
        array = simulation.calculate(variable, period)
        ids = list(simulation.populations[entity].ids)
        if entity == "individu":
            return [array[i] for i, eid in enumerate(ids) if eid.startswith(name + ".")]
        main = {"famille": "f", "menage": "m"}[entity]
        return [array[ids.index(f"{name}.{main}")]]

    return read


def simulate(tbs, situations: dict):
    """Solve and compute the situations in one openfisca-france simulation: a reader."""
    return reader(SimulationBuilder().build_from_entities(tbs, solve(tbs, merge(situations))))
