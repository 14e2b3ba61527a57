"""« Et si vous reprenez un emploi ? »: aids and disposable income as the applicant's
earnings go from 0 to 2 SMIC, drawn with QPainter (legible in print size), with the
points where an aid stops."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..desk import EarningsLadder, euros, number
from .widgets import describe

INCOME_COLOR = QColor("#1f4e9c")
AIDS_COLOR = QColor("#0b6e2e")
CLIFF_COLOR = QColor("#b00020")


class EarningsChart(QWidget):
    MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 80, 20, 20, 60

    def __init__(self, parent=None):
        super().__init__(parent)
        describe(self, "Graphique : revenu disponible et aides selon le salaire",
                 "Axe horizontal : salaire net mensuel, de 0 à 2 SMIC. Lignes : revenu disponible et total des aides.")
        self.setMinimumSize(480, 300)
        self.ladder: EarningsLadder | None = None

    def set_ladder(self, ladder: EarningsLadder) -> None:
        self.ladder = ladder
        self.update()

    def _scales(self):
        points = self.ladder.points
        x_max = max(p.earnings for p in points) or 1.0
        y_max = max(max(p.disposable_income, p.aids_total) for p in points) * 1.1 or 1.0
        area = QRectF(self.MARGIN_LEFT, self.MARGIN_TOP,
                      self.width() - self.MARGIN_LEFT - self.MARGIN_RIGHT,
                      self.height() - self.MARGIN_TOP - self.MARGIN_BOTTOM)
        return area, x_max, y_max

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        if not self.ladder:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Calcul en cours…")
            return
        area, x_max, y_max = self._scales()

        def at(x: float, y: float) -> QPointF:
            return QPointF(area.left() + area.width() * x / x_max, area.bottom() - area.height() * y / y_max)

        font = QFont()
        font.setPointSize(10)
        painter.setFont(font)
        painter.setPen(QPen(QColor("#999"), 1))
        for i in range(5):
            y = y_max * i / 4
            painter.drawLine(at(0, y), at(x_max, y))
            painter.drawText(QRectF(0, at(0, y).y() - 8, self.MARGIN_LEFT - 6, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{number(y, 0)} €")
        smic = self.ladder.smic_net
        for multiple in (0, 0.5, 1, 1.5, 2):
            x = smic * multiple
            painter.drawText(QRectF(at(x, 0).x() - 40, area.bottom() + 4, 80, 16), Qt.AlignmentFlag.AlignCenter,
                             f"{number(x, 0)} €")
            painter.drawText(QRectF(at(x, 0).x() - 40, area.bottom() + 20, 80, 16), Qt.AlignmentFlag.AlignCenter,
                             f"{number(multiple, 1).replace(',0', '')} SMIC")
        painter.drawText(QRectF(area.left(), self.height() - 18, area.width(), 16), Qt.AlignmentFlag.AlignCenter,
                         "Salaire net mensuel du demandeur")

        for cliff in self.ladder.cliffs:
            x = at(cliff.earnings, 0).x()
            painter.setPen(QPen(CLIFF_COLOR, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))

        for color, value in ((INCOME_COLOR, lambda p: p.disposable_income), (AIDS_COLOR, lambda p: p.aids_total)):
            path = QPainterPath(at(self.ladder.points[0].earnings, value(self.ladder.points[0])))
            for p in self.ladder.points[1:]:
                path.lineTo(at(p.earnings, value(p)))
            painter.setPen(QPen(color, 3))
            painter.drawPath(path)

        legend = ((INCOME_COLOR, "Revenu disponible (salaire + autres ressources + aides)"),
                  (AIDS_COLOR, "Total des aides mensuelles"), (CLIFF_COLOR, "Une aide s'arrête"))
        y = area.top() + 4
        for color, text in legend:
            painter.setPen(QPen(color, 3))
            painter.drawLine(QPointF(area.left() + 10, y + 8), QPointF(area.left() + 34, y + 8))
            painter.setPen(QPen(Qt.GlobalColor.black))
            painter.drawText(QPointF(area.left() + 40, y + 12), text)
            y += 18


class EarningsView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel("<b>Et si vous reprenez un emploi ?</b> Aides et revenu disponible selon le salaire.")
        self.chart = EarningsChart()
        self.cliffs = QLabel()
        self.cliffs.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.cliffs)

    def set_ladder(self, ladder: EarningsLadder) -> None:
        self.chart.set_ladder(ladder)
        lines = [f"• {c.label} s'arrête vers {euros(c.earnings, 0)} de salaire net" for c in ladder.cliffs]
        self.cliffs.setText("\n".join(lines) if lines else "Aucune aide ne s'arrête brutalement sur cette plage.")
