"""Pydantic plugins installed beside certtriage are not handed the input by the command line,
unless the user sets pydantic's own switch."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from certtriage.cli._plugins import SWITCH

from ..conftest import FIXTURES

PASTE = FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt"

#: A plugin that notes each schema it is shown in the file named by FAKE_PLUGIN_NOTES.
PLUGIN = '''
import os


class _Plugin:
    def new_schema_validator(self, schema, schema_type, *args, **kwargs):
        with open(os.environ["FAKE_PLUGIN_NOTES"], "a", encoding="utf-8") as notes:
            notes.write(f"{getattr(schema_type, '__name__', schema_type)}\\n")
        return None, None, None


plugin = _Plugin()
'''


@pytest.fixture
def installed(tmp_path: Path) -> dict[str, str]:
    """An environment in which a pydantic plugin is installed (a distribution with an entry
    point of the `pydantic` group on the path)."""
    site = tmp_path / "site"
    info = site / "fake_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nfake = fake_plugin:plugin\n")
    (site / "fake_plugin.py").write_text(PLUGIN)
    env = {k: v for k, v in os.environ.items() if k != SWITCH}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    env["FAKE_PLUGIN_NOTES"] = str(tmp_path / "notes.txt")
    env["CERTTRIAGE_CACHE_DIR"] = str(tmp_path / "cache")
    return env


def _analyze(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "certtriage", *args], input=PASTE.read_bytes(),
                          capture_output=True, check=False, env=env)


@pytest.mark.parametrize("args", [["analyze"], ["analyze", "-f", "json"],
                                  ["analyze", "--color", "never", "-"]])
def test_an_installed_plugin_is_not_called(installed: dict[str, str], args: list[str]) -> None:
    ran = _analyze(installed, *args)
    assert b"cdp-unreachable" in ran.stdout, ran.stderr
    assert not Path(installed["FAKE_PLUGIN_NOTES"]).exists()


def test_the_switch_set_by_the_user_is_obeyed(installed: dict[str, str]) -> None:
    """Set, even empty, the switch is pydantic's to read: the plugin is loaded and called."""
    ran = _analyze({**installed, SWITCH: ""}, "analyze")
    assert b"cdp-unreachable" in ran.stdout, ran.stderr
    assert Path(installed["FAKE_PLUGIN_NOTES"]).read_text().split()


def test_the_loader_answers_any_other_name_as_the_real_one() -> None:
    """Left in place of pydantic's loader, the stand-in hands what it does not answer itself
    to the real module, which then takes its place."""
    code = ("import sys\nfrom certtriage.cli import _plugins\n_plugins.disable()\n"
            "stand_in = sys.modules[_plugins.LOADER]\n"
            "print(list(stand_in.get_plugins()))\n"
            "group = stand_in.PYDANTIC_ENTRY_POINT_GROUP\n"
            "print(group, sys.modules[_plugins.LOADER] is not stand_in)\n")
    env = {k: v for k, v in os.environ.items() if k != SWITCH}
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert ran.stdout.split() == ["[]", "pydantic", "True"]


@pytest.mark.parametrize("start", [
    method for method in ("spawn", "fork") if method in multiprocessing.get_all_start_methods()])
def test_batch_workers_do_not_call_it_either(installed: dict[str, str], tmp_path: Path,
                                             start: str) -> None:
    """Worker processes inherit the switch: started afresh (`spawn`, the default on Windows
    and macOS) as well as forked."""
    folder = tmp_path / "case"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_bytes(PASTE.read_bytes())
    ran = subprocess.run([sys.executable, "-m", "certtriage", "batch", "-q", "-j", "2",
                          "-f", "jsonl", str(folder)], capture_output=True, check=False,
                         env={**installed, "CERTTRIAGE_START_METHOD": start})
    assert ran.stdout.count(b'"type":"input"') == 3, ran.stderr
    assert not Path(installed["FAKE_PLUGIN_NOTES"]).exists()
