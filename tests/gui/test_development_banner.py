"""The top bar says when the register's device key is not protected (keys.development_mode:
the KEK file beside the key, docs/keys.md), in the window's language."""

from __future__ import annotations

from terminal.ui.topbar import TopBar


def test_the_development_banner_is_hidden_until_asked_for(qtbot) -> None:  # type: ignore[no-untyped-def]
    bar = TopBar()
    qtbot.addWidget(bar)
    bar.show()
    assert not bar.development.isVisible()
    bar.show_development_mode(True)
    assert bar.development.isVisible() and bar.development.text() == "DEVELOPMENT MODE · device key not protected"
    bar.show_development_mode(False)
    assert not bar.development.isVisible()
