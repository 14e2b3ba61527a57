"""A QR code of an aid's web address, drawn as vector squares from qrcode's matrix:
sharp at any printer resolution, and a few hundred bytes per code."""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.platypus import Flowable

# The white margin a phone needs around the code, in modules (ISO/IEC 18004).
QUIET_ZONE = 4


@lru_cache(maxsize=256)
def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The code's modules, True for dark, quiet zone included; cached, as many aids share a site."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def display_url(url: str) -> str:
    """The address as the person reads it: the site's name only, « caf.fr »; the link and
    the QR code keep the full address."""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or url
    return host.removeprefix("www.")


class QRFlowable(Flowable):
    def __init__(self, url: str, size: float):
        super().__init__()
        self.matrix = qr_matrix(url)
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        module = self.size / len(self.matrix)
        path = self.canv.beginPath()
        for row_index, row in enumerate(self.matrix):
            y = self.size - (row_index + 1) * module
            column = 0
            while column < len(row):
                if not row[column]:
                    column += 1
                    continue
                run = column
                while run < len(row) and row[run]:
                    run += 1
                # One rectangle per run of dark modules keeps the page small.
                path.rect(column * module, y, (run - column) * module, module)
                column = run
        self.canv.setFillColorRGB(0, 0, 0)
        self.canv.drawPath(path, stroke=0, fill=1)
