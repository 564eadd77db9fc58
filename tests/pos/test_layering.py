"""terminal/pos is a surface: it may use register, journal, config, domain and crypto, never the
window, the other surfaces or the sandbox; and nothing below it imports it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POS = ROOT / "terminal" / "pos"
FORBIDDEN = ("terminal.ui", "terminal.commands", "sandbox", "PySide6")


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_pos_imports_only_layers_below_it() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(n for n in imports(p) if n.startswith(FORBIDDEN))
        for p in POS.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_nothing_below_imports_pos() -> None:
    # The command line, the gui command (which serves the API inside the window), the demo
    # launcher (`payterm demo --pos`) and `payterm charge` (which submits to the same core) are the top.
    allowed = {ROOT / "terminal" / "cli.py", ROOT / "terminal" / "commands" / "gui.py",
               ROOT / "terminal" / "demo_cli.py",
               ROOT / "terminal" / "commands" / "charge.py"}  # a thin client of the POS API's core
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "terminal").rglob("*.py")
        if POS not in p.parents and p not in allowed and any(n.startswith("terminal.pos") for n in imports(p))
    ]
    assert offenders == []
