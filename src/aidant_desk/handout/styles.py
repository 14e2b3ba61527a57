"""The handout's look: large type (14 pt at least, titles larger), black on white, one dark blue."""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import HexColor, black
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from .fonts import SYMBOLS, register_fonts

BLUE = HexColor("#000091")  # 17:1 on white
TINT = HexColor("#E3E3FD")  # behind black text, still over 15:1
RULE = HexColor("#3A3A3A")
# ☐, a box the person ticks with a pen: paragraph markup, in the font that has it.
CHECKBOX = f'<font name="{SYMBOLS}">\u2610</font>'

BODY_SIZE = 14  # the smallest text on the page, the footer aside
FOOTER_SIZE = 11


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    section: ParagraphStyle
    aid: ParagraphStyle
    amount: ParagraphStyle
    body: ParagraphStyle
    label: ParagraphStyle
    item: ParagraphStyle
    site: ParagraphStyle
    lead: ParagraphStyle
    site_right: ParagraphStyle
    box_title: ParagraphStyle
    contact: ParagraphStyle


def handout_styles() -> Styles:
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=BODY_SIZE, leading=16.1, textColor=black,
                          spaceAfter=1)
    return Styles(
        title=ParagraphStyle("title", parent=body, fontName=bold, fontSize=22, leading=26, textColor=BLUE,
                             spaceBefore=2, spaceAfter=3),
        # keepWithNext: a section title never ends a page alone.
        section=ParagraphStyle("section", parent=body, fontName=bold, fontSize=18, leading=21, textColor=BLUE,
                               spaceBefore=6, spaceAfter=2, keepWithNext=1),
        aid=ParagraphStyle("aid", parent=body, fontName=bold, fontSize=15, leading=18, spaceAfter=0),
        # On the line of its aid's name: bold, and no taller than the line.
        amount=ParagraphStyle("amount", parent=body, fontName=bold, alignment=TA_RIGHT, spaceAfter=0),
        body=body,
        label=ParagraphStyle("label", parent=body, fontName=bold, spaceBefore=3, spaceAfter=0),
        # The box hangs in the margin so the items' text lines up.
        item=ParagraphStyle("item", parent=body, leftIndent=18, firstLineIndent=-18, spaceAfter=0),
        site=ParagraphStyle("site", parent=body, spaceAfter=0),
        # The sentence under a section title stays with what follows.
        lead=ParagraphStyle("lead", parent=body, keepWithNext=1),
        box_title=ParagraphStyle("box_title", parent=body, fontName=bold, fontSize=16, leading=20, textColor=BLUE,
                                 spaceAfter=1),
        contact=ParagraphStyle("contact", parent=body, fontName=bold, fontSize=15, leading=18, textColor=BLUE,
                               spaceAfter=0),
        site_right=ParagraphStyle("site_right", parent=body, alignment=TA_RIGHT, spaceAfter=0),
    )
