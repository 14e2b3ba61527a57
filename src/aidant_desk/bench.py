"""`aidant-desk bench`: the engine's speed and memory, against raw openfisca-france
computing the same variables on the same situation, in the same run."""
from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import package_data
from .dossier import Dossier, Resource
from .engine.core import PLAIN_SWITCH

EXAMPLES = package_data.examples_dir()
REFERENCE_EXAMPLE = "parent_isole_deux_enfants.json"
WARM_RUNS = 5


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _median_time(fn, runs: int = WARM_RUNS) -> float:
    return statistics.median(_timed(fn)[0] for _ in range(runs))


def example_dossiers() -> list[Dossier]:
    return [Dossier.load(p) for p in sorted(EXAMPLES.glob("*.json"))]


def varied_dossiers(count: int) -> list[Dossier]:
    """count dossiers: the examples with the applicant's wages stepped from 0 to 2,600 €."""
    bases = example_dossiers()
    dossiers = []
    for i in range(count):
        base = bases[i % len(bases)]
        wages = Resource(person=base.applicant.id, type="wages", same_every_month=float((i * 37) % 2600))
        others = tuple(r for r in base.resources if not (r.person == base.applicant.id and r.type == "wages"))
        dossiers.append(base.replace(resources=others + (wages,)))
    return dossiers


def run_benchmark(batch_size: int = 1000, sample: int = 5, out=print) -> int:
    from .catalogue import default_catalogue

    load_time, _ = _timed(lambda: _load_engine())
    from openfisca_core.simulation_builder import SimulationBuilder

    from .engine import Engine, tax_benefit_system
    from .engine.incomes import SolutionCache

    engine = Engine(default_catalogue())
    peak_after_load = _peak_mb()
    dossier = Dossier.load(EXAMPLES / REFERENCE_EXAMPLE)
    month = dossier.month

    def uncached(fn):
        """Forget the incomes solved before: the cost of a dossier whose incomes are new."""
        def run():
            engine.incomes = SolutionCache()
            return fn()
        return run

    first, _ = _timed(lambda: engine.simulate(dossier))
    warm = _median_time(lambda: engine.simulate(dossier))
    warm_new = _median_time(uncached(lambda: engine.simulate(dossier)))
    requests = list(engine.last_requests)
    situation = engine.situation([dossier])

    def raw():
        # openfisca-france as its users call it: the situation dict, the usual builder.
        simulation = SimulationBuilder().build_from_entities(tax_benefit_system(), situation)
        for variable, period in requests:
            simulation.calculate(variable, period)

    raw_time = _median_time(raw)
    peak_one = _peak_mb()

    dossiers = [d.with_month(month) for d in varied_dossiers(batch_size)]
    # Both without solved incomes: each way pays for finding the gross and N-2 incomes.
    batch_time, _ = _timed(uncached(lambda: engine.batch(dossiers)))
    one_by_one = statistics.mean(_timed(uncached(lambda d=d: engine.simulate(d)))[0] for d in dossiers[:sample])
    extrapolated = one_by_one * batch_size
    peak_batch = _peak_mb()

    out(f"Banc d'essai Aidant Desk — {len(engine.catalogue.aids)} aides, {len(requests)} variables openfisca, "
        f"exemple {REFERENCE_EXAMPLE}, {month}")
    out(f"  chargement du moteur (FranceTaxBenefitSystem + catalogue) : {load_time:.2f} s")
    out(f"  première simulation complète d'un dossier               : {first:.2f} s")
    out(f"  simulation complète à chaud (médiane de {WARM_RUNS})              : {warm:.3f} s")
    out(f"  openfisca-france brut, mêmes variables et situation     : {raw_time:.3f} s")
    out(f"  rapport moteur / openfisca brut                         : {warm / raw_time:.2f} (cible ≤ 1,10)")
    out(f"  à chaud, revenus nouveaux (brut et avis N-2 à retrouver) : {warm_new:.3f} s "
        f"(rapport {warm_new / raw_time:.2f} ; l'inversion coûte {warm_new - warm:.3f} s)")
    out(f"  lot de {batch_size} dossiers en une simulation                 : {batch_time:.2f} s")
    out(f"  un par un ({sample} mesurés, extrapolé à {batch_size})             : {extrapolated:.1f} s")
    out(f"  gain du lot                                             : ×{extrapolated / batch_time:.0f} (cible ≥ ×50)")
    out(f"  mémoire de pointe après chargement                      : {peak_after_load:.0f} Mo")
    out(f"  mémoire de pointe après une simulation                  : {peak_one:.0f} Mo (cible < 400 Mo)")
    out(f"  mémoire de pointe après le lot                          : {peak_batch:.0f} Mo")
    _handout_figures(engine, dossier, out)
    out("Application (processus neuf, hors écran) :")
    env = {**os.environ, "AIDANT_BENCH_LAUNCHED": repr(time.time())}
    gui = subprocess.run([sys.executable, "-m", "aidant_desk.app.bench"], capture_output=True, text=True, timeout=600, env=env)
    for line in gui.stdout.splitlines():
        out(line)
    if gui.returncode:
        out(f"  mesure de l'application impossible : {gui.stderr.strip().splitlines()[-1:]}")
    cold = run_cold_start_benchmark(out)
    return gui.returncode or cold


HANDOUT_AIDS = 10


def _handout_figures(engine, dossier: Dossier, out) -> None:
    """The PDF of 10 eligible aids, the aids to check and an appointment (simulation not timed)."""
    from datetime import date, datetime

    from .agenda import PARIS, Appointment
    from .handout import HandoutOptions, build_handout
    from .site import SiteSettings

    result = engine.simulate(dossier)
    kept = [a.aid_id for a in result.new_rights[:HANDOUT_AIDS]] + [a.aid_id for a in result.to_check]
    options = HandoutOptions(aid_ids=frozenset(kept), counselor="Julie")
    site = SiteSettings(name="France Services Lille Moulins", address="12 rue de Valenciennes, 59000 Lille",
                        phone="03 20 00 00 00", opening_hours="du lundi au vendredi, 9 h – 12 h et 13 h 30 – 17 h")
    appointment = Appointment(1, "bench@aidant-desk", "desk", datetime(2026, 12, 1, 14, 30, tzinfo=PARIS), 30,
                              site.place, "Julie", "Avis d'imposition\nRIB")

    def build() -> bytes:
        return build_handout(result, catalogue=engine.catalogue, options=options, site=site,
                             appointments=[appointment], on=date(2026, 11, 28))

    first, pdf = _timed(build)
    warm = _median_time(build, runs=20)
    out(f"  récapitulatif PDF ({min(HANDOUT_AIDS, len(result.new_rights))} aides éligibles, "
        f"{len(result.to_check)} à vérifier, {len(pdf) // 1024} Ko) : premier {first * 1000:.0f} ms, "
        f"puis médiane {warm * 1000:.0f} ms (cible < 300 ms)")


def _load_engine():
    from .catalogue import default_catalogue
    from .engine import tax_benefit_system

    default_catalogue()
    return tax_benefit_system()


def run_recheck_benchmark(count: int = 10_000, out=print) -> int:
    """`aidant-desk bench --recheck N`: N kept dossiers re-checked (decrypted, computed in
    vectorised batches at their month on every core, compared, encrypted again), twice:
    first as imported (no results kept, every gross income searched from the typed net),
    then as a desk keeps them after a visit (each search starts from the incomes found
    last time). Against the same dossiers computed one by one (a few timed, extrapolated),
    in the same run."""
    from .desk import Consent, Desk
    from .engine.incomes import SolutionCache
    from .engine.pool import cores

    with tempfile.TemporaryDirectory() as folder:
        with Desk(Path(folder) / "desk.db") as desk:
            dossiers = varied_dossiers(count)
            fill_time, _ = _timed(lambda: [desk.dossiers.save(f"Personne {i}", d, Consent(True))
                                           for i, d in enumerate(dossiers)])
            desk.engine  # loaded before the clock starts: the desk is already running
            first_time, first = _timed(desk.recheck)
            desk.engine.incomes = SolutionCache()  # as the app's re-check: a fresh engine, its cache empty
            kept_time, kept = _timed(desk.recheck)
            sample = dossiers[:5]
            one_by_one = statistics.mean(_timed(lambda d=d: desk.engine.simulate(d))[0] for d in sample)
    extrapolated = one_by_one * count
    out(f"Revérification de {count} dossiers gardés (chiffrés), sur {cores()} cœur(s) — {kept.checked} calculés, "
        f"{len(kept.changed)} avec des aides changées, {len(kept.refused)} refusés")
    out(f"  enregistrement des {count} dossiers                              : {fill_time:.1f} s")
    out(f"  première revérification (importés, revenus bruts à chercher)   : {first_time:.1f} s "
        f"({first.first_time} calculés pour la première fois)")
    out(f"  revérification des dossiers gardés (recherche depuis la visite) : {kept_time:.1f} s (cible < 60 s)")
    out(f"  un par un (5 mesurés, extrapolé à {count})                     : {extrapolated:.0f} s")
    out(f"  gain                                                            : ×{extrapolated / kept_time:.0f}")
    return 0 if kept_time < 60 else 1


COLD_RUNS = 3
# Timed in a fresh process, from its launch: the engine as the app's engine process loads it.
_ENGINE_PROBE = """
import json, os, sys, time
launched = float(os.environ["AIDANT_BENCH_LAUNCHED"])
from aidant_desk.catalogue import default_catalogue
from aidant_desk.dossier import Dossier
from aidant_desk.engine import Engine
engine = Engine(default_catalogue())
ready = time.time() - launched
engine.simulate(Dossier.load(sys.argv[1]))
print(json.dumps({"ready": ready, "first": time.time() - launched}))
"""
# A bundle built before the window's own figure was printed lacks the part in brackets.
_SMOKE_LINE = re.compile(r"moteur prêt ([\d.]+) s après le lancement(?: \(la fenêtre le sait à ([\d.]+) s\))?, "
                         r"premiers résultats à ([\d.]+) s")
BUNDLE = Path("build") / "bundle" / "dist" / "aidant-desk"  # where packaging/build writes it


def run_cold_start_benchmark(out=print, runs: int = COLD_RUNS) -> int:
    """`aidant-desk bench --cold`: launch → engine ready, and → first results, in fresh
    processes, each way timed in turn (medians of `runs`): openfisca-france built and
    read as it ships (AIDANT_DESK_OPENFISCA_PLAIN=1, the engine started after the window's
    imports: the previous way) against the parameters' cache, the legislation read lazily
    and the engine started first. And the bundle's size and cold start, when it is built."""
    import json

    dossier = str(EXAMPLES / REFERENCE_EXAMPLE)
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "AIDANT_DESK_CACHE": cache}
        plain = {**env, PLAIN_SWITCH: "1"}
        _launch([sys.executable, "-c", _ENGINE_PROBE, dossier], env)  # writes the cache, as the first start does
        engine = {"before": [], "after": []}
        window = {"before": [], "after": []}
        launcher = [_launcher(), "--smoke", dossier, "--screenshot", os.path.join(cache, "demarrage.png")]
        previous = [sys.executable, "-m", "aidant_desk.cli", *launcher[1:]]
        for _ in range(runs):
            engine["before"].append(json.loads(_launch([sys.executable, "-c", _ENGINE_PROBE, dossier], plain)))
            engine["after"].append(json.loads(_launch([sys.executable, "-c", _ENGINE_PROBE, dossier], env)))
            window["before"].append(_smoke_times(_launch(previous, {**plain, "QT_QPA_PLATFORM": "offscreen"})))
            window["after"].append(_smoke_times(_launch(launcher, {**env, "QT_QPA_PLATFORM": "offscreen"})))

    def median(runs_, key):
        return statistics.median(r[key] for r in runs_)

    out(f"Démarrage à froid (processus neufs, médianes de {runs}) — avant : openfisca-france tel qu'il est livré, "
        "moteur lancé après la fenêtre ; après : cache des paramètres, législation lue à la demande, moteur lancé d'abord")
    window_keys = (("ready", "moteur prêt"), ("noticed", "fenêtre informée"), ("first", "premiers résultats"))
    for label, runs_, keys in (("moteur seul", engine, window_keys[::2]), ("application", window, window_keys)):
        for key, what in keys:
            before, after = median(runs_["before"], key), median(runs_["after"], key)
            out(f"  {label}, lancement → {what:<19}: avant {before:5.2f} s, après {after:5.2f} s "
                f"(×{before / after:.1f}){' (cible < 2 s)' if key == 'ready' and label == 'application' else ''}")
    ready_after = median(window["after"], "ready")
    _bundle_figures(dossier, out)
    return 0 if ready_after < 2 else 1


def _launcher() -> str:
    """The `aidant-desk` command beside this interpreter, as a counselor starts it."""
    script = Path(sys.executable).with_name("aidant-desk")
    return str(script if script.exists() else Path(sys.executable).with_name("aidant-desk.exe"))


def _launch(command: list[str], env: dict) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env={**env, "AIDANT_BENCH_LAUNCHED": repr(time.time())})
    if done.returncode:
        raise RuntimeError(f"{Path(command[0]).name} a échoué : {done.stderr.strip().splitlines()[-1:]}")
    return done.stdout


def _smoke_times(output: str) -> dict:
    found = _SMOKE_LINE.search(output)
    if not found:
        raise RuntimeError(f"--smoke n'a pas donné ses temps : {output.strip()[-200:]}")
    ready, noticed, first = (float(g) if g else None for g in found.groups())
    return {"ready": ready, "noticed": noticed if noticed is not None else ready, "first": first}


def _bundle_figures(dossier: str, out) -> None:
    executable = BUNDLE / "aidant-desk"
    if not executable.exists() and not executable.with_suffix(".exe").exists():
        out(f"  paquet de bureau : pas construit ({BUNDLE} absent ; packaging/build le construit)")
        return
    size = sum(f.stat().st_size for f in BUNDLE.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6
    executable = executable if executable.exists() else executable.with_suffix(".exe")
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "AIDANT_DESK_CACHE": folder}
        times = _smoke_times(_launch([str(executable), "--smoke", dossier, "--screenshot",
                                      os.path.join(folder, "paquet.png")], env))
    out(f"  paquet de bureau ({BUNDLE}) : {size:.0f} Mo ; lancement → moteur prêt {times['ready']:.2f} s "
        f"(fenêtre informée {times['noticed']:.2f} s), → premiers résultats {times['first']:.2f} s")
