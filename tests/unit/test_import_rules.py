"""The layering rules of DESIGN.md, checked on the source (imports anywhere in a module,
including inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TERMINAL = ROOT / "terminal"

# The one module allowed to start the sandbox: `payterm demo` / `payterm sandbox`.
DEMO_LAUNCHER = TERMINAL / "demo_cli.py"

# Modules that do I/O (files, network, processes, clocks, GUI, hardware) and so never belong in
# the pure domain layer.
IO_MODULES = {
    "sqlite3", "httpx", "socket", "subprocess", "requests", "PySide6", "cv2", "urllib",
    "http", "asyncio", "threading", "multiprocessing", "os", "shutil", "pathlib", "io",
    "time", "select", "selectors", "ssl", "serial", "pkcs11", "tempfile",
    "logging", "structlog", "uvicorn", "fastapi", "zxingcpp", "pyzbar", "random", "secrets",
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def py_files(base: Path) -> list[Path]:
    return sorted(p for p in base.rglob("*.py") if ".venv" not in p.parts)


def test_pyside6_only_in_ui() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in py_files(ROOT / "terminal") + py_files(ROOT / "sandbox")
        if "PySide6" in imported_roots(p) and (TERMINAL / "ui") not in p.parents
    ]
    assert offenders == [], f"PySide6 imported outside terminal/ui/: {offenders}"


def test_domain_does_no_io() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(imported_roots(p) & IO_MODULES)
        for p in py_files(TERMINAL / "domain")
        if imported_roots(p) & IO_MODULES
    }
    assert offenders == {}, f"terminal/domain/ imports I/O modules: {offenders}"


def test_domain_imports_only_domain_within_terminal() -> None:
    for p in py_files(TERMINAL / "domain"):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("terminal."):
                assert node.module.startswith("terminal.domain"), f"{p}: imports {node.module}"


def test_terminal_never_imports_sandbox_except_demo_launcher() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in py_files(TERMINAL)
        if "sandbox" in imported_roots(p) and p != DEMO_LAUNCHER
    ]
    assert offenders == [], f"terminal imports sandbox outside {DEMO_LAUNCHER.name}: {offenders}"


def test_sandbox_uses_only_shared_terminal_layers() -> None:
    """sandbox -> wallet.messages, crypto, domain; never the register's journal, UI or scanner."""
    allowed = ("terminal.wallet.messages", "terminal.crypto", "terminal.domain", "terminal")
    for p in py_files(ROOT / "sandbox"):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name == "terminal" or name.startswith("terminal."):
                    assert any(name == a or name.startswith(a + ".") for a in allowed[:-1]) or (
                        name == "terminal"
                    ), f"{p.relative_to(ROOT)} imports {name}"


@pytest.mark.parametrize("package", ["domain", "crypto", "wallet", "journal", "scan", "config", "ui"])
def test_layout_exists(package: str) -> None:
    assert (TERMINAL / package / "__init__.py").is_file()
