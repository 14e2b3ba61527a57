"""The local agenda: slots from the settings, conflicts refused, moves and
cancellations, a database reopened, the activity counts, and the .ics read back by
icalendar. Expected times are written by hand (Paris is UTC+1 in winter, UTC+2 in
summer)."""
from datetime import date, datetime, time, timedelta, timezone

import icalendar
import pytest

from aidant_desk.agenda import (
    PARIS, Agenda, AgendaError, AgendaSettings, calendar_text, export_ics, load_agenda_settings,
    save_agenda_settings,
)
from aidant_desk.cli import main
from aidant_desk.site import SiteSettings
from aidant_desk.store import open_database

NOW = datetime(2026, 11, 27, 16, 0, tzinfo=PARIS)  # Friday of ISO week 48
TUESDAY = date(2026, 12, 1)
SATURDAY = date(2026, 12, 5)
SETTINGS = AgendaSettings(days=(0, 1, 3, 4), hours=((time(9), time(12)), (time(13, 30), time(17))), slot_minutes=30,
                          counselors=("Julie", "Karim"))
SITE = SiteSettings(name="France Services de Lille Moulins", address="12 rue de Valenciennes, 59000 Lille")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def database(tmp_path):
    return tmp_path / "desk.db"


@pytest.fixture
def agenda(database):
    opened = open_database(database)
    yield Agenda(opened.db, SETTINGS, SITE, now=lambda: NOW)
    opened.db.close()


def test_free_slots_follow_the_settings(agenda):
    slots = agenda.free_slots(TUESDAY)
    # 9:00-12:00 is 6 slots of 30 minutes, 13:30-17:00 is 7, for each of the 2 counselors.
    assert len(slots) == 26
    assert (slots[0].start, slots[0].end, slots[0].counselor) == (at(TUESDAY, 9), at(TUESDAY, 9, 30), "Julie")
    assert slots[-1].start == at(TUESDAY, 16, 30) and slots[-1].counselor == "Karim"
    assert agenda.free_slots(SATURDAY) == []
    assert agenda.free_slots(date(2026, 12, 2)) == []  # Wednesday: not in the desk's days
    # Today at 16:00: only the slots not begun yet.
    today = agenda.free_slots(NOW.date())
    assert [(s.start, s.counselor) for s in today] == [
        (NOW, "Julie"), (NOW, "Karim"), (at(NOW.date(), 16, 30), "Julie"), (at(NOW.date(), 16, 30), "Karim")]


def test_a_booked_slot_is_no_longer_free_for_that_counselor_only(agenda):
    booked = agenda.book_desk(at(TUESDAY, 14), "Julie", what_to_bring="Avis d'imposition\nRIB")
    assert (booked.kind, booked.duration, booked.with_whom) == ("desk", 30, "Julie")
    assert booked.place == "France Services de Lille Moulins, 12 rue de Valenciennes, 59000 Lille"
    assert booked.items_to_bring == ["Avis d'imposition", "RIB"]
    free = {(s.start, s.counselor) for s in agenda.free_slots(TUESDAY)}
    assert (at(TUESDAY, 14), "Julie") not in free
    assert (at(TUESDAY, 14), "Karim") in free
    assert len(free) == 25


def test_overlapping_bookings_of_one_counselor_are_refused_in_french(agenda):
    agenda.book_desk(at(TUESDAY, 14), "Julie", duration=60)
    for start in (at(TUESDAY, 14), at(TUESDAY, 14, 30), at(TUESDAY, 13, 30)):
        with pytest.raises(AgendaError, match="Julie a déjà un rendez-vous le mardi 1er décembre 2026 "
                                              "de 14\u00a0h à 15\u00a0h : choisissez un autre créneau"):
            agenda.book_desk(start, "Julie", duration=60 if start.hour == 13 else 30)
    agenda.book_desk(at(TUESDAY, 15), "Julie")  # right after: no overlap
    agenda.book_desk(at(TUESDAY, 14), "Karim")  # another counselor
    assert len(agenda.list()) == 3


@pytest.mark.parametrize("start, duration", [
    (at(TUESDAY, 12), 30),          # lunch break
    (at(TUESDAY, 11, 45), 30),      # runs past noon
    (at(TUESDAY, 8, 30), 30),       # before opening
    (at(TUESDAY, 16, 45), 30),      # past closing
    (at(SATURDAY, 10), 30),         # closed day
    (at(date(2026, 12, 2), 10), 30),  # Wednesday is not configured
])
def test_bookings_outside_the_opening_hours_are_refused(agenda, start, duration):
    with pytest.raises(AgendaError, match="en dehors des horaires de l'accueil"):
        agenda.book_desk(start, "Julie", duration=duration)
    assert agenda.list() == []


def test_the_refusal_says_when_the_desk_is_open(agenda):
    with pytest.raises(AgendaError) as refused:
        agenda.book_desk(at(TUESDAY, 12, 15), "Karim")
    assert str(refused.value) == (
        "Le mardi 1er décembre 2026 à 12\u00a0h\u00a015 (30 min) est en dehors des horaires de l'accueil "
        "(lundi, mardi, jeudi, vendredi, 9\u00a0h – 12\u00a0h et 13\u00a0h\u00a030 – 17\u00a0h) : "
        "choisissez un autre créneau.")
    weekdays = Agenda(agenda.db, AgendaSettings(counselors=("Karim",)), SITE, now=lambda: NOW)
    with pytest.raises(AgendaError, match="accueil \\(du lundi au vendredi, 9"):
        weekdays.book_desk(at(SATURDAY, 10), "Karim")


def test_unknown_counselor_past_time_and_partner_without_place_are_refused(agenda):
    with pytest.raises(AgendaError, match="« Paul » ne fait pas partie des conseillers de l'agenda"):
        agenda.book_desk(at(TUESDAY, 10), "Paul")
    with pytest.raises(AgendaError, match="déjà passé"):
        agenda.book_desk(at(date(2026, 11, 26), 10), "Julie")
    with pytest.raises(AgendaError, match="Indiquez le lieu du rendez-vous avec CAF"):
        agenda.record_partner(at(TUESDAY, 10), "CAF", "  ")
    assert agenda.list() == []


def test_partner_appointments_do_not_take_desk_slots(agenda):
    caf = agenda.record_partner(at(TUESDAY, 9), "CAF", "CAF du Nord, 82 rue Brûle-Maison, 59000 Lille", duration=45)
    assert (caf.kind, caf.with_whom, caf.end) == ("partner", "CAF", at(TUESDAY, 9, 45))
    agenda.record_partner(at(TUESDAY, 9), "CPAM", "CPAM de Lille")  # partners may overlap
    assert len(agenda.free_slots(TUESDAY)) == 26


def test_move_checks_again_and_cancel_frees_the_slot(agenda):
    first = agenda.book_desk(at(TUESDAY, 10), "Julie", label="Mme D.")
    second = agenda.book_desk(at(TUESDAY, 11), "Julie")
    with pytest.raises(AgendaError, match="déjà un rendez-vous"):
        agenda.move(second.id, at(TUESDAY, 10))
    moved = agenda.move(second.id, at(TUESDAY, 10), counselor="Karim")
    assert (moved.start, moved.with_whom, moved.uid, moved.sequence) == (at(TUESDAY, 10), "Karim", second.uid, 1)
    cancelled = agenda.cancel(first.id)
    assert cancelled.cancelled and cancelled.sequence == 1
    assert [a.id for a in agenda.list()] == [second.id]
    assert [a.id for a in agenda.list(include_cancelled=True)] == [first.id, second.id]
    agenda.book_desk(at(TUESDAY, 10), "Julie")  # the cancelled slot is free again
    with pytest.raises(AgendaError, match="est annulé"):
        agenda.move(first.id, at(TUESDAY, 15))
    with pytest.raises(AgendaError, match="Aucun rendez-vous n° 99"):
        agenda.cancel(99)


def test_list_by_paris_day(agenda):
    agenda.book_desk(at(TUESDAY, 9), "Julie")
    agenda.book_desk(at(date(2026, 12, 3), 16, 30), "Julie")
    assert [a.start for a in agenda.list(TUESDAY, TUESDAY)] == [at(TUESDAY, 9)]
    assert len(agenda.list(date(2026, 12, 3))) == 1
    assert len(agenda.list(last_day=TUESDAY)) == 1


def test_a_booking_survives_reopening_the_database(database):
    opened = open_database(database)
    booked = Agenda(opened.db, SETTINGS, SITE, now=lambda: NOW).book_desk(
        at(TUESDAY, 14, 30), "Karim", what_to_bring="RIB", note="Sonnez à l'interphone.", label="M. B.")
    opened.db.close()
    reopened = open_database(database)
    assert Agenda(reopened.db, SETTINGS, SITE, now=lambda: NOW).list() == [booked]
    assert reopened.backups == []  # nothing to migrate the second time


@pytest.fixture
def counted(database):
    """The agenda as the desk hands it out: bookings are counted."""
    from aidant_desk.agenda import save_agenda_settings
    from aidant_desk.desk import Desk
    from aidant_desk.desk.settings import save_site_settings

    with Desk(database, now=lambda: NOW) as desk:
        save_agenda_settings(desk.db, SETTINGS)
        save_site_settings(desk.db, SITE)
        yield desk.agenda()


def test_bookings_are_counted_once_in_the_week_they_are_made(counted):
    agenda = counted
    agenda.book_desk(at(TUESDAY, 10), "Julie")
    agenda.record_partner(at(TUESDAY, 10), "France Travail", "Agence France Travail de Lille")
    moved = agenda.book_desk(at(TUESDAY, 11), "Julie")
    agenda.move(moved.id, at(TUESDAY, 15))
    agenda.cancel(moved.id)
    rows = agenda.db.execute("SELECT week, metric, recorded FROM activity_counts ORDER BY metric").fetchall()
    assert rows == [("2026-W48", "appointments_desk", 2), ("2026-W48", "appointments_partner", 1)]


def test_agenda_settings_round_trip_and_refuse_nonsense(database):
    db = open_database(database).db
    assert load_agenda_settings(db) == AgendaSettings()
    save_agenda_settings(db, SETTINGS)
    assert load_agenda_settings(db) == SETTINGS
    with pytest.raises(AgendaError, match="au moins un conseiller"):
        AgendaSettings(counselors=())
    with pytest.raises(AgendaError, match="ne se chevauchent pas"):
        AgendaSettings(hours=((time(9), time(12)), (time(11), time(14))))
    with pytest.raises(AgendaError, match="de 5 à 240 minutes"):
        AgendaSettings(slot_minutes=0)


# --- .ics -------------------------------------------------------------------------

@pytest.fixture
def booked(agenda):
    winter = agenda.book_desk(at(TUESDAY, 14, 30), "Julie", what_to_bring="Avis d'imposition\nRIB",
                              note="Sonnez à l'interphone.", label="Mme Durand-Quesnel")
    summer = agenda.record_partner(
        datetime(2027, 7, 6, 10, 0), "Caisse d'assurance retraite et de la santé au travail (Carsat)",
        "Carsat Hauts-de-France, accueil retraite, 11 allée Vauban, 59662 Villeneuve-d'Ascq ; bureau 4, 2e étage",
        duration=45)
    return agenda, winter, summer


def test_ics_round_trips_date_time_and_time_zone(booked):
    agenda, winter, summer = booked
    calendar = icalendar.Calendar.from_ical(calendar_text(agenda.list(), now=NOW))
    assert str(calendar["VERSION"]) == "2.0" and "Aidant Desk" in str(calendar["PRODID"])
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {winter.uid, summer.uid}

    event = events[winter.uid]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2026, 12, 1, 14, 30)
    assert start.utcoffset() == timedelta(hours=1)
    assert start.astimezone(timezone.utc) == datetime(2026, 12, 1, 13, 30, tzinfo=timezone.utc)
    assert end - start == timedelta(minutes=30)
    assert str(event["SUMMARY"]) == "Rendez-vous France Services avec Julie"
    assert str(event["LOCATION"]) == "France Services de Lille Moulins, 12 rue de Valenciennes, 59000 Lille"
    assert str(event["DESCRIPTION"]) == "Avec : Julie\nÀ apporter : Avis d'imposition, RIB\nSonnez à l'interphone."
    assert event.decoded("DTSTAMP") == datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)

    event = events[summer.uid]
    start = event.decoded("DTSTART")
    assert start.utcoffset() == timedelta(hours=2)
    assert start.astimezone(timezone.utc) == datetime(2027, 7, 6, 8, 0, tzinfo=timezone.utc)
    assert event.decoded("DTEND") - start == timedelta(minutes=45)
    assert str(event["LOCATION"]) == summer.place  # folded on several lines, unfolded whole


def test_ics_vtimezone_gives_paris_winter_and_summer_offsets(booked):
    agenda, *_ = booked
    calendar = icalendar.Calendar.from_ical(calendar_text(agenda.list(), now=NOW))
    zone = calendar.walk("VTIMEZONE")[0].to_tz()
    assert datetime(2027, 1, 15, 12, tzinfo=zone).utcoffset() == timedelta(hours=1)
    assert datetime(2027, 7, 15, 12, tzinfo=zone).utcoffset() == timedelta(hours=2)
    # Summer time starts on the last Sunday of March 2027, the 28th, at 2:00.
    assert datetime(2027, 3, 28, 1, 59, tzinfo=zone).utcoffset() == timedelta(hours=1)
    assert datetime(2027, 3, 28, 3, 0, tzinfo=zone).utcoffset() == timedelta(hours=2)


def test_ics_lines_end_in_crlf_and_fold_at_75_octets(booked, tmp_path):
    agenda, *_ = booked
    path = export_ics(agenda.list(), tmp_path / "agenda.ics", now=NOW)
    data = path.read_bytes()
    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) == 75  # the long place was folded
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # never cut inside a character
    assert b"Durand-Quesnel" not in data  # the counselor's label stays on the desk


def test_a_cancelled_appointment_is_exported_as_cancelled(booked):
    agenda, winter, _ = booked
    agenda.cancel(winter.id)
    calendar = icalendar.Calendar.from_ical(calendar_text(agenda.list(include_cancelled=True), now=NOW))
    event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == winter.uid)
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)


# --- CLI --------------------------------------------------------------------------

def test_cli_books_lists_refuses_cancels_and_exports(database, tmp_path, capsys):
    base = ["--database", str(database)]
    assert main(["agenda", "book", *base, "--start", "2099-12-01 10:00", "--counselor",
                 "Conseiller France Services", "--bring", "RIB", "--label", "Mme D."]) == 0
    assert main(["agenda", "book", *base, "--start", "2099-12-01T10:15", "--counselor",
                 "Conseiller France Services"]) == 2
    assert "a déjà un rendez-vous" in capsys.readouterr().err
    assert main(["agenda", "book", *base, "--start", "2099-12-02 09:00", "--partner", "CPAM",
                 "--place", "CPAM de Lille, 2 rue d'Iéna"]) == 0
    capsys.readouterr()
    assert main(["agenda", "list", *base]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed == [
        "n° 1 — mardi 1er décembre 2099 à 10\u00a0h (30 min) — Rendez-vous France Services avec Conseiller "
        "France Services — France Services — repère : Mme D.",  # an unset address is never written in a place
        "n° 2 — mercredi 2 décembre 2099 à 9\u00a0h (30 min) — Rendez-vous CPAM — "
        "CPAM de Lille, 2 rue d'Iéna",
    ]
    assert main(["agenda", "cancel", *base, "1"]) == 0
    assert main(["agenda", "export", *base, "-o", str(tmp_path / "agenda.ics")]) == 0
    calendar = icalendar.Calendar.from_ical((tmp_path / "agenda.ics").read_bytes())
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Rendez-vous CPAM"]
    assert main(["agenda", "cancel", *base, "1"]) == 2
    assert "est annulé" in capsys.readouterr().err


def test_notes_labels_and_papers_are_encrypted_at_rest_and_read_back(agenda, database):
    note, label, papers = "Mme Jeanne DUPONT née 12/03/1961", "Dupont-Quesnel", "Livret de famille de Jeanne"
    booked = agenda.book_desk(at(TUESDAY, 10), "Julie", note=note, label=label, what_to_bring=papers)
    again = agenda.get(booked.id)
    assert (again.note, again.label, again.what_to_bring) == (note, label, papers)
    agenda.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in database.parent.glob("desk.db*"):
        raw = path.read_bytes()
        for secret in ("DUPONT", "12/03/1961", "Quesnel", "Livret de famille de Jeanne"):
            assert secret.encode() not in raw, (path.name, secret)
    # A row an earlier version wrote in clear still reads.
    agenda.db.execute("UPDATE appointments SET note = ? WHERE id = ?", ["Sonnez deux fois", booked.id])
    assert agenda.get(booked.id).note == "Sonnez deux fois"


def test_texts_an_earlier_version_kept_in_clear_are_encrypted_when_the_agenda_opens(agenda, database):
    booked = agenda.book_desk(at(TUESDAY, 10), "Julie", note="x", label="y")
    # As a release before encryption at rest wrote them:
    agenda.db.execute("UPDATE appointments SET note = ?, label = ?, what_to_bring = ? WHERE id = ?",
                      ["Mme Jeanne DUPONT née 12/03/1961", "Dupont-Quesnel", "", booked.id])
    agenda.db.conn.commit()
    reopened = Agenda(agenda.db, SETTINGS, SITE, now=lambda: NOW)
    raw = next(agenda.db.query("SELECT note, label, what_to_bring FROM appointments WHERE id = ?", [booked.id]))
    assert raw["note"].startswith("gAAAAA") and raw["label"].startswith("gAAAAA")
    assert raw["what_to_bring"] == ""  # nothing to hide stays empty
    again = reopened.get(booked.id)
    assert (again.note, again.label) == ("Mme Jeanne DUPONT née 12/03/1961", "Dupont-Quesnel")
    agenda.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in database.parent.glob("desk.db*"):
        assert b"DUPONT" not in path.read_bytes(), path.name
