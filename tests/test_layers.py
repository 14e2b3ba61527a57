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
import aidant_desk.dossier, aidant_desk.catalogue, aidant_desk.engine, aidant_desk.report
import aidant_desk.cli, aidant_desk.bench, aidant_desk.formatting
from aidant_desk.cli import main
assert main(['rules', 'check']) == 0
print('ok', 'PySide6' in sys.modules)
"""


def test_core_imports_and_runs_without_pyside6():
    done = subprocess.run([sys.executable, "-c", BLOCK_QT], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok False")
