"""DejaVu Sans, shipped in resources/fonts/ and embedded in every handout: the PDF
looks the same on any printer, and has the accents, € and the no-break space."""
from __future__ import annotations

import gc
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .. import package_data

# resources/fonts/ in the repository, shipped inside the package.
FONT_DIR = package_data.fonts_dir()
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register once per process; returns the (regular, bold) font names."""
    # Parsing a font makes some 10^5 small acyclic objects; next to the engine's large
    # heap, the garbage collector's passes over it made this 20 times slower.
    collecting = gc.isenabled()
    gc.disable()
    try:
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    finally:
        if collecting:
            gc.enable()
    # <b> in a paragraph picks the bold file; the handout has no italics.
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    return REGULAR, BOLD
