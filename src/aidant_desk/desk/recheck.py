"""Re-checking the kept dossiers when the rules change (a new catalogue or a new
openfisca-france): every dossier is computed again at its own month, many at a time in
one vectorised simulation per month, and what changed is said aid by aid, person by
person. The results kept with each dossier are replaced; its last visit date stays."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from ..catalogue import Catalogue
from ..dossier import Dossier, InvalidData
from ..formatting import euros
from .dossiers import DossierShelf, snapshot

BATCH = 500  # dossiers per vectorised simulation: large enough to amortise openfisca, small enough for memory


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
            progress: Callable[[int, int], None] | None = None) -> RecheckReport:
    """Computes every kept dossier again; `progress(done, total)` after each batch."""
    by_month: dict[str, list[tuple[int, dict, Dossier]]] = defaultdict(list)
    refused = []
    for dossier_id, content in shelf.contents():
        try:
            dossier = Dossier.from_dict(content["dossier"], source=content["name"])
        except InvalidData as error:
            refused.append((dossier_id, content["name"], error.describe()))
            continue
        by_month[dossier.month].append((dossier_id, content, dossier))
    total = sum(len(group) for group in by_month.values())
    done, changed, first_time = 0, [], 0
    for month, group in sorted(by_month.items()):
        for start in range(0, len(group), batch):
            chunk = group[start:start + batch]
            results = engine.batch([dossier for _, _, dossier in chunk])
            shelf.replace_results([(i, content, result) for (i, content, _), result in zip(chunk, results)],
                                  catalogue.fingerprint)
            for (dossier_id, content, _), result in zip(chunk, results):
                if not content.get("results"):
                    first_time += 1
                    continue
                changes = _changes(content["results"], snapshot(result), catalogue)
                if changes:
                    changed.append(DossierChanged(dossier_id, content["name"], month, changes))
            done += len(chunk)
            if progress:
                progress(done, total)
    return RecheckReport(done, tuple(changed), first_time, tuple(refused))


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
