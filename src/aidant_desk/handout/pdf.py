"""The handout: an A4 PDF the person takes home, easy to read (« facile à lire et à
comprendre »). The next appointments; then the aids by whom to ask, each organism named
once with its site and QR code: the aids' amounts, the first step, the papers as a
checklist (those several organisms ask for, once above them); then one line for the aids
paid without asking and one for the aids to check with the counselor.

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
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..catalogue.model import Aid, Catalogue, first_steps
from ..dossier.months import month_label
from ..engine.results import AidResult, SimulationResult
from ..formatting import euros, french_date, when
from ..report import amount_text
from ..site import SiteSettings
from .fonts import REGULAR
from .options import HandoutContent, HandoutOptions, NextAppointment, select_aids
from .qr import QRFlowable, display_url
from .styles import BLUE, CHECKBOX, FOOTER_SIZE, RULE, TINT, Styles, handout_styles

MARGIN = 10 * mm
TOP_MARGIN = 8 * mm
BOTTOM_MARGIN = 13 * mm
FOOTER_Y = 7 * mm
FOOTER_LINE = 4.5 * mm  # a second footer line (the consent) sits that much higher
WIDTH = A4[0] - 2 * MARGIN
QR_SIZE = 17 * mm  # quiet zone included: still read by a phone at arm's length
QR_COLUMN = QR_SIZE + 3 * mm
FULL_QR_SIZE = 25 * mm
INDENT = 6  # points: a card's text sits just inside its title band
TITLE = "Récapitulatif de vos droits"
AUTOMATIC = "sans demande"  # beside an aid its organism pays without being asked
LINK = '<link href="{href}" color="#000091"><u>{text}</u></link>'


def build_handout(result: SimulationResult, catalogue: Catalogue, options: HandoutOptions = HandoutOptions(),
                  site: SiteSettings = SiteSettings(), appointments: Sequence[NextAppointment] = (), *,
                  on: date | None = None) -> bytes:
    """The PDF's bytes. `on` is the date printed on it (today by default)."""
    on = on or date.today()
    styles = handout_styles()
    content = select_aids(result, options)

    def render(aids: list) -> tuple[bytes, int]:
        return _render(result, catalogue, options, site, list(appointments), on, styles, content, aids)

    if options.full:
        return render(_full_aids(content, catalogue, styles))[0]
    # The person's version fits on one page when it can: the least relevant organisms then
    # take one line each, without their papers, which the full version keeps. When even
    # that runs over, every organism keeps its card.
    ranked = _contacts_by_relevance(result, content.possible, catalogue)

    def with_brief(count: int) -> tuple[bytes, int]:  # the `count` least relevant in brief
        return render(_short_aids(content, catalogue, styles, in_brief=set(ranked[len(ranked) - count:])))

    whole, pages = with_brief(0)
    if pages == 1 or len(ranked) < 2:
        return whole
    low, high = 1, len(ranked) - 1  # the most relevant organism always keeps its card
    fitting, pages = with_brief(high)
    if pages > 1:
        return whole
    # The fewest brief lines that fit: more of them never make it longer, so halve the range.
    while low < high:
        middle = (low + high) // 2
        pdf, pages = with_brief(middle)
        if pages == 1:
            high, fitting = middle, pdf
        else:
            low = middle + 1
    return fitting


def _render(result: SimulationResult, catalogue: Catalogue, options: HandoutOptions, site: SiteSettings,
            appointments: list[NextAppointment], on: date, styles: Styles, content: HandoutContent,
            aids: list) -> tuple[bytes, int]:
    """The PDF around the given aids' flowables, and its number of pages."""
    story = _header(site, options, styles) + [Paragraph(_intro(result, content.possible, options), styles.body)]
    if appointments:
        story += [Spacer(0, 1 * mm), _appointments_box(appointments, site, styles)]
    story += aids
    if content.received:
        story.append(Paragraph("Aides que vous recevez déjà", styles.section))
        story += [Paragraph(f"<b>{escape(a.label)}</b> : {escape(amount_text(a))}", styles.body)
                  for a in content.received]

    consent = (f"Dossier gardé ici avec votre accord du {french_date(options.kept_with_consent_on)}. "
               "Vous pouvez demander à l'effacer." if options.kept_with_consent_on else "")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN + (FOOTER_LINE if consent else 0), title=f"{TITLE} – {site.name}",
        author="Aidant Desk", creator="Aidant Desk",
        subject=f"Simulation des aides pour {month_label(result.month)}", lang="fr-FR",
        displayDocTitle=True, initialFontName=REGULAR)
    # The rules' version, for whoever checks the figures later, in the small footer.
    footer = (f"{site.name} · {french_date(on)} · openfisca-france {result.openfisca_france_version}"
              + (f" · règles {result.rules_version}" if result.rules_version else ""))
    document.build(story, canvasmaker=lambda *args, **kwargs: _FooterCanvas(*args, footer=footer, consent=consent,
                                                                            **kwargs))
    return buffer.getvalue(), document.page


def _contacts_by_relevance(result: SimulationResult, possible: list[AidResult], catalogue: Catalogue) -> list[str]:
    """The organisms to ask, by their most relevant aid: the dossier's life events first,
    then the largest amounts."""
    ranked: dict[str, None] = {}
    for aid in result.by_relevance(possible):
        info = catalogue.aid(aid.aid_id)
        if not info.paid_without_asking:
            ranked.setdefault(info.contact)
    return list(ranked)


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




def _header(site: SiteSettings, options: HandoutOptions, styles: Styles) -> list:
    """The title, and on its right the site's phone, the counselor and the person when
    given; under it, at full width, the site's name, address and hours. The date is in
    the footer of every page."""
    right = [f"Tél. : {site.phone}"] if site.phone else []
    right += [f"Votre contact : {options.counselor}"] if options.counselor else []
    right += [f"Pour : {options.beneficiary_first_name}"] if options.beneficiary_first_name else []
    details = [site.address_given] if site.address_given else []
    details += [f"Horaires : {_unbroken_times(site.opening_hours)}"] if site.opening_hours else []
    rows = [[Paragraph(TITLE, styles.title), [_p(text, styles.site_right) for text in right]],
            [Paragraph(f"<b>{escape(site.name)}</b>" + "".join(f" · {escape(text)}" for text in details),
                       styles.site), ""]]
    table = _table(rows, [WIDTH * 0.65, WIDTH * 0.35], ("SPAN", (0, 1), (1, 1)), ("VALIGN", (1, 0), (1, 0), "MIDDLE"))
    return [table, HRFlowable(width="100%", thickness=2, color=BLUE, spaceBefore=1 * mm, spaceAfter=1 * mm)]


def _unbroken_times(hours: str) -> str:
    """« 13 h 30 » never parts across lines."""
    hours = re.sub(r"(\d) h\b", "\\1\u00a0h", hours)
    return re.sub(r"(\d\u00a0h) (\d)", "\\1\u00a0\\2", hours)


def _intro(result: SimulationResult, possible: list[AidResult], options: HandoutOptions) -> str:
    month = month_label(result.month)
    if not possible:
        text = f"Le calcul n'a pas trouvé d'aide nouvelle pour {month} avec les informations données."
    else:
        monthly = sum(a.monthly_amount for a in possible)
        text = (f"Vos aides possibles en {month} : <b>{euros(monthly)} par mois</b>."
                if monthly else f"Vos aides possibles en {month}.")
    text += " Ce sont des estimations : l'organisme décide après votre demande."
    if options.show_fiscal_income:
        estimated = " (estimé)" if result.fiscal_income_estimated else ""
        text += f" Revenu fiscal de référence utilisé : {euros(result.fiscal_reference_income)}{estimated}."
    return text


def _appointments_box(appointments: list[NextAppointment], site: SiteSettings, styles: Styles) -> Table:
    title = "Votre prochain rendez-vous" if len(appointments) == 1 else "Vos prochains rendez-vous"
    rows: list = [Paragraph(title, styles.box_title)]
    for index, appointment in enumerate(appointments):
        if index:
            rows.append(HRFlowable(width="100%", thickness=0.75, color=BLUE, spaceBefore=2, spaceAfter=3))
        rows += _appointment(appointment, site, styles)
    return _boxed(rows, BLUE, ("BACKGROUND", (0, 0), (-1, -1), TINT))


def _appointment(appointment: NextAppointment, site: SiteSettings, styles: Styles) -> list:
    # A partner's appointment has no duration the desk knows: it prints none.
    start = when(appointment.start)
    if appointment.at_desk:
        start += f" ({appointment.duration} minutes)"
    # At the desk whose address the header gives, « ici » says where, on the same line.
    here = appointment.at_desk and site.address_given
    rows = [Paragraph(f"<b>Quand :</b> {escape(start)}, {'<b>ici</b>, ' if here else ''}"
                      f"<b>avec</b>\u00a0{escape(appointment.with_whom)}", styles.body)]
    if not here:
        rows.append(_field("Où", appointment.place, styles.body))
    if appointment.items_to_bring:
        rows.append(Paragraph(f"<b>À apporter :</b> {_inline_checklist(appointment.items_to_bring)}", styles.body))
    if appointment.note:
        rows.append(_p(appointment.note, styles.body))
    return rows


# ---------------------------------------------------------------- the person's version

def _short_aids(content: HandoutContent, catalogue: Catalogue, styles: Styles,
                in_brief: frozenset[str] | set[str] = frozenset()) -> list:
    """By whom to ask, each named once: the aids they handle with their amounts, the first
    step and the papers; the organisms `in_brief`, after them, one line each without their
    papers. An aid paid without asking (AF, chèque énergie) sits with its organism when
    the person asks it something else, else in a short list of its own. Then the aids to
    check, a line each."""
    story: list = []
    groups = _by_contact([(a, catalogue.aid(a.aid_id)) for a in content.possible])
    to_ask = {contact: group for contact, group in groups.items() if _asked(group)}
    cards = {contact: group for contact, group in to_ask.items() if contact not in in_brief}
    if to_ask:
        count = sum(len(_asked(group)) for group in to_ask.values())
        shared = _shared_documents([_asked(group) for group in cards.values()])
        story.append(Paragraph(f"Vos aides à demander ({count})", styles.section))
        if shared:
            story.append(Paragraph(f"<b>Papiers pour toutes ces demandes :</b> {_inline_checklist(shared)}",
                                   styles.body))
        story += [_contact_block(contact, group, shared, styles) for contact, group in cards.items()]
        brief = [_brief(contact, group) for contact, group in to_ask.items() if contact in in_brief]
        if brief:
            story.append(_table([[Paragraph("Aussi à demander", styles.contact)],
                                 *[[Paragraph(line, styles.body)] for line in brief]], [WIDTH],
                                ("LINEABOVE", (0, 0), (-1, 0), 1.5, BLUE), ("LEFTPADDING", (0, 0), (-1, -1), INDENT),
                                ("TOPPADDING", (0, 0), (-1, 0), 2)))
    automatic = [pair for contact, group in groups.items() if contact not in to_ask for pair in group]
    if automatic or content.to_check:
        story.append(Spacer(0, 2 * mm))
    if automatic:
        paid = "; ".join(f"<b>{escape(a.label)}</b>, {escape(amount_text(a))} ({escape(info.contact)})"
                         for a, info in automatic)
        story.append(Paragraph(f"<b>Versé sans demande</b>, si l'organisme connaît votre situation : {paid}.",
                               styles.body))
    if content.to_check:
        # One line, not a card each: the counselor's full version says where to ask.
        names = ", ".join(_to_check_name(a) for a in content.to_check)
        story.append(Paragraph(f"<b>À voir avec votre conseiller</b>, vous y avez peut-être droit : {names}.",
                               styles.body))
    return story


def _brief(contact: str, group: list[tuple[AidResult, Aid]]) -> str:
    """« Pass'Sport : 100,00 € une fois. Donner au club le code… Où : Club de sport, pass.sports.gouv.fr. »"""
    aids = " ; ".join(f"<b>{escape(aid.label)}</b>" + (f" ({AUTOMATIC})" if info.paid_without_asking else "")
                      + f" : {escape(amount_text(aid))}" for aid, info in group)
    where = escape(contact) + "".join(f", {_link(url)}" for url in _sites(group)[:1])
    return f"{aids}. {escape(' '.join(first_steps(_asked(group))))} <b>Où :</b> {where}."


def _sites(group: list[tuple[AidResult, Aid]]) -> list[str]:
    """The group's web addresses, one per site as the person reads it: caf.fr once."""
    by_name: dict[str, str] = {}
    for _, info in group:
        if info.how_to_apply.get("online"):
            by_name.setdefault(display_url(info.how_to_apply["online"]), info.how_to_apply["online"])
    return list(by_name.values())


def _asked(group: list[tuple[AidResult, Aid]]) -> list[Aid]:
    """The aids of a group the person has to ask for."""
    return [info for _, info in group if not info.paid_without_asking]


def _by_contact(aids: list[tuple[AidResult, Aid]]) -> dict[str, list[tuple[AidResult, Aid]]]:
    groups: dict[str, list[tuple[AidResult, Aid]]] = {}
    for aid, info in aids:
        groups.setdefault(info.contact, []).append((aid, info))
    return groups


def _shared_documents(groups: list[list[Aid]]) -> list[str]:
    """The papers at least two contacts ask for, most asked first: printed once, above them."""
    counts = Counter(doc for group in groups for doc in dict.fromkeys(d for info in group for d in info.documents))
    order = list(dict.fromkeys(doc for group in groups for info in group for doc in info.documents))
    return sorted((doc for doc in order if counts[doc] > 1), key=lambda doc: -counts[doc])


def _amount_row(aid: AidResult, width: float, label_style, styles: Styles, note: str = "") -> Table:
    """The aid's name (and a note after it) beside its amount, in bold of the name's size."""
    amount = amount_text(aid) if aid.amount is not None or aid.eligible else "à vérifier"
    amount_style = ParagraphStyle("amount", parent=styles.amount, fontSize=label_style.fontSize,
                                  leading=label_style.leading)
    # The amount takes the room it needs on one line, and a gap; the name wraps in the rest.
    amount_width = min(stringWidth(amount, amount_style.fontName, amount_style.fontSize) + 14, width * 0.5)
    name = Paragraph(escape(aid.label) + (f" <b>({note})</b>" if note else ""), label_style)
    return _table([[name, _p(amount, amount_style)]], [width - amount_width, amount_width])


def _contact_block(contact: str, group: list[tuple[AidResult, Aid]], shared: list[str], styles: Styles) -> Table:
    """Whom to ask and their site, and the aids they handle with their amounts, beside the
    QR code of the first address; then the first step and the papers only they ask for,
    beside the code while it is taller than the text, then at full width. An aid they pay
    without asking says so, and adds no step or paper. The page may turn before the
    papers, never inside the aids."""
    sites = _sites(group)
    widths = [WIDTH - QR_COLUMN - INDENT, QR_COLUMN] if sites else [WIDTH - INDENT, 0]
    heading = escape(contact) + "".join(f" · {_link(url)}" for url in sites)
    beside = [Paragraph(heading, styles.contact)]
    beside += [_amount_row(aid, widths[0], styles.body, styles, AUTOMATIC if info.paid_without_asking else "")
               for aid, info in group]
    asked = _asked(group)
    below = [Paragraph(f"<b>À faire :</b> {escape(' '.join(first_steps(asked)))}", styles.body)]
    extra = list(dict.fromkeys(doc for info in asked for doc in info.documents if doc not in shared))
    if extra:
        label = "Papiers en plus" if shared else "Papiers"
        below.append(Paragraph(f"<b>{label} :</b> {_inline_checklist(extra)}", styles.body))
    # No blank under a single aid's line: what follows moves up beside the code.
    while sites and below and sum(f.wrap(widths[0], A4[1])[1] for f in beside) < QR_SIZE:
        beside.append(below.pop(0))
    rows = [[beside, QRFlowable(sites[0], QR_SIZE) if sites else ""]] + [[paragraph, ""] for paragraph in below]
    last = len(rows) - 1
    return _table(rows, widths, ("LINEABOVE", (0, 0), (-1, 0), 1.5, BLUE),
                  *[("SPAN", (0, row), (1, row)) for row in range(1, len(rows))],
                  ("NOSPLIT", (0, 0), (-1, min(1, last))),
                  ("LEFTPADDING", (0, 0), (0, -1), INDENT), ("LEFTPADDING", (1, 0), (1, 0), 3 * mm),
                  ("TOPPADDING", (0, 0), (-1, 0), 2), ("BOTTOMPADDING", (0, last), (-1, last), 3))


def _to_check_name(aid: AidResult) -> str:
    amount = f" ({escape(amount_text(aid))})" if aid.amount is not None else ""
    return f"<b>{escape(aid.label)}</b>{amount}"


def _inline_checklist(items) -> str:
    """☐ items on running lines: a box never parts from its item's first word."""
    # The line may break only after the gap, so no line starts with a space.
    return "\u00a0\u00a0 ".join(f"{CHECKBOX}\u00a0{escape(item)}" for item in items)


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
    head = _table([[_amount_row(aid, WIDTH - 2 * INDENT, styles.aid, styles)]], [WIDTH],
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
    return [Paragraph(f"{CHECKBOX} {escape(item)}", styles.item) for item in items]


# ---------------------------------------------------------------- both versions

def _boxed(flowables: list, border, *commands: tuple) -> Table:
    return _table([[flowables]], [WIDTH], ("BOX", (0, 0), (-1, -1), 1.5, border),
                  ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                  ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 6), *commands)


def _fitted(text: str, room: float) -> str:
    """The footer's text, cut with « … » where it would run into the page number."""
    if stringWidth(text, REGULAR, FOOTER_SIZE) <= room:
        return text
    while text and stringWidth(text + "…", REGULAR, FOOTER_SIZE) > room:
        text = text[:-1]
    return text.rstrip() + "…"


class _FooterCanvas(Canvas):
    """Draws 'Page n sur N' once the page count is known, after each page's body, so
    text extraction reads the footer last."""

    def __init__(self, *args, footer: str, consent: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._footer, self._consent = footer, consent
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
            page = f"Page {number} sur {total}"
            room = A4[0] - 2 * MARGIN - stringWidth(page + "   ", REGULAR, FOOTER_SIZE)
            if self._consent:
                self.drawString(MARGIN, FOOTER_Y + FOOTER_LINE, _fitted(self._consent, A4[0] - 2 * MARGIN))
            self.drawString(MARGIN, FOOTER_Y, _fitted(self._footer, room))
            self.drawRightString(A4[0] - MARGIN, FOOTER_Y, page)
            super().showPage()
        super().save()
