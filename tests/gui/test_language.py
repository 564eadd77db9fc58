"""Japanese and English through Qt's translations; amounts formatted for the language; the
compiled .qm files match their .ts sources, and the sources cover every string in the code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


from terminal.config.model import Language
from terminal.domain.flow import SaleState, StepUpMethod
from terminal.ui.main_window import CashierWindow
from tests.gui.fakes import FakeRegister, sale_in
from tests.gui.test_panels import shown

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "assets" / "translations"
BIN = Path(sys.executable).parent


def test_switching_to_japanese_and_back(qtbot, window: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.DECLINED))
    window.switch_language(Language.JA)
    panel = window.flow.panels[SaleState.DECLINED]
    qtbot.waitUntil(lambda: panel.title.text() != "Declined")
    assert panel.title.text() == "支払いできませんでした"
    assert panel.body.text() == "お客様の残高がこの金額に足りません。"
    assert panel.amount.text() == "1,200円"
    assert window.flow.panels[SaleState.IDLE].charge_button.text() == "お会計 (Enter)"
    assert window.topbar.training.text() == "トレーニング · テスト用のお金のみ"
    window.switch_language(Language.EN)
    qtbot.waitUntil(lambda: panel.title.text() == "Declined")
    assert panel.title.text() == "Declined"
    assert panel.amount.text() == "¥1,200"


def test_every_panel_has_japanese_text(qtbot, window: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    window.switch_language(Language.JA)
    qtbot.wait(10)
    for method in StepUpMethod:
        shown(qtbot, window, register, sale_in(SaleState.STEP_UP, method=method))
        title = window.flow.current.title.text()
        assert any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in title), title


def test_compiled_translations_match_their_sources(tmp_path: Path) -> None:
    for ts in TRANSLATIONS.glob("*.ts"):
        fresh = tmp_path / ts.with_suffix(".qm").name
        subprocess.run([BIN / "pyside6-lrelease", "-silent", ts, "-qm", fresh], check=True)
        assert fresh.read_bytes() == ts.with_suffix(".qm").read_bytes(), f"{ts.name}: run pyside6-lrelease"


def test_translation_sources_cover_every_string(tmp_path: Path) -> None:
    sources = sorted(str(p) for p in (ROOT / "terminal" / "ui").rglob("*.py"))
    for ts in TRANSLATIONS.glob("*.ts"):
        copy = tmp_path / ts.name
        shutil.copy(ts, copy)
        subprocess.run([BIN / "pyside6-lupdate", "-silent", "-locations", "none", "-no-obsolete", *sources,
                        "-ts", copy], check=True)
        text = copy.read_text(encoding="utf-8")
        assert 'type="unfinished"' not in text, f"{ts.name} lacks translations: run pyside6-lupdate and translate"
        assert text == ts.read_text(encoding="utf-8"), f"{ts.name} is not up to date with the code"
