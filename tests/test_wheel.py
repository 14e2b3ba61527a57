"""The built wheel works away from the checkout: the catalogue, the fonts and the examples ship inside it.

The wheel is built offline from a copy of the project (the checkout's build/ stays untouched), installed
with --no-deps --no-index into a fresh venv outside the checkout; the dependencies come from this test
venv through a .pth line, which adds its site-packages to sys.path without running the checkout's
editable-install hook. Then the console script runs from a temporary folder.
"""
import io
import json
import os
import re
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import EXAMPLES, MONTH, ROOT

EXAMPLE = "personne_seule_sans_revenu.json"
# Not needed to build the wheel (and the build must not read the checkout's build/ or egg-info).
TOP_NOT_COPIED = {".git", ".venv", ".pytest_cache", "tests", "docs", "build", "dist", "out"}
NOT_COPIED_ANYWHERE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def _not_copied(folder, names):
    top = TOP_NOT_COPIED.intersection(names) if Path(folder) == ROOT else set()
    return top | NOT_COPIED_ANYWHERE(folder, names)
TIMEOUT = 300


def _run(args, **kwargs):
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=TIMEOUT, **kwargs)
    assert done.returncode == 0, f"{args}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    project = tmp / "project"
    shutil.copytree(ROOT, project, ignore=_not_copied)
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
          "--no-build-isolation", "--no-index", "--wheel-dir", dist, project])
    (built,) = dist.glob("aidant_desk-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh venv outside the checkout with only the wheel installed; the dependencies are borrowed."""
    tmp = tmp_path_factory.mktemp("installed")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # The wheel goes in first, while the fresh venv sees nothing else (pip must not meet the checkout's install).
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--disable-pip-version-check",
          "--no-deps", "--no-index", wheel])
    paths = json.loads(_run([python, "-I", "-c", "import json, sysconfig; "
                             "print(json.dumps(sysconfig.get_paths()))"]).stdout)
    borrowed = [p for p in dict.fromkeys(site.getsitepackages()) if Path(p).is_dir()]
    Path(paths["purelib"], "aidant_desk_test_dependencies.pth").write_text("\n".join(borrowed) + "\n")

    work, home = tmp / "work", tmp / "home"
    work.mkdir()
    home.mkdir()
    shutil.copy(EXAMPLES / EXAMPLE, work / EXAMPLE)
    env = {k: v for k, v in os.environ.items()
           if k not in ("AIDANT_DESK_RULES", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")}
    env["AIDANT_DESK_HOME"] = str(home)
    env["PATH"] = paths["scripts"] + os.pathsep + env.get("PATH", "")
    return {"venv": venv, "python": python, "script": Path(paths["scripts"], "aidant-desk"),
            "work": work, "env": env}


def _aidant_desk(installed, *args):
    return _run([installed["script"], *args], cwd=installed["work"], env=installed["env"])


def _repo_files(folder: Path, pattern: str = "**/*") -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.glob(pattern) if p.is_file()}


def test_wheel_holds_the_catalogue_the_fonts_and_the_examples(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())

    def shipped(prefix: str) -> set[str]:
        return {n.removeprefix(prefix) for n in names if n.startswith(prefix)}

    rules = _repo_files(ROOT / "rules")
    assert {"questions.yaml", "alternatives.yaml", "README.md"} <= rules
    assert {f.split("/")[0] for f in rules if "/" in f} >= {"aids", "life_events", "schemas"}
    assert shipped("aidant_desk/rules/") == rules
    fonts = _repo_files(ROOT / "resources" / "fonts")
    assert {"LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "DejaVuSans.ttf", "LICENSE-LiberationSans",
            "LICENSE-DejaVuSans"} <= fonts
    assert shipped("aidant_desk/fonts/") == fonts
    examples = _repo_files(EXAMPLES, "*.json")
    assert EXAMPLE in examples
    assert shipped("aidant_desk/examples/") == examples
    assert {"aidant_desk/sync/payload.schema.json", "aidant_desk/dossier/dossier.schema.json"} <= names


def test_wheel_holds_every_module(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    src = ROOT / "src"
    modules = {p.relative_to(src).as_posix() for p in (src / "aidant_desk").rglob("*.py")
               if "__pycache__" not in p.parts}
    missing = sorted(modules - names)
    assert not missing, f"absent du wheel (ajoutez le paquet à [tool.setuptools] packages de pyproject.toml) : {missing}"


def test_installed_package_reads_its_own_data(installed):
    probe = """
import json, sys
import aidant_desk
from aidant_desk import bench
from aidant_desk.catalogue import loader
from aidant_desk.handout import fonts
print(json.dumps({
    "package": aidant_desk.__file__,
    "rules": str(loader.rules_dir()),
    "default_rules": str(loader.DEFAULT_RULES_DIR),
    "fonts": str(fonts.FONT_DIR),
    "examples": str(bench.EXAMPLES),
    "editable_hook": [m for m in sys.modules if m.startswith("__editable__")],
}))
"""
    found = json.loads(_run([installed["python"], "-c", probe], cwd=installed["work"], env=installed["env"]).stdout)
    venv = installed["venv"].resolve()
    assert found.pop("editable_hook") == []
    for name, path in found.items():
        assert Path(path).resolve().is_relative_to(venv), (name, path)
    assert (Path(found["rules"]) / "questions.yaml").is_file()
    assert (Path(found["fonts"]) / "DejaVuSans.ttf").is_file()
    assert (Path(found["examples"]) / EXAMPLE).is_file()


def test_installed_rules_check(installed):
    out = _aidant_desk(installed, "rules", "check").stdout
    assert out.startswith("Catalogue valide : ")


def test_installed_simulate(installed):
    out = _aidant_desk(installed, "simulate", EXAMPLE, "--month", MONTH).stdout
    assert out.startswith("Simulation pour novembre 2026")
    possible = out.split("Aides possibles", 1)[1].split("Aides à vérifier", 1)[0]
    assert re.search(r"^\s*Revenu de solidarité active\s+\d[^\n]*€\s+par\s+mois$", possible, re.M), out


def test_installed_handout(installed):
    _aidant_desk(installed, "handout", EXAMPLE, "--month", MONTH, "-o", "out.pdf")
    pdf = (installed["work"] / "out.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Revenu de solidarité active" in text
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
            embedded.add(font["/BaseFont"].split("+", 1)[1])
    # The text's two faces, and DejaVu Sans for the checkboxes when there are some.
    assert {"LiberationSans", "LiberationSans-Bold"} <= embedded <= {"LiberationSans", "LiberationSans-Bold",
                                                                      "DejaVuSans"}
