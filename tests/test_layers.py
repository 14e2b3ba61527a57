"""The layer table of DESIGN.md, enforced: which package may import which, read from
every import statement of src/aidant_desk (relative ones resolved, lazy ones inside
functions included). And only aidant_desk.app may import Qt: the core must run where
PySide6 is absent."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "aidant_desk"

# Layer of each module: by package, and for the few modules at the top of aidant_desk.
PACKAGES = {
    "dossier": "domain", "catalogue": "catalogue", "engine": "engine", "handout": "handout", "store": "store",
    "agenda": "agenda", "sync": "sync", "central": "central", "desk": "desk", "app": "app", "cli": "cli",
}
MODULES = {
    "": "common", "formatting": "common", "validation": "common", "package_data": "common", "files": "common",
    "labels": "domain", "communes": "domain", "site": "domain",
    "report": "engine",
    "paths": "store", "autosave": "store", "logs": "store",
    "bench": "desk", "engine_process": "desk",
    "launcher": "cli",
}
EVERYTHING_BUT = {"central", "app", "cli"}
# layer -> the layers it may import (its own, and "common" for all but central, always allowed).
MAY_IMPORT = {
    "common": set(),
    "domain": set(),
    "catalogue": {"domain"},
    "engine": {"domain", "catalogue"},
    "handout": {"domain", "catalogue", "engine results"},
    "store": {"domain"},
    "agenda": {"domain", "store"},
    "sync": {"store"},
    "central": set(),
    "desk": set(PACKAGES.values()) | set(MODULES.values()) - EVERYTHING_BUT,
    "app": {"desk"},
    "cli": {"desk", "app"},
}
# Of the engine, the handout reads results only (and their French amounts), never computes.
ENGINE_RESULTS = {"aidant_desk.engine.results", "aidant_desk.report"}


def layer_of(module: str) -> str:
    parts = module.split(".")[1:]
    if parts and parts[0] in PACKAGES:
        return PACKAGES[parts[0]]
    return MODULES[".".join(parts)]


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every aidant_desk module the file imports (`from .x import y` may name a module y)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "aidant_desk"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "aidant_desk":
                continue
            found.add(target)
            found |= {f"{target}.{a.name}" for a in node.names
                      if (SOURCE.parent / Path(*f"{target}.{a.name}".split("."))).with_suffix(".py").exists()
                      or (SOURCE.parent / Path(*f"{target}.{a.name}".split(".")) / "__init__.py").exists()}
    return found


def allowed(importer: str, imported: str) -> bool:
    mine, theirs = layer_of(importer), layer_of(imported)
    if mine == theirs:
        return True
    if theirs == "common":
        return mine != "central"
    if mine == "handout" and theirs == "engine":
        return imported in ENGINE_RESULTS
    return theirs in MAY_IMPORT[mine]


SOURCES = sorted(SOURCE.rglob("*.py"))


def test_every_module_has_a_layer():
    unplaced = [module_name(p) for p in SOURCES if _unplaced(module_name(p))]
    assert not unplaced, f"modules with no layer in the table: {unplaced}"


def _unplaced(module: str) -> bool:
    try:
        layer_of(module)
    except KeyError:
        return True
    return False


def test_no_layer_imports_one_it_may_not():
    wrong = sorted(f"{module_name(p)} -> {imported} ({layer_of(module_name(p))} -> {layer_of(imported)})"
                   for p in SOURCES for imported in imported_modules(p) if not allowed(module_name(p), imported))
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("importer, imported", [
    ("aidant_desk.handout.pdf", "aidant_desk.agenda.model"),  # the handout knows no agenda
    ("aidant_desk.handout.pdf", "aidant_desk.engine.core"),  # nor computes
    ("aidant_desk.agenda.book", "aidant_desk.sync.counters"),  # the agenda does not count
    ("aidant_desk.sync.payload", "aidant_desk.dossier.model"),  # sync knows no dossier
    ("aidant_desk.app.main_window", "aidant_desk.store"),  # the app reaches the store through the desk
    ("aidant_desk.cli.handout", "aidant_desk.engine"),  # so does the command line
    ("aidant_desk.engine.core", "aidant_desk.desk"),  # no layer imports one above it
    ("aidant_desk.central.app", "aidant_desk.sync"),
])
def test_the_table_refuses_what_design_forbids(importer, imported):
    assert not allowed(importer, imported)


def test_relative_imports_are_resolved(tmp_path):
    """The reader itself: a lazy `from ..store import x` inside a function counts."""
    found = imported_modules(SOURCE / "desk" / "desk.py")
    assert {"aidant_desk.store", "aidant_desk.engine", "aidant_desk.autosave"} <= found


BLOCK_QT = """
import sys
class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6'):
            raise ImportError('PySide6 bloqué pour ce test')
sys.meta_path.insert(0, BlockQt())
import importlib, pkgutil
import aidant_desk
names = [m.name for m in pkgutil.walk_packages(aidant_desk.__path__, "aidant_desk.")
         if not m.name.startswith("aidant_desk.app") and not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
assert len(names) > 40, names
from aidant_desk.cli import main
assert main(['rules', 'check']) == 0
print('ok', 'PySide6' in sys.modules)
"""


def test_core_imports_and_runs_without_pyside6():
    done = subprocess.run([sys.executable, "-c", BLOCK_QT], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok False")
