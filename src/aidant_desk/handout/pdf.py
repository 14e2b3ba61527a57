"""The handout: an A4 PDF the person takes home, easy to read (« facile à lire et à
comprendre »). Their aids with amounts first, then the first step and the papers as a
checklist, with a QR code of the aid's web page; the papers several aids need, once; the
aids to check in a short list; who to contact, each once; the next appointments.

HandoutOptions(full=True) prints the counselor's full version instead: each aid's
description, every document on each card and the points to confirm."""
from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..catalogue.model import Aid, Catalogue
from ..dossier.months import month_label
from ..engine.results import AidResult, SimulationResult
from ..formatting import euros, french_date, when
from ..report import amount_text
from ..site import SiteSettings
from .fonts import REGULAR
from .options import HandoutContent, HandoutOptions, NextAppointment, select_aids
from .qr import QRFlowable, display_url
from .styles import BLUE, CHECKBOX, FOOTER_SIZE, RULE, TINT, Styles, handout_styles

MARGIN = 12 * mm
TOP_MARGIN = 10 * mm
BOTTOM_MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
QR_SIZE = 17 * mm  # quiet zone included: still read by a phone at arm's length
QR_COLUMN = QR_SIZE + 3 * mm
FULL_QR_SIZE = 25 * mm
INDENT = 6  # points: a card's text sits just inside its title band
TITLE = "Récapitulatif de vos droits"
LINK = '<link href="{href}" color="#000091"><u>{text}</u></link>'


def build_handout(result: SimulationResult, catalogue: Catalogue, options: HandoutOptions = HandoutOptions(),
                  site: SiteSettings = SiteSettings(), appointments: Sequence[NextAppointment] = (), *,
                  on: date | None = None) -> bytes:
    """The PDF's bytes. `on` is the date printed on it (today by default)."""
    on = on or date.today()
    styles = handout_styles()
    content = select_aids(result, options)
    story = _header(site, options, on, styles)
    story += [Paragraph(TITLE, styles.title), Paragraph(_intro(result, content.possible), styles.body)]
    if appointments:
        story += [Spacer(0, 2 * mm), _appointments_box(list(appointments), styles)]
    monthly = sum(a.monthly_amount for a in content.possible)
    if monthly:
        story.append(Paragraph(f"<b>Total des aides possibles versées chaque mois : {euros(monthly)}</b> "
                               "(estimation).", styles.total))
    story += _full_aids(content, catalogue, styles) if options.full else _short_aids(content, catalogue, styles)
    if content.received:
        story.append(Paragraph("Aides que vous recevez déjà", styles.section))
        story += [Paragraph(f"<b>{escape(a.label)}</b> : {escape(amount_text(a))}", styles.body)
                  for a in content.received]
    story += [Spacer(0, 3 * mm), _notice(result, options, on, styles)]

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN, title=f"{TITLE} – {site.name}", author="Aidant Desk", creator="Aidant Desk",
        subject=f"Simulation des aides pour {month_label(result.month)}", lang="fr-FR",
        displayDocTitle=True, initialFontName=REGULAR)
    footer = f"{site.name} · récapitulatif du {french_date(on)}"
    document.build(story, canvasmaker=lambda *args, **kwargs: _FooterCanvas(*args, footer=footer, **kwargs))
    return buffer.getvalue()


def _p(text: str, style) -> Paragraph:
    """A paragraph of plain text: catalogue and settings text is escaped, never markup."""
    return Paragraph(escape(text), style)


def _field(name: str, text: str, style) -> Paragraph:
    """'<b>Name :</b> text'."""
    return Paragraph(f"<b>{name} :</b> {escape(text)}", style)


def _link(url: str) -> str:
    """The short address, on one line, linking to the full one."""
    return LINK.format(href=escape(url, {'"': "&quot;"}), text=escape(display_url(url)))


def _table(rows: list, widths: list[float], *commands: tuple) -> Table:
    table = Table(rows, colWidths=widths)
    # Without FONTNAME, reportlab's tables pull in Helvetica, which is not embedded.
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                               *commands]))
    return table




def _header(site: SiteSettings, options: HandoutOptions, on: date, styles: Styles) -> list:
    left = [_p(site.name, styles.box_title)]
    if site.address_given:
        left.append(_p(site.address_given, styles.site))
    contact = [f"Tél. : {site.phone}"] if site.phone else []
    contact += [f"Horaires : {site.opening_hours}"] if site.opening_hours else []
    if contact:
        left.append(_p(" · ".join(contact), styles.site))
    right = [_p(f"Le {french_date(on)}", styles.site_right)]
    if options.counselor:
        right.append(_p(f"Votre contact : {options.counselor}", styles.site_right))
    if options.beneficiary_first_name:
        right.append(_p(f"Pour : {options.beneficiary_first_name}", styles.site_right))
    table = _table([[left, right]], [WIDTH * 0.68, WIDTH * 0.32])
    return [table, HRFlowable(width="100%", thickness=2, color=BLUE, spaceBefore=2 * mm, spaceAfter=1 * mm)]


def _intro(result: SimulationResult, possible: list[AidResult]) -> str:
    month = month_label(result.month)
    if not possible:
        return f"Le calcul n'a pas trouvé d'aide nouvelle pour {month} avec les informations données."
    return (f"Voici les aides que vous pouvez demander pour {month}. Les montants sont estimés. "
            "Le code carré ouvre le site de l'aide.")


def _appointments_box(appointments: list[NextAppointment], styles: Styles) -> Table:
    title = "Votre prochain rendez-vous" if len(appointments) == 1 else "Vos prochains rendez-vous"
    rows: list = [Paragraph(title, styles.box_title)]
    for index, appointment in enumerate(appointments):
        if index:
            rows.append(HRFlowable(width="100%", thickness=0.75, color=BLUE, spaceBefore=2, spaceAfter=3))
        rows += _appointment(appointment, styles)
    return _boxed(rows, BLUE, ("BACKGROUND", (0, 0), (-1, -1), TINT))


def _appointment(appointment: NextAppointment, styles: Styles) -> list:
    # A partner's appointment has no duration the desk knows: it prints none.
    start = when(appointment.start)
    if appointment.at_desk:
        start += f" ({appointment.duration} minutes)"
    with_whom = (f"{appointment.with_whom}, à France Services" if appointment.at_desk
                 else appointment.with_whom)
    rows = [_field("Quand", start, styles.body), _field("Où", appointment.place, styles.body),
            _field("Avec", with_whom, styles.body)]
    if appointment.items_to_bring:
        rows.append(Paragraph(f"<b>À apporter :</b> {_inline_checklist(appointment.items_to_bring)}", styles.body))
    if appointment.note:
        rows.append(_p(appointment.note, styles.body))
    return rows


# ---------------------------------------------------------------- the person's version

def _short_aids(content: HandoutContent, catalogue: Catalogue, styles: Styles) -> list:
    story: list = []
    if content.possible:
        infos = [catalogue.aid(a.aid_id) for a in content.possible]
        shared = _shared_documents(infos)
        story.append(Paragraph(f"Vos aides possibles ({len(content.possible)})", styles.section))
        if shared:
            story.append(KeepTogether([Paragraph("Papiers à préparer (pour plusieurs aides)", styles.label),
                                       _checklist_columns(shared, styles), Spacer(0, 2 * mm)]))
        story += [_short_card(a, info, shared, styles) for a, info in zip(content.possible, infos)]
    if content.to_check:
        story.append(Paragraph(f"Aides à vérifier ({len(content.to_check)})", styles.section))
        story.append(Paragraph("Vous y avez peut-être droit. Demandez à :", styles.lead))
        story += [_to_check_line(a, catalogue.aid(a.aid_id), styles) for a in content.to_check]
    if content.possible:
        story += _who_to_contact(content.possible, catalogue, styles)
    return story


def _shared_documents(infos: list[Aid]) -> list[str]:
    """The papers at least two of the aids ask for, most asked first: printed once."""
    counts = Counter(doc for info in infos for doc in dict.fromkeys(info.documents))
    order = list(dict.fromkeys(doc for info in infos for doc in info.documents))
    return sorted((doc for doc in order if counts[doc] > 1), key=lambda doc: -counts[doc])


def _first_step(instructions: str) -> str:
    """The first sentence of how to apply: one short step."""
    match = re.match(r"(.+?[.!?])(\s|$)", instructions.strip())
    return match.group(1) if match else instructions.strip()


def _title_row(aid: AidResult, width: float, styles: Styles) -> Table:
    amount = amount_text(aid) if aid.amount is not None or aid.eligible else "à vérifier"
    # The amount takes the room it needs on one line; the name wraps in the rest.
    amount_width = min(stringWidth(amount, styles.amount.fontName, styles.amount.fontSize) + 8, width * 0.5)
    return _table([[_p(aid.label, styles.aid), _p(amount, styles.amount)]], [width - amount_width, amount_width])


def _short_card(aid: AidResult, info: Aid, shared: list[str], styles: Styles) -> Table:
    """Name and amount, the first step, the papers this aid alone needs, the short address;
    the QR code beside them."""
    how = info.how_to_apply
    online = how.get("online")
    text_width = WIDTH - (QR_COLUMN if online else 0) - INDENT
    step = escape(_first_step(how["instructions"]))
    if online:
        step += f" <b>Site :</b> {_link(online)}"
    left = [_title_row(aid, text_width, styles), Paragraph(step, styles.body)]
    extra = [doc for doc in info.documents if doc not in shared]
    if aid.eligible and extra:
        label = "Papiers en plus" if shared else "Papiers"
        left.append(Paragraph(f"<b>{label} :</b> {_inline_checklist(extra)}", styles.body))
    row = [left, QRFlowable(online, QR_SIZE)] if online else [left]
    widths = [text_width, QR_COLUMN] if online else [text_width]
    return _table([row], widths, ("LINEABOVE", (0, 0), (-1, 0), 1.5, BLUE),
                  ("LEFTPADDING", (0, 0), (0, 0), INDENT), ("LEFTPADDING", (1, 0), (1, 0), 3 * mm),
                  ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 5))


def _to_check_line(aid: AidResult, info: Aid, styles: Styles) -> Paragraph:
    amount = f" ({escape(amount_text(aid))})" if aid.amount is not None else ""
    contact = info.how_to_apply.get("contact") or info.institution
    return Paragraph(f"{CHECKBOX}\u00a0<b>{escape(aid.label)}</b>{amount} : {escape(contact)}.", styles.item)


def _who_to_contact(possible: list[AidResult], catalogue: Catalogue, styles: Styles) -> list:
    """Each contact once, with the aids it handles."""
    groups: dict[str, list[str]] = {}
    for aid in possible:
        info = catalogue.aid(aid.aid_id)
        groups.setdefault(info.how_to_apply.get("contact") or info.institution, []).append(info.label)
    lines = [Paragraph(f"<b>{escape(contact)}</b> : {escape(', '.join(labels))}.", styles.item)
             for contact, labels in groups.items()]
    return [Paragraph("Qui contacter", styles.section), *lines]


def _inline_checklist(items) -> str:
    """☐ items on running lines: a box never parts from its item's first word."""
    return " &nbsp; ".join(f"{CHECKBOX}\u00a0{escape(item)}" for item in items)


def _checklist_columns(items: list[str], styles: Styles) -> Table:
    half = (len(items) + 1) // 2
    columns = [_checklist(items[:half], styles), _checklist(items[half:], styles)]
    return _table([columns], [WIDTH / 2, WIDTH / 2], ("RIGHTPADDING", (0, 0), (0, 0), 6))


# ---------------------------------------------------------------- the counselor's full version

def _full_aids(content: HandoutContent, catalogue: Catalogue, styles: Styles) -> list:
    story: list = []
    if content.possible:
        story.append(Paragraph(f"Vos aides possibles ({len(content.possible)})", styles.section))
        story += [_full_card(a, catalogue.aid(a.aid_id), styles) for a in content.possible]
    if content.to_check:
        story.append(Paragraph(f"Aides à vérifier ({len(content.to_check)})", styles.section))
        story.append(Paragraph("Ces aides dépendent de points que le calcul ne peut pas vérifier. "
                               "Regardez-les avec l'organisme indiqué.", styles.lead))
        story += [_full_card(a, catalogue.aid(a.aid_id), styles) for a in content.to_check]
    return story


def _full_card(aid: AidResult, info: Aid, styles: Styles) -> KeepTogether:
    """One aid in full, kept on one page: title and amount, what it is and how to apply
    beside the QR code, then the checklists at full width, then who to contact."""
    head = _table([[_title_row(aid, WIDTH - 2 * INDENT, styles)]], [WIDTH],
                  ("BACKGROUND", (0, 0), (-1, -1), TINT), ("LINEABOVE", (0, 0), (-1, 0), 1.5, BLUE),
                  ("LEFTPADDING", (0, 0), (-1, -1), INDENT), ("RIGHTPADDING", (0, 0), (-1, -1), INDENT),
                  ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4))
    how = info.how_to_apply
    left = [_p(info.description, styles.body), _field("Comment faire", how["instructions"], styles.body)]
    if how.get("form"):
        left.append(_field("Formulaire", how["form"], styles.body))
    online = how.get("online")
    if online:
        left.append(Paragraph(f"<b>En ligne :</b> {_link(online)}", styles.body))
    qr_column = FULL_QR_SIZE + 5 * mm
    top = _table([[left, [QRFlowable(online, FULL_QR_SIZE)] if online else []]], [WIDTH - qr_column, qr_column],
                 ("LEFTPADDING", (0, 0), (0, 0), INDENT), ("LEFTPADDING", (1, 0), (1, 0), 5 * mm),
                 ("TOPPADDING", (0, 0), (-1, -1), 4))
    lists = []
    if aid.to_confirm:
        lists.append(Paragraph("À vérifier :", styles.label))
        lists += _checklist(aid.to_confirm, styles)
    if aid.eligible and info.documents:
        lists.append(Paragraph("Documents à préparer :", styles.label))
        lists += _checklist(info.documents, styles)
    contact = f"<b>Qui contacter :</b> {escape(how['contact'])}. " if how.get("contact") else ""
    lists.append(Paragraph(f"{contact}<b>Organisme :</b> {escape(info.institution)}.", styles.body))
    bottom = _table([[lists]], [WIDTH], ("LEFTPADDING", (0, 0), (-1, -1), INDENT),
                    ("TOPPADDING", (0, 0), (-1, -1), 4))
    return KeepTogether([head, top, bottom, Spacer(0, 3 * mm)])


def _checklist(items, styles: Styles) -> list[Paragraph]:
    return [_p(f"{CHECKBOX} {item}", styles.item) for item in items]


# ---------------------------------------------------------------- both versions

def _notice(result: SimulationResult, options: HandoutOptions, on: date, styles: Styles) -> KeepTogether:
    rows = [
        Paragraph("À savoir", styles.label),
        _p(f"Ces montants sont des estimations. Ils ont été calculés le {french_date(on)} pour "
           f"{month_label(result.month)}, avec les règles d'openfisca-france version "
           f"{result.openfisca_france_version}.", styles.body),
        _p("Ce n'est pas une décision. Seul l'organisme qui verse l'aide décide, après votre demande.",
           styles.body),
    ]
    if options.show_fiscal_income:
        estimated = " (estimé)" if result.fiscal_income_estimated else ""
        rows.append(_p(f"Revenu fiscal de référence utilisé : {euros(result.fiscal_reference_income)}{estimated}.",
                       styles.body))
    return KeepTogether([_boxed(rows, RULE)])


def _boxed(flowables: list, border, *commands: tuple) -> Table:
    return _table([[flowables]], [WIDTH], ("BOX", (0, 0), (-1, -1), 1.5, border),
                  ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                  ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 6), *commands)


class _FooterCanvas(Canvas):
    """Draws 'Page n sur N' once the page count is known, after each page's body, so
    text extraction reads the footer last."""

    def __init__(self, *args, footer: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(REGULAR, FOOTER_SIZE)
            self.setFillColor(RULE)
            self.drawString(MARGIN, 8 * mm, self._footer)
            self.drawRightString(A4[0] - MARGIN, 8 * mm, f"Page {number} sur {total}")
            super().showPage()
        super().save()
