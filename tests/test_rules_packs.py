"""Rules packs: signed by a publisher, trusted, installed atomically, rolled back."""
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
import yaml
from pypdf import PdfReader

from aidant_desk.catalogue import load_catalogue, rules_dir
from aidant_desk.catalogue.packs import build_pack
from aidant_desk.cli import main
from aidant_desk.desk import Desk, SiteSettings
from aidant_desk.engine import OPENFISCA_FRANCE_VERSION
from aidant_desk.handout.pdf import build_handout
from aidant_desk.report import results_table

from .conftest import MONTH, RULES, example

NEW_LABEL = "Allocation aux adultes handicapés (libellé du département)"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("AIDANT_DESK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("AIDANT_DESK_RULES", raising=False)
    return tmp_path / "home"


@pytest.fixture
def keys(tmp_path, home):
    """The publisher's key pair, its public key trusted by the desk."""
    assert main(["rules", "keygen", "-o", str(tmp_path / "keys")]) == 0
    private, public = tmp_path / "keys" / "cle-regles.pem", tmp_path / "keys" / "cle-regles.pub"
    assert private.stat().st_mode & 0o777 == 0o600
    assert main(["rules", "trust", str(public), "--database", str(home / "desk.db")]) == 0
    return private


@pytest.fixture
def edited_rules(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    edit_yaml(rules / "aids" / "aah.yaml", lambda d: d.update(label=NEW_LABEL))
    return rules


def edit_yaml(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def pack(tmp_path, key, version, rules=RULES):
    output = tmp_path / f"regles-{version}.zip"
    assert main(["rules", "pack", "-o", str(output), "--key", str(key), "--version", version,
                 "--rules", str(rules)]) == 0
    return output


def install(home, pack_file):
    return main(["rules", "install", str(pack_file), "--database", str(home / "desk.db")])


def pdf_text(pdf):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def active_state(home):
    """What must not move when a pack is refused: the pointer, the folders, the catalogue loaded."""
    packs = home / "rules-packs"
    return (sorted(p.name for p in packs.iterdir()) if packs.exists() else [],
            (packs / "current").read_text() if (packs / "current").exists() else "",
            load_catalogue(rules_dir()).version)


def rewritten(source, target, change):
    """A copy of the pack zip with its entries changed by change(entries)."""
    with zipfile.ZipFile(source) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    change(entries)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return target


def test_an_installed_pack_is_the_catalogue_the_desk_loads(tmp_path, home, keys, edited_rules, capsys):
    assert install(home, pack(tmp_path, keys, "2026.12.1", edited_rules)) == 0
    assert "Règles 2026.12.1 installées" in capsys.readouterr().out

    desk = Desk(home / "desk.db")
    assert desk.catalogue.version == "2026.12.1"
    result = desk.simulate(example("adulte_handicap_80").with_month(MONTH))
    assert next(a for a in result.aids if a.aid_id == "aah").label == NEW_LABEL
    assert result.rules_version == "2026.12.1" and result.to_dict()["rules_version"] == "2026.12.1"
    assert f"openfisca-france {OPENFISCA_FRANCE_VERSION}, règles 2026.12.1" in results_table(result).splitlines()[0]
    handout = build_handout(result, desk.catalogue, site=SiteSettings())
    assert "openfisca-france" in pdf_text(handout) and "· règles 2026.12.1" in pdf_text(handout)

    assert main(["rules", "check"]) == 0
    assert "Catalogue actif : paquet de règles 2026.12.1 installé sur ce poste" in capsys.readouterr().out


def _bad_signature(tmp_path, key, good):
    def change(entries):
        manifest = json.loads(entries["manifest.json"])
        manifest["created"] = "2020-01-01T00:00:00+00:00"
        entries["manifest.json"] = json.dumps(manifest).encode()
    return rewritten(good, tmp_path / "bad.zip", change)


def _no_signature(tmp_path, key, good):
    return rewritten(good, tmp_path / "unsigned.zip", lambda entries: entries.pop("manifest.sig"))


def _untrusted_key(tmp_path, key, good):
    assert main(["rules", "keygen", "-o", str(tmp_path / "other")]) == 0
    return pack(tmp_path / "other", tmp_path / "other" / "cle-regles.pem", "2026.12.2")


def _tampered_file(tmp_path, key, good):
    def change(entries):
        entries["rules/aids/aah.yaml"] += "\n# montant doublé\n".encode()
    return rewritten(good, tmp_path / "tampered.zip", change)


def _older(tmp_path, key, good):
    return pack(tmp_path, key, "2026.11.9")


def _equal(tmp_path, key, good):
    return pack(tmp_path, key, "2026.12.1")


def _failing_check(tmp_path, key, good):
    broken = tmp_path / "broken"
    shutil.copytree(RULES, broken)
    edit_yaml(broken / "aids" / "ppa.yaml", lambda d: d["computation"]["openfisca"].update(variable="prime_activite"))
    return build_pack(broken, tmp_path / "broken.zip", key, "2026.12.2")  # `rules pack` itself would refuse it


@pytest.mark.parametrize("make, message", [
    (_bad_signature, "La signature du paquet est invalide"),
    (_no_signature, "Le paquet n'est pas signé"),
    (_untrusted_key, "signé par une clé que ce poste ne reconnaît pas"),
    (_tampered_file, "Le fichier « aids/aah.yaml » du paquet a été modifié après sa signature"),
    (_older, "Les règles 2026.11.9 ne sont pas plus récentes que celles installées (2026.12.1)"),
    (_equal, "Les règles 2026.12.1 ne sont pas plus récentes que celles installées (2026.12.1)"),
    (_failing_check, "Les règles 2026.12.2 ne passent pas la vérification"),
])
def test_a_refused_pack_leaves_the_installed_catalogue_untouched(tmp_path, home, keys, make, message, capsys):
    assert install(home, pack(tmp_path, keys, "2026.12.1")) == 0
    candidate = make(tmp_path, keys, pack(tmp_path, keys, "2026.12.2"))
    before = active_state(home)
    capsys.readouterr()
    assert install(home, candidate) == 2
    assert message in capsys.readouterr().err
    assert active_state(home) == before
    assert before[2] == "2026.12.1"


def test_rollback_goes_back_to_the_previous_catalogue(tmp_path, home, keys, edited_rules, capsys):
    assert install(home, pack(tmp_path, keys, "2026.12.1")) == 0
    assert install(home, pack(tmp_path, keys, "2026.12.2", edited_rules)) == 0
    assert load_catalogue(rules_dir()).aid("aah").label == NEW_LABEL

    assert main(["rules", "rollback"]) == 0
    assert "paquet de règles 2026.12.1" in capsys.readouterr().out
    assert load_catalogue(rules_dir()).aid("aah").label != NEW_LABEL
    assert main(["rules", "rollback"]) == 0
    assert rules_dir() == RULES
    assert main(["rules", "rollback"]) == 2
    assert "Aucun paquet de règles n'est installé" in capsys.readouterr().err
    assert install(home, pack(tmp_path, keys, "2026.12.2", edited_rules)) == 0  # the rolled-back version again


# The install in its own process, cut (os._exit, no clean-up) just before or just after the switch.
CUT = """
import os, sys
from pathlib import Path
replace = os.replace
def cut(src, dst):
    if Path(dst).name != "current":
        return replace(src, dst)
    if sys.argv[1] == "after":
        replace(src, dst)
    os._exit(9)
os.replace = cut
from aidant_desk.cli import main
main(["rules", "install", sys.argv[2], "--database", sys.argv[3]])
"""


@pytest.mark.parametrize("when, active", [("before", "2026.12.1"), ("after", "2026.12.2")])
def test_an_install_cut_at_the_switch_leaves_a_whole_catalogue(tmp_path, home, keys, when, active):
    assert install(home, pack(tmp_path, keys, "2026.12.1")) == 0
    cut = subprocess.run([sys.executable, "-c", CUT, when, str(pack(tmp_path, keys, "2026.12.2")),
                          str(home / "desk.db")], env={**os.environ}, capture_output=True, timeout=300)
    assert cut.returncode == 9, cut.stderr.decode()

    catalogue = load_catalogue(rules_dir())  # whole: it loads and validates
    assert catalogue.version == active
    assert main(["rules", "check"]) == 0
    assert install(home, pack(tmp_path, keys, "2026.12.3")) == 0  # and the next install works
    assert load_catalogue(rules_dir()).version == "2026.12.3"
    # Kept: the active pack and the one to roll back to; what the cut install left is cleared.
    assert sorted(p.name.split("-")[0] for p in (home / "rules-packs").iterdir()) == sorted(["2026.12.3", active, "current"])


def test_the_app_menu_installs_a_pack(qtbot, tmp_path, home, keys, edited_rules, engine_client, catalogue,
                                      monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

    from aidant_desk.app.main_window import MainWindow

    window = MainWindow(catalogue, engine_client, MONTH, Desk(home / "desk.db", catalogue=catalogue))
    qtbot.addWidget(window)
    action = next(a for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()
                  if a.text() == "Mettre à jour les règles…")
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(("info", text)))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: told.append(("warning", text)))

    older = pack(tmp_path, keys, "2026.12.1")
    chosen = pack(tmp_path, keys, "2026.12.2", edited_rules)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(chosen), ""))
    action.trigger()
    assert told == [("info", "Les règles 2026.12.2 sont installées (52 aides). Elles s'appliqueront au prochain "
                             "démarrage : fermez puis rouvrez Aidant Desk.")]
    assert load_catalogue(rules_dir()).aid("aah").label == NEW_LABEL

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(older), ""))
    action.trigger()
    assert told[1][0] == "warning" and "ne sont pas plus récentes" in told[1][1]
    assert load_catalogue(rules_dir()).version == "2026.12.2"


def test_the_app_accepts_a_publisher_once_its_fingerprint_is_confirmed(qtbot, tmp_path, home, engine_client,
                                                                        catalogue, monkeypatch, capsys):
    import base64
    import hashlib

    from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

    from aidant_desk.app.main_window import MainWindow
    from aidant_desk.desk.rules import trusted_keys

    assert main(["rules", "keygen", "-o", str(tmp_path / "keys")]) == 0
    public = tmp_path / "keys" / "cle-regles.pub"
    digest = hashlib.sha256(base64.b64decode(public.read_text(encoding="ascii").strip())).hexdigest()[:16]
    fingerprint = " ".join(digest[i:i + 4] for i in range(0, 16, 4))
    assert fingerprint in capsys.readouterr().out  # keygen tells the publisher what to read back

    desk = Desk(home / "desk.db", catalogue=catalogue)
    window = MainWindow(catalogue, engine_client, MONTH, desk)
    qtbot.addWidget(window)
    action = next(a for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()
                  if a.text() == "Accepter un éditeur de règles…")
    told, answer = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(("info", text)))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: told.append(("warning", text)))
    def asked(box):  # the confirmation, answered here: its text and its buttons in French
        buttons = [box.button(b).text() for b in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No)]
        told.append(("question", box.text()))
        assert buttons == ["Accepter la clé", "Annuler"]
        return int(answer[-1])  # exec() gives the button as an int

    monkeypatch.setattr(QMessageBox, "exec", asked)
    chosen = [public]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(chosen[-1]), ""))

    answer.append(QMessageBox.StandardButton.No)  # the fingerprint does not match what the publisher says
    action.trigger()
    assert told == [("question", told[0][1])] and f"Empreinte de la clé : {fingerprint}" in told[0][1]
    assert trusted_keys(desk.db) == set()

    answer.append(QMessageBox.StandardButton.Yes)
    action.trigger()
    assert told[-1] == ("info", f"Clé acceptée : les paquets de règles signés par cet éditeur ({fingerprint}) "
                                "peuvent être installés.")
    assert trusted_keys(desk.db) == {public.read_text(encoding="ascii").strip()}

    chosen.append(tmp_path / "keys" / "cle-regles.pem")  # the private key, by mistake: refused, nothing trusted
    action.trigger()
    assert told[-1][0] == "warning" and "n'est pas une clé publique de règles" in told[-1][1]
    assert len(trusted_keys(desk.db)) == 1
