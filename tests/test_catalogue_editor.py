"""« Catalogue des aides locales » : a departmental aid typed into the editor's widgets,
saved, computed by the engine, printed on the handout, reopened, signed into a pack."""
import dataclasses
import io
import json
import shutil

import pytest
import yaml
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from aidant_desk.app.catalogue_editor import CatalogueEditor
from aidant_desk.catalogue import load_catalogue
from aidant_desk.desk import Desk, Dossier, SiteSettings
from aidant_desk.desk.rules import check_rules, generate_keys, install_pack, public_key, trust
from aidant_desk.handout import HandoutOptions, build_handout

from .conftest import EXAMPLES, MONTH, RULES, example

AID_ID = "aide_departementale_au_chauffage"
LABEL = "Aide départementale au chauffage"
DESCRIPTION = "Une aide du département pour payer le chauffage pendant l'hiver."
INSTITUTION = "Conseil départemental des Bouches-du-Rhône"
FIRST_STEP = "Déposer le formulaire à la maison départementale de la solidarité."
INSTRUCTIONS = FIRST_STEP + " Joindre la dernière facture d'énergie."
CONTACT = "Maison départementale de la solidarité"
ONLINE = "https://www.departement13.fr/aide-chauffage"
DOCUMENTS = ["Pièce d'identité ou titre de séjour", "Dernière facture d'énergie", "Relevé d'identité bancaire (RIB)"]
NOT_IN_13 = "L'aide est réservée aux habitants des Bouches-du-Rhône."
TOO_RICH = "Les ressources du foyer dépassent 1 500 € par mois."
LEGAL = "Délibération du conseil départemental du 14 octobre 2026"
LEGAL_URL = "https://www.departement13.fr/deliberations"
REASON = "Le foyer vit dans les Bouches-du-Rhône avec des ressources modestes."
EVENT = "difficultes_paiement"
CHECKED = "2026-11-20"


@pytest.fixture
def folder(tmp_path):
    rules = tmp_path / "regles"
    shutil.copytree(RULES, rules)
    return rules


def editor_on(qtbot, folder) -> CatalogueEditor:
    editor = CatalogueEditor(folder)
    qtbot.addWidget(editor)
    return editor


def type_into(qtbot, widget, text: str) -> None:
    """Typed key by key, as the coordinator does; a line break is the Return key. QTest
    knows ASCII keys only: « é » or « € » is sent as a key event carrying its text."""
    for char in text:
        if char == "\n":
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        elif char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier)


def choose(combo, value) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_validated(qtbot, editor, until) -> None:
    qtbot.waitUntil(lambda: not editor._validate_timer.isActive() and until(), timeout=3000)


def fill_all_but_description(qtbot, editor) -> None:
    fields = editor.fields
    type_into(qtbot, fields["label"].widget, LABEL)
    type_into(qtbot, fields["institution"].widget, INSTITUTION)
    choose(fields["category"].widget, "energie")
    choose(fields["kind"].widget, "money")
    choose(fields["periodicity"].widget, "ponctuelle")
    event = next(i for i in fields["life_events"].items() if i.data(Qt.ItemDataRole.UserRole) == EVENT)
    event.setCheckState(Qt.CheckState.Checked)
    # The new aid's first condition is on the département already.
    departement = editor.conditions.items[0]
    assert departement.fact.currentData() == "housing.departement" and departement.op.currentData() == "=="
    type_into(qtbot, departement.value, "13")
    type_into(qtbot, departement.fail, NOT_IN_13)
    click(qtbot, editor.conditions.add_condition_button)
    resources = editor.conditions.items[1]
    choose(resources.fact, "household.monthly_resources")
    choose(resources.op, "<=")
    type_into(qtbot, resources.value, "1500")
    type_into(qtbot, resources.fail, TOO_RICH)
    type_into(qtbot, fields["computation.amount"].widget, "150")
    type_into(qtbot, fields["eligible_reason"].widget, REASON)
    type_into(qtbot, fields["how_to_apply.instructions"].widget, INSTRUCTIONS)
    type_into(qtbot, fields["how_to_apply.contact"].widget, CONTACT)
    type_into(qtbot, fields["how_to_apply.online"].widget, ONLINE)
    type_into(qtbot, fields["documents"].widget, "\n".join(DOCUMENTS))
    type_into(qtbot, fields["legal_source.label"].widget, LEGAL)
    type_into(qtbot, fields["legal_source.url"].widget, LEGAL_URL)
    fields["last_verified"].widget.setDate(fields["last_verified"].widget.date().fromString(CHECKED, "yyyy-MM-dd"))


def make_aid(qtbot, folder) -> CatalogueEditor:
    """The departmental aid, typed and saved."""
    editor = editor_on(qtbot, folder)
    fill_all_but_description(qtbot, editor)
    type_into(qtbot, editor.fields["description"].widget, DESCRIPTION)
    wait_validated(qtbot, editor, editor.save_button.isEnabled)
    click(qtbot, editor.save_button)
    assert "Enregistrée dans aids/" in editor.status.text(), editor.problem_texts()
    return editor


EXPECTED = {
    "id": AID_ID, "label": LABEL, "description": DESCRIPTION, "institution": INSTITUTION, "category": "energie",
    "kind": "money", "life_events": [EVENT], "periodicity": "ponctuelle", "scope": "local",
    "computation": {
        "conditions": [
            {"fact": "housing.departement", "op": "==", "value": "13", "fail": NOT_IN_13},
            {"fact": "household.monthly_resources", "op": "<=", "value": 1500, "fail": TOO_RICH},
        ],
        "amount": 150,
    },
    "eligible_reason": REASON,
    "how_to_apply": {"online": ONLINE, "instructions": INSTRUCTIONS, "contact": CONTACT},
    "documents": DOCUMENTS,
    "legal_source": {"label": LEGAL, "url": LEGAL_URL},
    "last_verified": CHECKED,
}


def test_a_departmental_aid_is_typed_checked_and_saved(qtbot, folder):
    editor = editor_on(qtbot, folder)
    fill_all_but_description(qtbot, editor)
    assert editor.fields["id"].widget.text() == AID_ID  # derived from the name
    assert "le texte « 13 »" in editor.conditions.items[0].hint.text()  # a code is text
    assert "le nombre 1500" in editor.conditions.items[1].hint.text()

    wait_validated(qtbot, editor, lambda: editor.problem_texts() == ["Description : champ obligatoire manquant"])
    assert not editor.save_button.isEnabled()
    assert editor.fields["description"].widget.property("problem") is True  # the field is marked
    assert not (folder / "aids" / f"{AID_ID}.yaml").exists()

    type_into(qtbot, editor.fields["description"].widget, "Court")
    wait_validated(qtbot, editor, lambda: editor.problem_texts() == [
        "Description : texte trop court (au moins 10 caractères)"])
    assert not editor.save_button.isEnabled()
    editor.fields["description"].widget.clear()
    type_into(qtbot, editor.fields["description"].widget, DESCRIPTION)
    wait_validated(qtbot, editor, editor.save_button.isEnabled)
    assert editor.problem_texts() == [] and editor.fields["description"].widget.property("problem") is False

    click(qtbot, editor.save_button)
    saved = folder / "aids" / f"{AID_ID}.yaml"
    assert saved.exists()
    assert editor.status.text() == f"Enregistrée dans aids/{AID_ID}.yaml. Le dossier passe la vérification."
    data = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert data == EXPECTED
    assert list(data) == list(EXPECTED)  # the schema's order
    assert list(data["how_to_apply"]) == ["online", "instructions", "contact"]
    assert not [p for p in (folder / "aids").iterdir() if p.name.startswith(".")]  # no temporary file left

    catalogue = check_rules(folder)
    aid = load_catalogue(folder).aid(AID_ID)
    assert catalogue.has_aid(AID_ID) and aid.scope == "local" and aid.conditions.amount == 150
    assert [editor.aid_list.item(i).text() for i in range(editor.aid_list.count())] == [LABEL]
    assert editor.fields["id"].widget.isReadOnly()  # now the file's name


def dossier_in(commune: str, wages: float = 0) -> Dossier:
    """A person alone (examples/personne_seule_sans_revenu.json) moved to `commune`."""
    data = json.loads((EXAMPLES / "personne_seule_sans_revenu.json").read_text(encoding="utf-8"))
    data["housing"]["commune"] = commune
    if wages:
        data["people"][0]["activity"] = "employed"
        data["resources"] = [{"person": "demandeur", "type": "wages", "same_every_month": wages}]
    return Dossier.from_dict(data).with_month(MONTH)


def test_the_saved_aid_is_computed_and_printed(qtbot, folder):
    from aidant_desk.engine import Engine

    make_aid(qtbot, folder)
    catalogue = load_catalogue(folder)
    engine = Engine(catalogue)
    lyon = example("personne_seule_sans_revenu")
    marseille = lyon.replace(housing=dataclasses.replace(lyon.housing, commune="13055")).with_month(MONTH)
    result = engine.simulate(marseille)
    aid = result.aid(AID_ID)
    assert (aid.status, aid.amount, aid.periodicity, aid.computed_by) == ("eligible", 150, "ponctuelle", "conditions")
    assert aid.reason == REASON

    paris = engine.simulate(dossier_in("75056")).aid(AID_ID)
    assert (paris.status, paris.reason, paris.amount) == ("not_eligible", NOT_IN_13, None)
    rich = engine.simulate(dossier_in("13055", wages=2000)).aid(AID_ID)
    assert (rich.status, rich.reason) == ("not_eligible", TOO_RICH)

    # The handout, as `aidant-desk handout` builds it (Desk.prepare_handout -> build_handout).
    desk = Desk(folder.parent / "desk.db", catalogue=catalogue)
    person = pdf_text(desk.prepare_handout(result, site=SiteSettings()).pdf)
    assert LABEL in person and FIRST_STEP in person and CONTACT in person
    assert "Joindre la dernière facture" not in person  # the first sentence only
    # Printed alone (the counselor unticks the others), its papers are on the card.
    alone = pdf_text(build_handout(result, catalogue, HandoutOptions(aid_ids=frozenset({AID_ID}))))
    assert all(document in alone for document in DOCUMENTS)


def pdf_text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def test_a_saved_aid_reopens_with_every_field_and_saves_back_the_same(qtbot, folder):
    make_aid(qtbot, folder)
    saved = folder / "aids" / f"{AID_ID}.yaml"
    before = saved.read_bytes()

    editor = editor_on(qtbot, folder)
    assert editor.fields["label"].widget.text() == ""  # a new aid until one is chosen
    item = editor.aid_list.item(0)
    assert item.text() == LABEL
    click_item(qtbot, editor.aid_list, item)
    fields = editor.fields
    assert fields["label"].widget.text() == LABEL
    assert fields["id"].widget.text() == AID_ID and fields["id"].widget.isReadOnly()
    assert fields["description"].widget.toPlainText() == DESCRIPTION
    assert fields["category"].widget.currentData() == "energie"
    assert fields["kind"].widget.currentText() == "De l'argent"
    assert fields["periodicity"].widget.currentData() == "ponctuelle"
    assert [i.data(Qt.ItemDataRole.UserRole) for i in fields["life_events"].items()
            if i.checkState() == Qt.CheckState.Checked] == [EVENT]
    rows = editor.conditions.items
    assert [(r.fact.currentData(), r.op.currentData(), r.value.text(), r.fail.text()) for r in rows] == [
        ("housing.departement", "==", "13", NOT_IN_13), ("household.monthly_resources", "<=", "1500", TOO_RICH)]
    assert fields["computation.amount"].widget.text() == "150"
    assert fields["how_to_apply.instructions"].widget.toPlainText() == INSTRUCTIONS
    assert fields["how_to_apply.contact"].widget.text() == CONTACT
    assert fields["how_to_apply.online"].widget.text() == ONLINE
    assert not fields["how_to_apply.automatic"].widget.isChecked()
    assert fields["documents"].widget.toPlainText().splitlines() == DOCUMENTS
    assert fields["legal_source.label"].widget.text() == LEGAL
    assert fields["last_verified"].widget.date().toString("yyyy-MM-dd") == CHECKED
    assert not editor.is_dirty() and editor.save_button.isEnabled()

    click(qtbot, editor.save_button)
    assert yaml.safe_load(saved.read_text(encoding="utf-8")) == EXPECTED
    assert saved.read_bytes() == before


def click_item(qtbot, view, item) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(item).center())


def test_hand_written_fields_survive_a_round_trip(qtbot, folder):
    """A local aid written by hand, with a group « l'une de », points to confirm and
    `automatic: false`: opened and saved unchanged, its data stays the same."""
    data = {
        "id": "aide_locale_manuelle", "label": "Aide locale écrite à la main",
        "description": "Une aide de la commune pour les familles qui déménagent.", "institution": "CCAS de Lyon",
        "category": "logement", "kind": "in_kind", "life_events": ["separation", "demenagement"],
        "periodicity": "droit", "scope": "local",
        "computation": {
            "conditions": [
                {"fact": "housing.commune", "op": "in", "value": ["69123", "69266"], "fail": "Lyon ou Villeurbanne."},
                {"any": [{"fact": "household.children", "op": ">=", "value": 1},
                         {"fact": "household.pregnancy", "op": "==", "value": True}],
                 "fail": "Il faut un enfant ou une grossesse."},
                {"fact": "housing.status", "op": "not_in", "value": ["owner"], "fail": "Pas pour un propriétaire."},
            ],
            "to_confirm": ["Habiter la commune depuis 6 mois."], "amount_note": "Selon le quotient familial.",
        },
        "how_to_apply": {"automatic": False, "instructions": "Prendre rendez-vous au CCAS.", "contact": "CCAS"},
        "documents": [], "legal_source": {"label": "Règlement des aides facultatives"},
        "last_verified": "2026-10-01",
    }
    path = folder / "aids" / "aide_locale_manuelle.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    editor = editor_on(qtbot, folder)
    click_item(qtbot, editor.aid_list, editor.aid_list.item(0))
    group = editor.conditions.items[1]
    assert [t.value.text() for t in group.tests] == ["1", "true"] and group.fail.text() == data["computation"][
        "conditions"][1]["fail"]
    assert editor.conditions.items[0].value.text() == "[69123, 69266]"
    assert editor.fields["computation.to_confirm"].widget.toPlainText() == "Habiter la commune depuis 6 mois."
    assert editor.problem_texts() == [] and not editor.is_dirty()
    click(qtbot, editor.save_button)
    assert "Enregistrée" in editor.status.text(), editor.problem_texts()
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == data


def test_a_pack_is_exported_through_the_dialogs_and_installs_on_a_desk(qtbot, folder, tmp_path, monkeypatch):
    monkeypatch.setenv("AIDANT_DESK_HOME", str(tmp_path / "poste"))
    monkeypatch.delenv("AIDANT_DESK_RULES", raising=False)
    editor = make_aid(qtbot, folder)
    private, public = generate_keys(tmp_path / "cles")
    output = tmp_path / "sortie" / "regles-2026.12.1.zip"
    output.parent.mkdir()
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(("info", text)))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: told.append(("warning", text)))
    chosen = [private]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(chosen[-1]), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("2026.12.1", True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(output.with_suffix("")), ""))

    click(qtbot, editor.export_button)
    assert told[-1][0] == "info" and f"Paquet 2026.12.1 écrit : {output}" in told[-1][1], told
    desk = Desk(tmp_path / "poste" / "desk.db")
    trust(desk.db, public_key(public))
    installed = install_pack(desk.db, output)  # verified, checked, made the desk's catalogue
    assert installed.version == "2026.12.1"
    assert installed.aid(AID_ID).label == LABEL and installed.aid(AID_ID).scope == "local"

    chosen.append(public)  # the public key by mistake
    click(qtbot, editor.export_button)
    assert told[-1] == ("warning", "cle-regles.pub est la clé publique (celle que les postes acceptent). Choisissez "
                                   "la clé privée, le fichier .pem écrit par « aidant-desk rules keygen ».")
    not_a_key = tmp_path / "cles" / "autre.pem"
    not_a_key.write_text("pas une clé", encoding="utf-8")
    chosen.append(not_a_key)
    click(qtbot, editor.export_button)
    assert told[-1][0] == "warning" and "n'est pas une clé privée de règles" in told[-1][1]

    done, text = editor.export_pack(private, "2026.12.2", tmp_path / "absent" / "regles.zip")
    assert not done and text.startswith(f"Impossible d'écrire {tmp_path / 'absent' / 'regles.zip'} (")
    done, text = editor.export_pack(private, "douze", tmp_path / "regles.zip")
    assert not done and "« douze » n'est pas un numéro de version" in text


def test_bad_input_is_said_in_french_and_blocks_saving(qtbot, folder):
    editor = make_aid(qtbot, folder)
    online = editor.fields["how_to_apply.online"].widget
    online.clear()
    type_into(qtbot, online, "http://www.departement13.fr")
    wait_validated(qtbot, editor, lambda: not editor.save_button.isEnabled())
    assert editor.problem_texts() == ["Adresse en ligne : l'adresse doit commencer par https://"]
    assert online.property("problem") is True
    online.clear()
    type_into(qtbot, online, ONLINE)

    value = editor.conditions.items[0].value
    value.clear()
    type_into(qtbot, value, "[13,")
    wait_validated(qtbot, editor, lambda: not editor.save_button.isEnabled())
    assert editor.problem_texts() == [
        "Condition 1 › valeur : valeur illisible (colonne 5) : écrivez par exemple 13, true ou [13, 2A]"]
    assert value.property("problem") is True
    value.clear()
    type_into(qtbot, value, "[13, 2A]")  # several départements: a list
    wait_validated(qtbot, editor, lambda: "une seule valeur" in " ".join(editor.problem_texts()))
    assert editor.problem_texts() == [
        "Condition 1 › valeur : une seule valeur ici ; pour plusieurs, choisissez « est l'un de »"]
    choose(editor.conditions.items[0].op, "in")
    wait_validated(qtbot, editor, editor.save_button.isEnabled)

    value.clear()
    type_into(qtbot, value, "[13, 99]")
    wait_validated(qtbot, editor, lambda: not editor.save_button.isEnabled())
    assert editor.problem_texts() == [
        "Condition 1 › valeur : « 99 » n'est pas un code de département (par exemple 13, 2A ou 974)"]
    resources = editor.conditions.items[1].value
    resources.clear()
    type_into(qtbot, resources, "1500,50")  # a decimal comma reads as text
    wait_validated(qtbot, editor, lambda: len(editor.problem_texts()) == 2)
    assert editor.problem_texts()[1] == (
        "Condition 2 › valeur : doit être un nombre (par exemple 1500), pas le texte « 1500,50 »")

    amount = editor.fields["computation.amount"].widget
    amount.clear()
    type_into(qtbot, amount, "cent")
    wait_validated(qtbot, editor, lambda: len(editor.problem_texts()) == 3)
    assert "Montant (€) : doit être un nombre (par exemple 150 ou 12,50), pas « cent »" in editor.problem_texts()
    assert not editor.save_button.isEnabled()
    assert yaml.safe_load((folder / "aids" / f"{AID_ID}.yaml").read_text(encoding="utf-8")) == EXPECTED


def test_a_new_aid_may_not_take_an_existing_name_nor_an_unknown_aid(qtbot, folder):
    editor = editor_on(qtbot, folder)
    type_into(qtbot, editor.fields["label"].widget, "RSA")
    wait_validated(qtbot, editor, lambda: any(t.startswith("Identifiant") for t in editor.problem_texts()))
    assert ("Identifiant : une aide « rsa » existe déjà dans ce dossier (aids/rsa.yaml) : choisissez un autre "
            "identifiant") in editor.problem_texts()
    row = editor.conditions.items[0]
    choose(row.fact, "receives_any")
    assert row.value.text() == "true" and row.aids.isVisibleTo(editor)
    type_into(qtbot, row.aids, "rsa, aide_inventee")
    wait_validated(qtbot, editor, lambda: any("aide_inventee" in t for t in editor.problem_texts()))
    assert "Condition 1 › aides : aide « aide_inventee » inconnue" in editor.problem_texts()
    click(qtbot, editor.conditions.add_group_button)
    group = editor.conditions.items[1]
    assert len(group.tests) == 2
    click(qtbot, group.tests[0].remove)
    wait_validated(qtbot, editor, lambda: any(t.startswith("Condition 2") for t in editor.problem_texts()))
    assert [t for t in editor.problem_texts() if t.startswith("Condition 2")] == [
        "Condition 2 › tests : un groupe « l'une de » compte au moins 2 tests",  # in the widgets' order
        "Condition 2 › test 1 › valeur : champ obligatoire manquant",
        "Condition 2 › raison si non remplie : champ obligatoire manquant"]


def test_a_malformed_file_in_the_folder_does_not_stop_the_editor(qtbot, folder):
    (folder / "aids" / "cassee.yaml").write_text("id: cassee\nlabel: [pas fermé\n", encoding="utf-8")
    editor = editor_on(qtbot, folder)
    problems = [editor.folder_problems.item(i).text() for i in range(editor.folder_problems.count())]
    assert problems == ["cassee.yaml : YAML mal formé (ligne 3, colonne 1)"]
    assert editor.folder_problems.isVisibleTo(editor)
    # The form still works; saving says the folder has another error, and keeps the aid.
    fill_all_but_description(qtbot, editor)
    type_into(qtbot, editor.fields["description"].widget, DESCRIPTION)
    wait_validated(qtbot, editor, editor.save_button.isEnabled)
    click(qtbot, editor.save_button)
    assert (folder / "aids" / f"{AID_ID}.yaml").exists()
    assert editor.status.text().startswith(f"Enregistrée dans aids/{AID_ID}.yaml, mais d'autres fichiers")


def test_a_save_the_folder_refuses_puts_the_folder_back_and_keeps_the_input(qtbot, folder, monkeypatch):
    """`rules check` has the last word: what it refuses in this file is not left in the folder."""
    import aidant_desk.app.catalogue_editor as module
    from aidant_desk.desk import InvalidData
    from aidant_desk.validation import Problem

    def refuse(rules):
        raise InvalidData([Problem(f"{AID_ID}.yaml › computation", "refusé pour le test")], str(rules))

    editor = editor_on(qtbot, folder)
    fill_all_but_description(qtbot, editor)
    type_into(qtbot, editor.fields["description"].widget, DESCRIPTION)
    wait_validated(qtbot, editor, editor.save_button.isEnabled)
    monkeypatch.setattr(module, "check_rules", refuse)
    click(qtbot, editor.save_button)
    assert not (folder / "aids" / f"{AID_ID}.yaml").exists()
    assert editor.status.text().startswith("Non enregistrée")
    assert f"Vérification du dossier — {AID_ID}.yaml › computation : refusé pour le test" in editor.problem_texts()
    assert editor.fields["label"].widget.text() == LABEL and editor.is_dirty()


def test_the_main_window_opens_the_editor_on_a_working_copy(qtbot, tmp_path, monkeypatch, engine_client, catalogue):
    from PySide6.QtWidgets import QMenu

    from aidant_desk.app.main_window import MainWindow

    monkeypatch.setenv("AIDANT_DESK_HOME", str(tmp_path / "poste"))
    monkeypatch.setenv("AIDANT_DESK_RULES", str(RULES))
    window = MainWindow(catalogue, engine_client, MONTH, Desk(tmp_path / "poste" / "desk.db", catalogue=catalogue))
    qtbot.addWidget(window)
    actions = [a.text() for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()]
    assert actions[actions.index("Mettre à jour les règles…") + 1] == "Catalogue des aides locales…"
    action = next(a for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()
                  if a.text() == "Catalogue des aides locales…")
    action.trigger()
    editor = window.findChild(CatalogueEditor)
    assert editor is not None and editor.isVisible()
    copy = tmp_path / "poste" / "catalogue-local"
    assert editor.folder == copy and (copy / "aids" / "rsa.yaml").exists()
    assert editor.status.text() == f"Copie de travail du catalogue créée : {copy}"
    editor.close()
