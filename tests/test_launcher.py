"""The `aidant-desk` command's entry point: for the window, the engine's process is
started before the CLI is imported, and a check run keeps both processes off the
counselor's own folder."""
import os
import subprocess
import sys

import pytest

from aidant_desk.launcher import opens_window

from .conftest import EXAMPLES

# What `aidant-desk` runs (its console script: no module spec for __main__).
SCRIPT = "import sys; from aidant_desk.launcher import main; sys.exit(main())"


@pytest.mark.parametrize("args, window", [
    ([], True),
    (["--open", "dossier.json"], True),
    (["--smoke", "d.json", "--screenshot", "x.png"], True),
    (["--smoke=d.json", "--screenshot=x.png"], True),
    (["simulate", "d.json"], False),
    (["--help"], False),
    (["--open", "d.json", "rules", "check"], False),
])
def test_only_the_window_starts_the_engine_early(args, window):
    assert opens_window(args) is window


def test_the_window_starts_its_engine_before_the_cli_and_shows_results(tmp_path):
    probe = tmp_path / "probe.py"
    # Records which modules were imported when the engine process was asked for.
    probe.write_text(
        "import sys\n"
        "from aidant_desk import engine_process\n"
        "spawn = engine_process.spawn\n"
        "def recorded(*a, **k):\n"
        "    print('cli imported at engine start:', 'aidant_desk.cli' in sys.modules, flush=True)\n"
        "    return spawn(*a, **k)\n"
        "engine_process.spawn = recorded\n"
        f"{SCRIPT}\n", encoding="utf-8")
    home = tmp_path / "home"
    env = {**os.environ, "AIDANT_DESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    shot = tmp_path / "shot.png"
    done = subprocess.run([sys.executable, str(probe), "--smoke", str(EXAMPLES / "couple_trois_enfants.json"),
                           "--screenshot", str(shot)], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "cli imported at engine start: False" in done.stdout
    assert done.stdout.count("cli imported at engine start") == 1  # the early process is the one used
    assert "aide(s) éligible(s)" in done.stdout and "moteur prêt" in done.stdout
    assert shot.exists()
    assert not home.exists()  # a check run: the counselor's folder untouched, by either process
