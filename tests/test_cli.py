"""The ``modelparity`` console script: each subcommand is its stage's command."""

from __future__ import annotations

import subprocess
import sys

import pytest

from python import cli


@pytest.mark.parametrize("name", list(cli.COMMANDS))
def test_each_subcommand_is_its_modules_command(name, capsys):
    with pytest.raises(SystemExit) as ended:
        cli.main([name, "--help"])
    assert ended.value.code == 0
    assert f"python -m python.{name}" in capsys.readouterr().out


def test_no_or_an_unknown_command_says_what_there_is():
    unknown = subprocess.run([sys.executable, "-m", "python.cli", "nope"], capture_output=True,
                             text=True)
    assert unknown.returncode == 2 and "unknown command 'nope'" in unknown.stderr
    assert all(name in unknown.stderr for name in cli.COMMANDS)
    assert subprocess.run([sys.executable, "-m", "python.cli"], capture_output=True).returncode == 2
