"""The programme's figures from the stored counts, with small-cell suppression
applied again before anything is shown: a breakdown cell below the threshold is
published as null, whatever the desks sent."""
from __future__ import annotations

from collections import defaultdict

from .schema import HEADLINE
from .storage import CentralStore

THRESHOLD = 11


def shown(count: int) -> int | None:
    """A breakdown cell as it may be published: None below the threshold."""
    return count if count >= THRESHOLD else None


def headline_figures(totals: dict[str, int]) -> dict[str, int]:
    """Every headline counter (0 when absent), plus appointments of both kinds together."""
    figures = {metric: totals.get(metric, 0) for metric in HEADLINE}
    figures["appointments"] = figures["appointments_desk"] + figures["appointments_partner"]
    return figures


def programme_figures(store: CentralStore, per_site: bool = False) -> dict:
    """Everything the dashboard and the JSON API show, as plain data. `per_site` (the
    admin view only) adds each site's figures: a site's name is no one's personal
    data, but a small desk's own activity is the programme's to read, not the public's."""
    sites = store.sites()
    by_departement = _grouped(store.headline("departement"))
    by_week = _grouped(store.headline("week"))
    sites_per_departement: dict[str, int] = defaultdict(int)
    for site in sites:
        sites_per_departement[site.departement] += 1
    figures = {
        "suppression_threshold": THRESHOLD,
        "totals": headline_figures(_grouped(store.headline()).get(None, {})),
        "by_week": [{"week": week, **headline_figures(by_week[week])} for week in sorted(by_week)],
        "by_departement": [
            {"departement": code, "sites": count, **headline_figures(by_departement.get(code, {}))}
            for code, count in sorted(sites_per_departement.items())],
        "by_aid": _cells(store.breakdown("aids"), "aid"),
        "by_life_event": _cells(store.breakdown("life_events"), "life_event"),
    }
    if per_site:
        by_site = _grouped(store.headline("site"))
        figures["by_site"] = [{"site": site.id, "name": site.name, "departement": site.departement,
                               **headline_figures(by_site.get(site.id, {}))} for site in sites]
    return figures


def _grouped(rows: list[tuple[object, str, int]]) -> dict[object, dict[str, int]]:
    groups: dict[object, dict[str, int]] = defaultdict(dict)
    for key, metric, total in rows:
        groups[key][metric] = total
    return groups


def _cells(rows: list[tuple[str, int]], name: str) -> list[dict]:
    # Largest first; the suppressed ones last, in name order, so their rank tells nothing.
    ordered = sorted(rows, key=lambda row: (shown(row[1]) is None, -row[1] if shown(row[1]) else 0, row[0]))
    return [{name: key, "simulations": shown(count)} for key, count in ordered]
