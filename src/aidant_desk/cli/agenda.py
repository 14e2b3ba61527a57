"""`aidant-desk agenda`: the desk's agenda, headless — free slots, booking, moving,
cancelling, and the .ics export.

Wired into aidant_desk.cli through add_parser(subparsers) and run(args).
"""
from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

from ..desk import (PARIS, PARTNERS, Agenda, AgendaError, Appointment, StoreError, clock, export_ics, long_date,
                    paris_time, summary, when)
from .common import EXIT_FILE, EXIT_INVALID, database_option, error, opened_desk


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une date AAAA-MM-JJ") from None


def _moment(text: str) -> datetime:
    try:
        return paris_time(datetime.fromisoformat(text))
    except ValueError:
        message = f"« {text} » n'est pas une date et une heure « AAAA-MM-JJ HH:MM »"
        raise argparse.ArgumentTypeError(message) from None


def add_parser(subparsers) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    database_option(common)
    period = argparse.ArgumentParser(add_help=False)
    period.add_argument("--from", dest="first_day", type=_day, metavar="AAAA-MM-JJ", help="à partir de ce jour")
    period.add_argument("--to", dest="last_day", type=_day, metavar="AAAA-MM-JJ", help="jusqu'à ce jour inclus")
    period.add_argument("--all", action="store_true", help="avec les rendez-vous annulés")

    parser = subparsers.add_parser("agenda", help="l'agenda des rendez-vous du poste (hors ligne)")
    sub = parser.add_subparsers(dest="agenda_command", required=True)
    sub.add_parser("list", parents=[common, period], help="liste les rendez-vous")
    slots = sub.add_parser("slots", parents=[common], help="créneaux libres de l'accueil un jour donné")
    slots.add_argument("day", type=_day, metavar="AAAA-MM-JJ")
    slots.add_argument("--counselor", metavar="PRÉNOM")

    book = sub.add_parser("book", parents=[common], help="prend un rendez-vous à l'accueil ou chez un partenaire")
    book.add_argument("--start", type=_moment, required=True, metavar="« AAAA-MM-JJ HH:MM »", help="heure de Paris")
    who = book.add_mutually_exclusive_group(required=True)
    who.add_argument("--counselor", metavar="PRÉNOM", help="rendez-vous à l'accueil, avec ce conseiller")
    who.add_argument("--partner", metavar="NOM", help=f"rendez-vous chez un partenaire ({', '.join(PARTNERS)}...)")
    book.add_argument("--place", default="", metavar="LIEU", help="adresse du partenaire")
    book.add_argument("--duration", type=int, metavar="MINUTES", help="durée (par défaut : un créneau, ou 30)")
    book.add_argument("--bring", action="append", default=[], metavar="DOCUMENT", help="à apporter (répétable)")
    book.add_argument("--note", default="", metavar="TEXTE", help="information pratique imprimée pour la personne")
    book.add_argument("--label", default="", metavar="TEXTE",
                      help="repère pour le conseiller, jamais imprimé ni exporté")

    move = sub.add_parser("move", parents=[common], help="déplace un rendez-vous")
    move.add_argument("id", type=int, metavar="NUMÉRO")
    move.add_argument("--start", type=_moment, required=True, metavar="« AAAA-MM-JJ HH:MM »")
    move.add_argument("--counselor", metavar="PRÉNOM")

    cancel = sub.add_parser("cancel", parents=[common], help="annule un rendez-vous")
    cancel.add_argument("id", type=int, metavar="NUMÉRO")

    export = sub.add_parser("export", parents=[common, period], help="écrit l'agenda en .ics (RFC 5545)")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FICHIER.ics")
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        with opened_desk(args.database) as desk:
            return _command(desk.agenda(), args)
    except StoreError as problem:
        return error(problem, EXIT_FILE)
    except AgendaError as problem:
        return error(problem, EXIT_INVALID)


def _command(agenda: Agenda, args: argparse.Namespace) -> int:
    command = args.agenda_command
    if command == "list":
        appointments = agenda.list(args.first_day, args.last_day, include_cancelled=args.all)
        for appointment in appointments:
            print(_line(appointment))
        if not appointments:
            print("Aucun rendez-vous.")
    elif command == "slots":
        free = agenda.free_slots(args.day, args.counselor)
        print(f"Créneaux libres le {long_date(args.day)} : {len(free)}")
        for slot in free:
            print(f"  {clock(slot.start)} – {clock(slot.end)}  {slot.counselor}")
    elif command == "book":
        bring = "\n".join(args.bring)
        if args.counselor:
            booked = agenda.book_desk(args.start, args.counselor, duration=args.duration, what_to_bring=bring,
                                      note=args.note, label=args.label)
        else:
            booked = agenda.record_partner(args.start, args.partner, args.place, duration=args.duration or 30,
                                           what_to_bring=bring, note=args.note, label=args.label)
        print(f"Rendez-vous pris : {_line(booked)}")
    elif command == "move":
        print(f"Rendez-vous déplacé : {_line(agenda.move(args.id, args.start, counselor=args.counselor))}")
    elif command == "cancel":
        print(f"Rendez-vous annulé : {_line(agenda.cancel(args.id))}")
    elif command == "export":
        appointments = agenda.list(args.first_day, args.last_day, include_cancelled=args.all)
        export_ics(appointments, args.output, now=datetime.now(PARIS))
        print(f"{len(appointments)} rendez-vous écrits dans {args.output}")
    return 0


def _line(a: Appointment) -> str:
    """'n° 3 — mardi 1er décembre 2026 à 14 h 30 (30 min) — Rendez-vous CAF — 82 rue…'."""
    parts = [f"n° {a.id}", f"{when(a.start)} ({a.duration} min)", summary(a), a.place]
    if a.label:
        parts.append(f"repère : {a.label}")
    if a.cancelled:
        parts.append("ANNULÉ")
    return " — ".join(parts)
