"""The handout's fonts, shipped in resources/fonts/ and embedded in every handout, so the
PDF looks the same on any printer. The text is in Liberation Sans, which has Arial's
widths: Arial is the face easy-to-read guides name, and it sets the same line in 12 %
less room than DejaVu Sans. It has no ☐, which comes from DejaVu Sans."""
from __future__ import annotations

import gc
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .. import package_data

# resources/fonts/ in the repository, shipped inside the package.
FONT_DIR = package_data.fonts_dir()
REGULAR, BOLD = "LiberationSans", "LiberationSans-Bold"
SYMBOLS = "DejaVuSans"  # for the glyphs Liberation Sans lacks: the checkbox
FILES = {REGULAR: "LiberationSans-Regular.ttf", BOLD: "LiberationSans-Bold.ttf", SYMBOLS: "DejaVuSans.ttf"}


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register once per process; returns the (regular, bold) font names."""
    # Parsing a font makes some 10^5 small acyclic objects; next to the engine's large
    # heap, the garbage collector's passes over it made this 20 times slower.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for name, file in FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    finally:
        if collecting:
            gc.enable()
    # <b> in a paragraph picks the bold file; the handout has no italics.
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    pdfmetrics.registerFontFamily(SYMBOLS, normal=SYMBOLS, bold=SYMBOLS, italic=SYMBOLS, boldItalic=SYMBOLS)
    return REGULAR, BOLD
