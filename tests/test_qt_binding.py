"""The Qt binding the desk is pinned to must survive a long day at the desk.

PySide6 6.12.0 dropped a reference to None on every Qt call that returns nothing
(setText, setVisible...): after a few thousand, Python aborts with « deallocating
None ». One change in the form makes about 70 such calls."""
import sys

from PySide6.QtWidgets import QLabel

CALLS = 20_000


def test_qt_calls_returning_nothing_keep_none_alive(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("Calcul en cours…")
        label.setVisible(False)
    assert sys.getrefcount(None) >= before - 100  # a leak would have taken 2 × 20 000
