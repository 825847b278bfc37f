"""The README stays true: every setting and every command it should document is there."""

from __future__ import annotations

from stream.cli import COMMANDS
from stream.settings import Settings

from .conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    missing = [name for name in Settings.env_names().values() if f"`{name}`" not in README]
    assert not missing


def test_every_command_is_documented() -> None:
    missing = [name for name in COMMANDS if f"`{name.replace('_', '-')}" not in README]
    assert not missing


def test_two_commands_are_the_ones_ci_runs() -> None:
    assert "python -m stream demo" in README and ".ci/run" in README
    assert "pytest" in (ROOT / ".ci" / "run").read_text()
