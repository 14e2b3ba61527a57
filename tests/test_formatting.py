from datetime import date

from aidant_desk.dossier import add_months, month_label
from aidant_desk.formatting import euros, french_date


def test_euros_use_french_separators_and_plain_no_break_space():
    assert euros(1234.5) == "1\u00a0234,50\u00a0€"
    assert euros(0) == "0,00\u00a0€"
    assert "\u202f" not in euros(1_234_567.891)


def test_dates_and_months_in_french():
    assert french_date(date(2026, 11, 28)) == "28/11/2026"
    assert month_label("2026-08") == "août 2026"


def test_add_months_crosses_years():
    assert add_months("2026-01", -1) == "2025-12"
    assert add_months("2026-11", -13) == "2025-10"
    assert add_months("2026-12", 1) == "2027-01"
