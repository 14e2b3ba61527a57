"""openfisca-france's tax-benefit system, built in about a second instead of six.

Building it the usual way reads some 4 000 YAML parameter files (about 3.5 s) and
parses the source of each of its 133 model files to keep introspection data, the
source text of every variable for openfisca's Web API, which nothing here reads
(about 2 s). So:
- the parameters, once built and preprocessed, are kept pickled on disk, keyed by the
  openfisca-france, openfisca-core and Python versions: an upgrade builds them again;
- the model files are executed as openfisca-core does, without that parse.
The system is a genuine FranceTaxBenefitSystem: its own __init__ runs, with these two
steps swapped in for the time it runs. A test compares it with one built the usual way.

The cache is looked for in the bundle first (written when the bundle is built, where
the user cannot write), then in the user's cache folder. It holds no personal data.
Unpickling runs whatever the file says: the user's folder is trusted as their own
programs are, and a file that does not match its checksum is ignored and rebuilt.

`python -m aidant_desk.engine.system_cache DIR` writes the cache into DIR.
"""
from __future__ import annotations

import hashlib
import importlib.util
import inspect
import logging
import os
import pickle
import sys
import tempfile
import types
from importlib.metadata import version
from pathlib import Path

log = logging.getLogger(__name__)

BUNDLED_FOLDER = "openfisca-cache"  # beside the frozen app's files
_CHECKSUM = hashlib.sha256().digest_size


def cache_home() -> Path:
    """$AIDANT_DESK_CACHE, else the user's cache folder: files the desk can rebuild, no personal data."""
    base = os.environ.get("AIDANT_DESK_CACHE")
    return Path(base) if base else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "aidant-desk"


def cache_name() -> str:
    """The file name carries what the parameters depend on: another version, another file."""
    return (f"parametres-openfisca-france-{version('OpenFisca-France')}-core-{version('OpenFisca-Core')}"
            f"-py{sys.version_info.major}.{sys.version_info.minor}.pickle")


def cache_folders() -> list[Path]:
    """Where a cache is read from, in order: the bundle's, then the user's."""
    folders = []
    if getattr(sys, "frozen", False):
        folders.append(Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / BUNDLED_FOLDER)
    folders.append(cache_home())
    return folders


def build(use_cache: bool = True):
    """A FranceTaxBenefitSystem. Without `use_cache`, built the usual way (the benchmark's before)."""
    from openfisca_france import FranceTaxBenefitSystem

    if not use_cache:
        return FranceTaxBenefitSystem()
    tbs = FranceTaxBenefitSystem.__new__(FranceTaxBenefitSystem)
    # Instance attributes shadow the class's methods while __init__ calls them.
    tbs.load_parameters = types.MethodType(_load_parameters, tbs)
    tbs.add_variables_from_file = types.MethodType(_add_variables_from_file, tbs)
    try:
        FranceTaxBenefitSystem.__init__(tbs)
    finally:
        del tbs.load_parameters, tbs.add_variables_from_file
    return tbs


def _load_parameters(tbs, path_to_yaml_dir) -> None:
    parameters = read_cache()
    if parameters is None:
        type(tbs).load_parameters(tbs, path_to_yaml_dir)  # reads the YAML and preprocesses it
        write_cache(tbs.parameters, cache_home())
    else:
        tbs.parameters = parameters


def _add_variables_from_file(tbs, file_path) -> None:
    """openfisca-core's add_variables_from_file, less the parse of the file's source."""
    from openfisca_core.variables import Variable

    file_name = os.path.splitext(os.path.basename(file_path))[0]
    # The same module name as openfisca-core gives: unique per file and per system.
    module_name = f"{id(tbs)}_{hash(os.path.abspath(file_path))}_{file_name}"
    spec = importlib.util.spec_from_file_location(module_name, file_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    for name in dir(module):
        item = getattr(module, name)
        if (not name.startswith("__") and inspect.isclass(item) and issubclass(item, Variable)
                and item.__module__ == module_name):
            tbs.add_variable(item)


def read_cache():
    """The cached parameters, or None when no folder holds a sound file for these versions."""
    for folder in cache_folders():
        path = folder / cache_name()
        try:
            content = path.read_bytes()
        except OSError:
            continue
        checksum, payload = content[:_CHECKSUM], content[_CHECKSUM:]
        if hashlib.sha256(payload).digest() != checksum:
            log.warning("Cache des paramètres openfisca illisible (%s) : il est reconstruit.", path)
            continue
        try:
            return pickle.loads(payload)
        except Exception as error:  # written by a version whose classes have since changed
            log.warning("Cache des paramètres openfisca inutilisable (%s, %s) : il est reconstruit.",
                        path, error.__class__.__name__)
    return None


def write_cache(parameters, folder: Path) -> Path | None:
    """Written whole or not at all (temporary file, then renamed); a folder that cannot
    be written costs the next start its seconds, nothing else."""
    payload = pickle.dumps(parameters, protocol=pickle.HIGHEST_PROTOCOL)
    path = folder / cache_name()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".parametres-", delete=False) as handle:
            handle.write(hashlib.sha256(payload).digest() + payload)
        os.replace(handle.name, path)
    except OSError as error:
        log.warning("Cache des paramètres openfisca non écrit dans %s (%s).", folder, error.__class__.__name__)
        return None
    return path


def main(argv: list[str] | None = None) -> int:
    """Writes the cache into a folder, for a bundle: `python -m aidant_desk.engine.system_cache DIR`."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage : python -m aidant_desk.engine.system_cache DOSSIER", file=sys.stderr)
        return 2
    from openfisca_france import FranceTaxBenefitSystem

    path = write_cache(FranceTaxBenefitSystem().parameters, Path(args[0]))
    if path is None:
        print(f"Impossible d'écrire le cache dans {args[0]}.", file=sys.stderr)
        return 1
    print(f"Cache des paramètres openfisca écrit : {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
