"""Re-checking the kept dossiers when the rules change (a new catalogue or a new
openfisca-france): every dossier is computed again at its own month, many at a time in
one vectorised simulation per month, and what changed is said aid by aid, person by
person. The results kept with each dossier are replaced; its last visit date stays.

Batches are shared among the desk's cores (engine/pool.py), each reads its own dossiers,
and each search for gross incomes starts from the incomes found at the dossier's last
computation, kept with it: unchanged rules confirm them in one round."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from ..catalogue import Catalogue
from ..dossier import Dossier, InvalidData, current_month
from ..engine import pool
from ..formatting import euros
from .dossiers import DossierShelf, snapshot

# Dossiers per vectorised simulation, at most: openfisca's cost per formula call is paid
# once per batch (2 000 cost a third less each than 500); a worker computing 2 000 peaks
# near 500 MB.
BATCH = 2000


@dataclass(frozen=True)
class AidChanged:
    label: str
    before: tuple  # (status, amount) as kept, or () when the aid was not found then
    after: tuple


def state_text(kept: tuple) -> str:
    """« 195,75 € », « à vérifier », « aucune »: an aid's status and amount as kept."""
    if not kept:
        return "aucune"
    status, amount = kept
    if status == "to_check":
        return "à vérifier"
    return euros(amount) if amount else "droit ouvert"


@dataclass(frozen=True)
class DossierChanged:
    dossier_id: int
    name: str
    month: str
    changes: tuple[AidChanged, ...]


@dataclass(frozen=True)
class RecheckReport:
    checked: int
    changed: tuple[DossierChanged, ...]
    first_time: int  # kept without results (imported): computed now, nothing to compare
    refused: tuple[tuple[int, str, str], ...]  # (id, name, why in French): not computable any more


def recheck(shelf: DossierShelf, engine, catalogue: Catalogue, batch: int = BATCH,
            progress: Callable[[int, int], None] | None = None, workers: int | None = None) -> RecheckReport:
    """Computes every kept dossier again, its batches shared among `workers` processes
    (every core by default); `progress(done, total)` after each batch."""
    by_month: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for dossier_id, content in shelf.contents():
        by_month[_month(content)].append((dossier_id, content))
    workers = workers or pool.cores()
    chunks = [chunk for _, group in sorted(by_month.items()) for chunk in _even_chunks(group, batch, workers)]
    total = sum(len(chunk) for chunk in chunks)

    def compute(kept: list[tuple[dict, str, list]]) -> list:
        """In a worker: each dossier's result, or why it is refused. Reading a dossier
        (its schema checked) costs a tenth of computing it, so it is shared out too."""
        outcomes, read = [], []
        for data, name, start in kept:
            try:
                dossier = Dossier.from_dict(data, source=name)
                dossier = dossier if dossier.month else dossier.with_month(current_month())  # a file kept as imported
                engine.check(dossier)  # one dossier the rules now refuse does not stop its batch
            except InvalidData as error:
                outcomes.append(error.describe())
                continue
            outcomes.append(None)
            read.append((len(outcomes) - 1, dossier, start))
        if read:
            # Each search for gross incomes starts where the dossier's last one ended.
            results = engine.batch([d for _, d, _ in read], [start for _, _, start in read], refusals=False)
            for (k, _, _), result in zip(read, results):
                outcomes[k] = result
        return outcomes

    inputs = [[(content["dossier"], content["name"], content.get("incomes_found", ())) for _, content in chunk]
              for chunk in chunks]
    done, changed, refused, first_time = 0, [], [], 0
    for chunk, outcome in zip(chunks, pool.batches(compute, inputs, workers)):
        done += len(chunk)
        if isinstance(outcome, InvalidData):  # openfisca cannot compute that month any more
            outcome = [outcome.describe()] * len(chunk)
        refused += [(i, content["name"], why) for (i, content), why in zip(chunk, outcome) if isinstance(why, str)]
        computed = [(i, content, result) for (i, content), result in zip(chunk, outcome) if not isinstance(result, str)]
        shelf.replace_results(computed, catalogue.fingerprint)
        for dossier_id, content, result in computed:
            if not content.get("results"):
                first_time += 1
                continue
            changes = _changes(content["results"], snapshot(result), catalogue)
            if changes:
                changed.append(DossierChanged(dossier_id, content["name"], result.month, changes))
        if progress:
            progress(done, total)
    return RecheckReport(total - len(refused), tuple(changed), first_time, tuple(refused))


def _month(content: dict) -> str:
    """The month a kept dossier is computed at, read before the dossier itself (a damaged
    one is refused later, with the others of its batch)."""
    dossier = content.get("dossier")
    return str(dossier.get("month")) if isinstance(dossier, dict) else ""


def _even_chunks(group: list, batch: int, workers: int) -> list[list]:
    """The group in chunks of at most `batch`, as many as a multiple of the workers and of
    equal sizes: 10 000 dossiers on 2 cores make 6 chunks of 1 667, not 5 of 2 000 whose
    last would run alone."""
    count = -(-len(group) // batch)
    if count > 1:
        count = -(-count // workers) * workers
    size = -(-len(group) // count)
    return [group[start:start + size] for start in range(0, len(group), size)]


def _changes(before: dict, after: dict, catalogue: Catalogue) -> tuple[AidChanged, ...]:
    out = []
    for aid_id in dict.fromkeys([*before, *after]):
        old, new = tuple(before.get(aid_id, ())), tuple(after.get(aid_id, ()))
        if old != new and not _same_amount(old, new):
            label = catalogue.aid(aid_id).label if catalogue.has_aid(aid_id) else aid_id
            out.append(AidChanged(label, old, new))
    return tuple(out)


def _same_amount(old: tuple, new: tuple) -> bool:
    """The same status, the amounts within a cent (a float kept as JSON)."""
    return (len(old) == len(new) == 2 and old[0] == new[0] and (old[1] is None) == (new[1] is None)
            and (old[1] is None or abs(old[1] - new[1]) < 0.005))
