"""« Et si vous reprenez un emploi ? » (or « … votre salaire change ? » for someone who
works): aids and disposable income as the applicant's earnings go from 0 to 2 SMIC, drawn
with QPainter (legible in print size), with today's wages marked, the points where an aid
stops, and every aid at the wages the counselor types."""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..desk import EarningsLadder, euros, number
from .widgets import AmountEdit, describe

INCOME_COLOR = QColor("#1f4e9c")
AIDS_COLOR = QColor("#0b6e2e")
CLIFF_COLOR = QColor("#b00020")
TODAY_COLOR = QColor("#000000")
CHOSEN_COLOR = QColor("#8a4b00")


def round_ticks(maximum: float, most: int = 6) -> list[float]:
    """Round values from 0 to `maximum`, at most `most` + 1 of them: a step of 1, 2, 2.5 or
    5 times a power of ten (0, 500, 1 000…)."""
    if maximum <= 0:
        return [0.0]
    power = 10 ** math.floor(math.log10(maximum / most))
    step = next(power * f for f in (1, 2, 2.5, 5, 10) if maximum / (power * f) <= most)
    return [i * step for i in range(int(maximum / step + 1e-9) + 1)]


def title_for(ladder: EarningsLadder | None) -> str:
    if ladder is not None and ladder.working:
        return "Et si votre salaire change ?"
    return "Et si vous reprenez un emploi ?"


class EarningsChart(QWidget):
    MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 80, 30, 44, 44

    def __init__(self, parent=None):
        super().__init__(parent)
        describe(self, "Graphique : revenu disponible et aides selon le salaire",
                 "Axe horizontal : salaire net mensuel, de 0 à 2 SMIC. Lignes : revenu disponible et total des aides. "
                 "Trait noir : le salaire d'aujourd'hui.")
        self.setMinimumSize(480, 300)
        self.ladder: EarningsLadder | None = None

    def set_ladder(self, ladder: EarningsLadder) -> None:
        self.ladder = ladder
        self.update()

    def scales(self) -> tuple[QRectF, list[float], list[float]]:
        """The plot area and the round ticks of each axis (the axes end on the last tick)."""
        points = self.ladder.points
        x_ticks = round_ticks(max(p.earnings for p in points))
        if x_ticks[-1] < max(p.earnings for p in points):
            x_ticks.append(x_ticks[-1] + (x_ticks[1] - x_ticks[0]))
        y_top = max(max(p.disposable_income, p.aids_total) for p in points) * 1.05
        y_ticks = round_ticks(y_top, 5)
        if y_ticks[-1] < y_top:
            y_ticks.append(y_ticks[-1] + (y_ticks[1] - y_ticks[0]))
        area = QRectF(self.MARGIN_LEFT, self.MARGIN_TOP,
                      self.width() - self.MARGIN_LEFT - self.MARGIN_RIGHT,
                      self.height() - self.MARGIN_TOP - self.MARGIN_BOTTOM)
        return area, x_ticks, y_ticks

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        if not self.ladder:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Calcul en cours…")
            return
        area, x_ticks, y_ticks = self.scales()
        x_max, y_max = x_ticks[-1], y_ticks[-1]
        self._placed: list[QRectF] = []  # the labels above the plot drawn so far: none overlaps

        def at(x: float, y: float) -> QPointF:
            return QPointF(area.left() + area.width() * x / x_max, area.bottom() - area.height() * y / y_max)

        font = QFont()
        font.setPointSize(10)
        painter.setFont(font)
        painter.setPen(QPen(QColor("#999"), 1))
        for y in y_ticks:
            painter.drawLine(at(0, y), at(x_max, y))
            painter.drawText(QRectF(0, at(0, y).y() - 8, self.MARGIN_LEFT - 6, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{number(y, 0)} €")
        for x in x_ticks:
            self._label_below(painter, at(x, 0).x(), area.bottom() + 4, f"{number(x, 0)} €")
        painter.drawText(QRectF(area.left(), self.height() - 18, area.width(), 16), Qt.AlignmentFlag.AlignCenter,
                         "Salaire net mensuel du demandeur")

        smic = at(self.ladder.smic_net, 0).x()
        self._vertical(painter, area, smic, QPen(QColor("#777"), 1, Qt.PenStyle.DotLine))
        painter.drawText(QPointF(smic + 4, area.bottom() - 6), "1 SMIC")  # inside: the rows above are the marks' labels
        for cliff in self.ladder.cliffs:
            self._vertical(painter, area, at(cliff.earnings, 0).x(), QPen(CLIFF_COLOR, 1, Qt.PenStyle.DashLine))

        for color, value in ((INCOME_COLOR, lambda p: p.disposable_income), (AIDS_COLOR, lambda p: p.aids_total)):
            path = QPainterPath(at(self.ladder.points[0].earnings, value(self.ladder.points[0])))
            for p in self.ladder.points[1:]:
                path.lineTo(at(p.earnings, value(p)))
            painter.setPen(QPen(color, 3))
            painter.drawPath(path)

        marks = [(self.ladder.current, TODAY_COLOR, f"Aujourd'hui : {euros(self.ladder.current.earnings, 0)}")]
        if self.ladder.chosen is not None:
            marks.append((self.ladder.chosen, CHOSEN_COLOR, f"Si {euros(self.ladder.chosen.earnings, 0)}"))
        for point, color, label in marks:
            x = at(min(point.earnings, x_max), 0).x()
            self._vertical(painter, area, x, QPen(color, 2), label)
            painter.setPen(QPen(color, 1))
            painter.setBrush(color)
            for y in (point.disposable_income, point.aids_total):
                painter.drawEllipse(at(min(point.earnings, x_max), min(y, y_max)), 4, 4)
            painter.setBrush(Qt.BrushStyle.NoBrush)

        legend = ((INCOME_COLOR, "Revenu disponible (salaire + autres ressources + aides)"),
                  (AIDS_COLOR, "Total des aides mensuelles"), (CLIFF_COLOR, "Une aide s'arrête"),
                  (TODAY_COLOR, "Le salaire d'aujourd'hui"))
        y = area.top() + 4
        for color, text in legend:
            painter.setPen(QPen(color, 3))
            painter.drawLine(QPointF(area.left() + 10, y + 8), QPointF(area.left() + 34, y + 8))
            painter.setPen(QPen(Qt.GlobalColor.black))
            painter.drawText(QPointF(area.left() + 40, y + 12), text)
            y += 18

    def _label_below(self, painter: QPainter, x: float, top: float, text: str) -> None:
        """A tick label centred under x, moved in so that it is never cut at the edges."""
        width = painter.fontMetrics().horizontalAdvance(text) + 8
        left = min(max(x - width / 2, 0), self.width() - width)
        painter.setPen(QPen(Qt.GlobalColor.black))
        painter.drawText(QRectF(left, top, width, 16), Qt.AlignmentFlag.AlignCenter, text)

    def _vertical(self, painter: QPainter, area: QRectF, x: float, pen: QPen, label: str = "") -> None:
        """A vertical line across the plot; its label above, on the first of two rows where
        it overlaps no other label."""
        painter.setPen(pen)
        painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
        if not label:
            return
        width = painter.fontMetrics().horizontalAdvance(label) + 8
        left = min(max(x - width / 2, 0), self.width() - width)
        for top in (area.top() - 20, area.top() - 38):
            rect = QRectF(left, top, width, 16)
            if not any(rect.intersects(other) for other in self._placed):
                break
        self._placed.append(rect)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)


class EarningsView(QWidget):
    requested = Signal()  # the wages typed changed: compute again

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel(f"<b>{title_for(None)}</b> Aides et revenu disponible selon le salaire.")
        self.chart = EarningsChart()
        self.wages = AmountEdit("Si le salaire passe à", "Salaire net mensuel : chaque aide est recalculée à ce salaire.")
        self.wages.setPlaceholderText("")
        self.wages.editingFinished.connect(self.requested.emit)
        self.at_wages = QLabel("Tapez un salaire pour voir chaque aide à ce salaire.")
        self.at_wages.setWordWrap(True)
        self.cliffs = QLabel()
        self.cliffs.setWordWrap(True)
        field = QHBoxLayout()
        field.addWidget(QLabel("Si le salaire passe à"))
        field.addWidget(self.wages)
        field.addWidget(QLabel("€ net par mois"))
        field.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.chart, 1)
        layout.addLayout(field)
        layout.addWidget(self.at_wages)
        layout.addWidget(self.cliffs)

    def chosen(self) -> float | None:
        """The wages typed in « si le salaire passe à », or None."""
        return self.wages.value() if self.wages.text().strip() else None

    def set_ladder(self, ladder: EarningsLadder) -> None:
        self.chart.set_ladder(ladder)
        self.title.setText(f"<b>{title_for(ladder)}</b> Aides et revenu disponible selon le salaire "
                           f"(aujourd'hui : {euros(ladder.current.earnings, 0)} net par mois).")
        self.at_wages.setText(self.comparison_text(ladder) if ladder.chosen else
                              "Tapez un salaire pour voir chaque aide à ce salaire.")
        lines = [f"• {c.label} s'arrête vers {euros(c.earnings, 0)} de salaire net" for c in ladder.cliffs]
        self.cliffs.setText("\n".join(lines) if lines else "Aucune aide ne s'arrête brutalement sur cette plage.")

    @staticmethod
    def comparison_text(ladder: EarningsLadder) -> str:
        """Every aid today and at the typed wages, then the totals."""
        today, chosen = ladder.current, ladder.chosen
        rows = []
        for aid_id in dict.fromkeys([*today.per_aid, *chosen.per_aid]):
            label = ladder.labels.get(aid_id, aid_id)
            rows.append(f"• {label} : {euros(today.per_aid.get(aid_id, 0.0))} → "
                        f"{euros(chosen.per_aid.get(aid_id, 0.0))}")
        head = (f"À {euros(chosen.earnings, 0)} net par mois (aujourd'hui {euros(today.earnings, 0)}) : aides "
                f"{euros(today.aids_total)} → {euros(chosen.aids_total)} par mois, revenu disponible "
                f"{euros(today.disposable_income)} → {euros(chosen.disposable_income)}.")
        return "\n".join([head, *rows]) if rows else head + " Aucune aide à l'un ou l'autre salaire."
