"""The core is typed strictly (every function annotated, no type errors): mypy over the layers
below the window, and the sandbox. Settings in pyproject.toml [tool.mypy]."""

from __future__ import annotations

from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api", reason="mypy is part of the test extra")

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ["terminal/domain", "terminal/crypto", "terminal/wallet", "terminal/register", "terminal/journal",
           "terminal/config", "terminal/scan", "terminal/pos", "sandbox"]


@pytest.mark.slow
def test_core_type_checks(tmp_path: Path) -> None:
    out, err, status = mypy_api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "mypy"),
         *(str(ROOT / p) for p in CHECKED)]
    )
    assert status == 0, out + err
