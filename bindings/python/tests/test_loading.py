"""How the package finds libciclo: $CICLO_LIB, next to the package, the system loader."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ciclo"
LIB = os.environ.get("CICLO_LIB", "")
pytestmark = pytest.mark.skipif(not LIB, reason="CICLO_LIB names the library under test")

PROBE = "import ciclo, sys; sys.stdout.write(ciclo.version())"


def _run(env: dict, cwd: Path, path: Path) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    env = {**env, "PYTHONPATH": str(path)}
    return subprocess.run([sys.executable, "-c", PROBE], cwd=cwd, env=env, capture_output=True, text=True)


def _env_without_lib() -> dict:  # type: ignore[type-arg]
    return {k: v for k, v in os.environ.items() if k not in ("CICLO_LIB", "LD_LIBRARY_PATH")}


def test_next_to_the_package(tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "ciclo")
    shutil.copy(LIB, tmp_path / "ciclo" / "libciclo.so")
    result = _run(_env_without_lib(), tmp_path, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(".") == 2


def test_system_loader(tmp_path: Path) -> None:
    env = {**_env_without_lib(), "LD_LIBRARY_PATH": str(Path(LIB).parent)}
    result = _run(env, tmp_path, PACKAGE.parent)
    assert result.returncode == 0, result.stderr


def test_not_found_says_what_to_do(tmp_path: Path) -> None:
    result = _run(_env_without_lib(), tmp_path, PACKAGE.parent)
    if result.returncode == 0:
        pytest.skip("a libciclo is installed system-wide")
    assert "set CICLO_LIB" in result.stderr
