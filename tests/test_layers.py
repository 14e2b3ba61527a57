"""Only aidant_desk.app may import Qt: the core must run where PySide6 is absent."""
import subprocess
import sys

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
         if not m.name.startswith("aidant_desk.app")]
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
