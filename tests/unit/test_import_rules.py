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


# --- the layer order of DESIGN.md and no cycles ---------------------------------------------------

# Arrows point down only: surfaces -> register -> wallet, journal, scan, receipts -> crypto,
# config -> domain. Imports within one layer are allowed (but never in a cycle).
LAYERS: dict[str, int] = {
    "domain": 0,
    "crypto": 1, "config": 1, "logs": 1, "sdnotify": 1,
    "wallet": 2, "journal": 2, "scan": 2, "receipts": 2,
    "register": 3,
    "ui": 4, "commands": 4, "cli": 4, "pos": 4, "demo_cli": 4, "__init__": 4,
}


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, except those only for the type checker (``if TYPE_CHECKING:``)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    """terminal module -> the terminal modules its import statements name: ``from pkg import sub``
    names ``pkg`` (whose ``__init__`` runs) and the submodule ``sub`` when it is one."""
    modules = {module_name(p): p for p in py_files(TERMINAL)}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
                targets.append(base)
                targets.extend(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules)
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target.startswith("terminal") and target != name:
                    graph[name].add(target)
    return graph


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS[parts[1] if len(parts) > 1 else "__init__"]


def test_every_top_level_part_has_a_layer() -> None:
    parts = {module_name(p).split(".")[1] for p in py_files(TERMINAL) if module_name(p) != "terminal"}
    assert parts - set(LAYERS) == set(), "place each new part of terminal/ in LAYERS (DESIGN.md's order)"


def test_no_import_points_up_the_layers() -> None:
    graph = import_graph()
    upward = sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets if layer(b) > layer(a))
    assert upward == [], f"imports pointing up DESIGN.md's layer order: {upward}"


def test_no_import_cycles_inside_terminal() -> None:
    graph = import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def strongconnect(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    assert cycles == [], f"import cycles: {cycles}"


def test_the_rules_see_a_cycle_and_an_upward_import(tmp_path: Path) -> None:
    """The checks above can fail: a made-up pair of modules importing each other is found."""
    tree = ast.parse("from terminal.register.register import Register\n")
    [node] = _runtime_imports(tree)
    assert isinstance(node, ast.ImportFrom) and node.module == "terminal.register.register"
    assert layer("terminal.register.register") > layer("terminal.journal.store")
    hidden = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import terminal.ui\n")
    assert [type(n).__name__ for n in _runtime_imports(hidden)] == ["ImportFrom"]
