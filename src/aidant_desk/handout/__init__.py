"""The handout: the PDF the person takes home, and its delivery (save or print),
which is counted once for the anonymised activity counts."""
from .delivery import Handout, prepare_handout
from .options import HandoutContent, HandoutOptions, select_aids
from .pdf import build_handout

__all__ = ["Handout", "prepare_handout", "HandoutContent", "HandoutOptions", "select_aids", "build_handout"]
