"""The impact dashboard: one HTML page, French, plain HTML and CSS, no script."""
from __future__ import annotations

from html import escape

from .figures import THRESHOLD

NBSP = "\u00a0"
_NUMERIC = ' class="n"'
_EMPTY = '<p class="empty">Aucun compte reçu pour l’instant.</p>'

COLUMNS = (
    ("simulations", "Simulations"),
    ("simulations_with_aid", "Avec au moins une aide"),
    ("simulations_with_new_rights", "Avec un droit nouveau"),
    ("appointments", "Rendez-vous pris"),
    ("appointments_desk", "dont au guichet"),
    ("appointments_partner", "dont chez un partenaire"),
    ("handouts", "Fiches remises"),
)
HEADLINES = (
    ("simulations", "simulations réalisées"),
    ("simulations_with_aid", "simulations avec au moins une aide trouvée"),
    ("appointments", "rendez-vous pris à la fin d'une simulation"),
)

# What each headline means, as the desks count it.
DEFINITIONS = (
    ("Aide trouvée", "une aide en argent (RSA, aide au logement, allocations…) ou un droit en nature "
                     "(complémentaire santé solidaire, carte mobilité inclusion, aide juridictionnelle, logement "
                     "social) pour lequel la personne remplit les conditions. Les prêts, les garanties et les bons "
                     "plans (livret d'épargne populaire, gratuités, accession aidée) ne comptent pas."),
    ("Droit nouveau", "une aide trouvée que la personne ne reçoit pas encore."),
    ("Rendez-vous pris", "un rendez-vous réservé au guichet ou noté chez un partenaire à la fin d'une simulation."),
)

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1b1b35; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 2px solid #000091; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; margin: 0; padding: 0; list-style: none; }
.cards li { flex: 1 1 14rem; border: 1px solid #ccc; border-radius: 6px; padding: 1rem; }
.cards strong { display: block; font-size: 2rem; color: #000091; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { padding: .35rem .6rem; border-bottom: 1px solid #ddd; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.note, .empty { color: #555; font-size: .9rem; }
"""


def number(value: int | None) -> str:
    """1234 -> '1 234' (no-break space); None, a suppressed cell -> '< 11'. Plain text, to escape."""
    if value is None:
        return f"<{NBSP}{THRESHOLD}"
    return f"{value:,}".replace(",", NBSP)


def week_label(week: str) -> str:
    """'2026-W48' -> 'semaine 48 de 2026'."""
    year, number_ = week.split("-W")
    return f"semaine {int(number_)} de {year}"


def render_dashboard(figures: dict) -> str:
    threshold = figures["suppression_threshold"]
    totals = figures["totals"]
    cards = "".join(f"<li><strong>{escape(number(totals[key]))}</strong>{label}</li>" for key, label in HEADLINES)
    sections = [
        _table("Par semaine", [("Semaine", lambda row: week_label(row["week"]), False)], figures["by_week"]),
        _table("Par département", [("Département", lambda row: row["departement"], False),
                                   ("Sites", lambda row: number(row["sites"]), True)], figures["by_departement"]),
        _table("Par site", [("Site", lambda row: row["name"], False),
                            ("Département", lambda row: row["departement"], False)], figures["by_site"])
        if "by_site" in figures else "",
        _cells("Par aide trouvée", "Aide", "aid", figures["by_aid"]),
        _cells("Par événement de vie", "Événement de vie", "life_event", figures["by_life_event"]),
    ]
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Aidant Desk — tableau de bord d'impact</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Aidant Desk — tableau de bord d'impact</h1>
<p class="note">Comptes anonymes envoyés par les postes des conseillers : aucune donnée personnelle.
Les cases de moins de {threshold} par aide ou par événement de vie ne sont pas publiées (« &lt;{NBSP}{threshold} »).
{"Vue des administrateurs : chiffres de chaque site." if "by_site" in figures else
 "Les chiffres de chaque site ne sont montrés qu'aux administrateurs du programme (/admin)."}</p>
<ul class="cards">{cards}</ul>
{_definitions()}
{"".join(sections)}
</body>
</html>
"""


def _table(title: str, leading: list, rows: list[dict]) -> str:
    """leading: (header, cell function, numeric) for the columns before the figures."""
    head = "".join(f"<th{_NUMERIC if numeric else ''}>{escape(label)}</th>" for label, _, numeric in leading)
    head += "".join(f"<th{_NUMERIC}>{escape(label)}</th>" for _, label in COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td{_NUMERIC if numeric else ''}>{escape(str(cell(row)))}</td>"
                         for _, cell, numeric in leading)
        + "".join(f"<td{_NUMERIC}>{escape(number(row[key]))}</td>" for key, _ in COLUMNS) + "</tr>"
        for row in rows)
    return _section(title, f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>" if rows else "")


def _cells(title: str, label: str, key: str, rows: list[dict]) -> str:
    body = "".join(f"<tr><td>{escape(row[key])}</td><td{_NUMERIC}>{escape(number(row['simulations']))}</td></tr>"
                   for row in rows)
    table = (f"<table><thead><tr><th>{escape(label)}</th><th{_NUMERIC}>Simulations</th></tr></thead>"
             f"<tbody>{body}</tbody></table>")
    return _section(title, table if rows else "")


def _definitions() -> str:
    items = "".join(f"<dt>{escape(term)}</dt><dd>{escape(text)}</dd>" for term, text in DEFINITIONS)
    return f'<section><h2>Définitions</h2><dl class="note">{items}</dl></section>'


def _section(title: str, content: str) -> str:
    return f"<section><h2>{escape(title)}</h2>{content or _EMPTY}</section>"
