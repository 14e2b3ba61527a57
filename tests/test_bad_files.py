"""What a bad day leaves on the desk (issue 14): a damaged autosave, two dossiers set
aside in the same second, a huge file, and files other users could read."""
import stat
from datetime import datetime

import pytest

from aidant_desk import autosave
from aidant_desk.cli import main
from aidant_desk.desk import Desk
from aidant_desk.desk.dossiers import Consent
from aidant_desk.dossier import Dossier, InvalidData

from .conftest import EXAMPLES

HUGE_NUMBER = '{"format_version": 2, "people": [], "fiscal_reference_income": ' + "9" * 5000 + "}"
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("AIDANT_DESK_HOME", str(home))
    return home


@pytest.mark.parametrize("content", [HUGE_NUMBER, DEEP, '{"people": ' + DEEP + "}"],
                         ids=["5000 chiffres", "100000 niveaux", "people imbriqué"])
def test_a_damaged_autosave_is_set_aside_with_a_notice_and_the_desk_starts(home, content):
    home.mkdir()
    autosave.autosave_path().write_text(content, encoding="utf-8")
    data, notice = autosave.load()
    assert data is None and "illisible" in notice and "mis de côté" in notice
    kept = list(home.glob(autosave.SET_ASIDE))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == content  # nothing typed is lost
    assert not autosave.autosave_path().exists()


@pytest.mark.parametrize("content,said", [(HUGE_NUMBER, "milliers de chiffres"), (DEEP, "trop imbriquée")],
                         ids=["5000 chiffres", "100000 niveaux"])
def test_simulate_refuses_them_in_french_without_a_traceback(tmp_path, capsys, content, said):
    path = tmp_path / "dossier.json"
    path.write_text(content, encoding="utf-8")
    assert main(["simulate", str(path)]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert path.read_text(encoding="utf-8") == content


def test_a_dossier_past_the_size_cap_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "enorme.json"
    with path.open("wb") as out:  # 50 MB of a valid-looking list of people
        out.write(b'{"format_version": 2, "people": [')
        out.write(b'{"id": "p", "role": "child", "birth_date": "2010-01-01"},' * 900_000)
        out.write(b'{"id": "p", "role": "child", "birth_date": "2010-01-01"}]}')
    assert path.stat().st_size > 50_000_000

    def no_reading(*_):
        raise AssertionError("the file was read")
    monkeypatch.setattr(type(path), "read_text", no_reading)
    with pytest.raises(InvalidData, match="trop gros \\(5\\d\\.\\d Mo\\).*limite est de 1 Mo"):
        Dossier.load(path)


def test_two_dossiers_set_aside_in_the_same_second_both_stay(home, monkeypatch):
    home.mkdir()
    moment = datetime(2026, 12, 2, 10, 30, 0)

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment
    monkeypatch.setattr(autosave, "datetime", Frozen)
    for first_name in ("Amandine", "Zéphyrin", "Léa"):
        autosave.autosave_path().write_text(f'{{"people": [{{"first_name": "{first_name}"}}]}}', encoding="utf-8")
        assert autosave.set_aside() is not None
    kept = sorted(home.glob(autosave.SET_ASIDE))
    assert [p.name for p in kept] == ["dossier-precedent-20261202-103000-2.json",
                                      "dossier-precedent-20261202-103000-3.json",
                                      "dossier-precedent-20261202-103000.json"]
    assert {p.read_text(encoding="utf-8").split('"')[5] for p in kept} == {"Amandine", "Zéphyrin", "Léa"}


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_and_files_are_the_users_alone(home, catalogue):
    home.mkdir(mode=0o755)
    home.chmod(0o755)  # as an earlier version left it
    with Desk(catalogue=catalogue) as desk:
        desk.keep_in_progress(Dossier.load(EXAMPLES / "couple_trois_enfants.json").to_dict())
        desk.dossiers.save("Famille Lefèvre", Dossier.load(EXAMPLES / "couple_trois_enfants.json"),
                           Consent(True))
        files = [p for p in home.iterdir() if p.is_file()]
        assert {p.name for p in files} >= {"desk.db", "desk.db-wal", autosave.FILE_NAME}
        assert mode(home) == 0o700
        for path in files:
            assert mode(path) == 0o600, (path.name, oct(mode(path)))


@pytest.mark.parametrize("argv", [["--help"], ["dossiers", "list", "--help"], ["agenda", "slots", "--help"],
                                  ["sync", "--help"], ["handout", "--help"]])
def test_help_never_touches_the_disk(tmp_path, monkeypatch, capsys, argv):
    home = tmp_path / "pas-encore-cree"
    monkeypatch.setenv("AIDANT_DESK_HOME", str(home))
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 0 and "usage" in capsys.readouterr().out
    assert not home.exists()


@pytest.mark.parametrize("argv", [["dossiers", "list"], ["agenda", "slots", "2026-12-07"], ["sync"], ["recheck"]])
def test_a_home_that_cannot_be_made_gets_a_french_message_and_exit_3(tmp_path, monkeypatch, capsys, argv):
    blocker = tmp_path / "un-fichier"
    blocker.write_text("", encoding="utf-8")  # a file where the folder should be: refused even to root
    monkeypatch.setenv("AIDANT_DESK_HOME", str(blocker / "aidant-desk"))
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert err.startswith("Erreur : Le fichier de données") and "Traceback" not in err


@pytest.mark.parametrize("answers", ['{"people": [1]}', '{"people": [], "housing": "x"}',
                                     '{"people": [{"birth_date": 5, "role": []}]}'])
def test_answers_no_form_wrote_are_set_aside_and_the_app_goes_on(qtbot, engine_client, catalogue, home, answers):
    from PySide6.QtCore import Qt

    from aidant_desk.app.main_window import MainWindow

    home.mkdir()
    autosave.autosave_path().write_text(answers, encoding="utf-8")  # in clear, as an earlier version wrote
    window = MainWindow(catalogue, engine_client, "2026-11")
    qtbot.addWidget(window)
    window.show()
    assert window.start.resume_banner.isVisible()
    qtbot.mouseClick(window.start.resume_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.start
    assert "n'a pas pu être rouvert ; il a été mis de côté" in window.start.resume_text.text()
    kept = list(home.glob(autosave.SET_ASIDE))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == answers
    window.start.buttons[""].click()  # a new dossier still starts
    assert window.pages.currentWidget() is window.work


def test_the_device_token_is_stored_encrypted_and_an_old_clear_one_is_encrypted_when_read(tmp_path):
    from aidant_desk.store import get_setting, open_database, set_setting
    from aidant_desk.sync import configure
    from aidant_desk.sync.status import DEVICE_TOKEN, connection_settings

    token = "jeton-appareil-7f3a9c"
    path = tmp_path / "desk.db"
    db = open_database(path).db
    configure(db, server_url="https://central.example.fr", token=token)
    assert connection_settings(db) == ("https://central.example.fr", token)
    db.conn.commit()
    for file in tmp_path.glob("desk.db*"):
        assert token.encode() not in file.read_bytes(), file.name
    set_setting(db, DEVICE_TOKEN, "jeton-en-clair")  # as an earlier version kept it
    assert connection_settings(db)[1] == "jeton-en-clair"
    assert get_setting(db, DEVICE_TOKEN) != "jeton-en-clair"  # encrypted at that first read
    assert connection_settings(db)[1] == "jeton-en-clair"
