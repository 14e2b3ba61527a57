"""The handout, pure: results + catalogue + options -> the PDF the person takes home.
Delivering it (saving, printing, counting it) is the desk's."""
from .options import HandoutContent, HandoutOptions, NextAppointment, select_aids
from .pdf import build_handout

__all__ = ["HandoutContent", "HandoutOptions", "NextAppointment", "select_aids", "build_handout"]
