"""The handout: an A4 PDF the person takes home, in plain French. Their aids with
amounts, how to apply (with a QR code of the web page), the documents to prepare as
a checklist, who to contact, what is left to check, and the next appointment."""
from __future__ import annotations

import io
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
from .options import HandoutOptions, NextAppointment, select_aids
from .qr import QRFlowable
from .styles import BLUE, CHECKBOX, RULE, TINT, Styles, handout_styles

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
QR_SIZE = 25 * mm
QR_COLUMN = QR_SIZE + 5 * mm
INDENT = 6  # points: a card's text sits just inside its title band
TITLE = "Récapitulatif de vos droits"


def build_handout(result: SimulationResult, catalogue: Catalogue, options: HandoutOptions = HandoutOptions(),
                  site: SiteSettings = SiteSettings(), appointment: NextAppointment | None = None, *,
                  on: date | None = None) -> bytes:
    """The PDF's bytes. `on` is the date printed on it (today by default)."""
    on = on or date.today()
    styles = handout_styles()
    content = select_aids(result, options)
    story = _header(site, options, on, styles)
    story += [Paragraph(TITLE, styles.title), Paragraph(_intro(result, content.possible), styles.body)]
    if appointment:
        story += [Spacer(0, 3 * mm), _appointment_box(appointment, styles)]
    monthly = sum(a.monthly_amount for a in content.possible)
    if monthly:
        story.append(Paragraph(f"<b>Total des aides possibles versées chaque mois : {euros(monthly)}</b> "
                               "(estimation).", styles.total))
    if content.possible:
        story.append(Paragraph(f"Vos aides possibles ({len(content.possible)})", styles.section))
        story += [_aid_card(a, catalogue.aid(a.aid_id), styles) for a in content.possible]
    if content.to_check:
        story.append(Paragraph(f"Aides à vérifier ({len(content.to_check)})", styles.section))
        story.append(Paragraph("Ces aides dépendent de points que le calcul ne peut pas vérifier. "
                               "Regardez-les avec l'organisme indiqué.", styles.lead))
        story += [_aid_card(a, catalogue.aid(a.aid_id), styles) for a in content.to_check]
    if content.received:
        story.append(Paragraph("Aides que vous recevez déjà", styles.section))
        story += [Paragraph(f"<b>{escape(a.label)}</b> : {escape(amount_text(a))}", styles.body)
                  for a in content.received]
    story += [Spacer(0, 5 * mm), _notice(result, options, on, styles)]

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm, bottomMargin=20 * mm,
        title=f"{TITLE} – {site.name}", author="Aidant Desk", creator="Aidant Desk",
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


def _table(rows: list, widths: list[float], *commands: tuple) -> Table:
    table = Table(rows, colWidths=widths)
    # Without FONTNAME, reportlab's tables pull in Helvetica, which is not embedded.
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               *commands]))
    return table


def _header(site: SiteSettings, options: HandoutOptions, on: date, styles: Styles) -> list:
    left = [_p(site.name, styles.box_title), _p(site.address, styles.site)]
    if site.phone:
        left.append(_p(f"Tél. : {site.phone}", styles.site))
    if site.opening_hours:
        left.append(_p(f"Horaires : {site.opening_hours}", styles.site))
    right = [_p(f"Le {french_date(on)}", styles.site_right)]
    if options.counselor:
        right.append(_p(f"Votre contact : {options.counselor}", styles.site_right))
    if options.beneficiary_first_name:
        right.append(_p(f"Pour : {options.beneficiary_first_name}", styles.site_right))
    table = _table([[left, right]], [WIDTH * 0.7, WIDTH * 0.3],
                   ("LEFTPADDING", (0, 0), (0, 0), 0), ("RIGHTPADDING", (-1, 0), (-1, 0), 0))
    return [table, HRFlowable(width="100%", thickness=2, color=BLUE, spaceBefore=3 * mm, spaceAfter=2 * mm)]


def _intro(result: SimulationResult, possible: list[AidResult]) -> str:
    month = month_label(result.month)
    if not possible:
        return f"Le calcul n'a pas trouvé d'aide nouvelle pour {month} avec les informations données."
    return (f"Voici les aides que vous pouvez demander, d'après les informations données. Les montants sont "
            f"des estimations pour {month}. Pour chaque aide : comment la demander, les papiers à préparer "
            "et qui contacter. Le code carré ouvre la page de l'aide sur un téléphone.")


def _appointment_box(appointment: NextAppointment, styles: Styles) -> Table:
    with_whom = (f"{appointment.with_whom}, à France Services" if appointment.at_desk
                 else appointment.with_whom)
    rows = [
        Paragraph("Votre prochain rendez-vous", styles.box_title),
        _field("Quand", f"{when(appointment.start)} ({appointment.duration} minutes)", styles.body),
        _field("Où", appointment.place, styles.body),
        _field("Avec", with_whom, styles.body),
    ]
    if appointment.items_to_bring:
        rows.append(Paragraph("À apporter :", styles.label))
        rows += _checklist(appointment.items_to_bring, styles)
    if appointment.note:
        rows.append(_p(appointment.note, styles.body))
    return _boxed(rows, BLUE, ("BACKGROUND", (0, 0), (-1, -1), TINT))


def _aid_card(aid: AidResult, info: Aid, styles: Styles) -> KeepTogether:
    """One aid, kept on one page: title and amount, what it is and how to apply beside
    the QR code, then the checklists at full width, then who to contact."""
    amount = amount_text(aid) if aid.amount is not None or aid.eligible else "à vérifier"
    # The amount takes the room it needs on one line; the label wraps in the rest.
    amount_width = stringWidth(amount, styles.amount.fontName, styles.amount.fontSize) + 2 * INDENT + 2
    head = _table([[_p(aid.label, styles.aid), _p(amount, styles.amount)]], [WIDTH - amount_width, amount_width],
                  ("BACKGROUND", (0, 0), (-1, -1), TINT), ("LINEABOVE", (0, 0), (-1, 0), 1.5, BLUE),
                  ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 4),
                  ("BOTTOMPADDING", (0, 0), (-1, -1), 4))
    how = info.how_to_apply
    left = [_p(info.description, styles.body), _field("Comment faire", how["instructions"], styles.body)]
    if how.get("form"):
        left.append(_field("Formulaire", how["form"], styles.body))
    online = how.get("online")
    if online:
        link = escape(online, {'"': "&quot;"})
        left.append(Paragraph(f'<b>En ligne :</b> <link href="{link}">{escape(online)}</link>', styles.body))
    top = _table([[left, [QRFlowable(online, QR_SIZE)] if online else []]], [WIDTH - QR_COLUMN, QR_COLUMN],
                 ("LEFTPADDING", (0, 0), (0, 0), INDENT), ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
                 ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 0))
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
                    ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 0))
    return KeepTogether([head, top, bottom, Spacer(0, 3 * mm)])


def _checklist(items, styles: Styles) -> list[Paragraph]:
    return [_p(f"{CHECKBOX} {item}", styles.item) for item in items]


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
                  ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                  ("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 8), *commands)


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
            self.setFont(REGULAR, 11)
            self.setFillColor(RULE)
            self.drawString(MARGIN, 10 * mm, self._footer)
            self.drawRightString(A4[0] - MARGIN, 10 * mm, f"Page {number} sur {total}")
            super().showPage()
        super().save()
