"""The local config layer as the manager writes it: IT's values locked, each field validated
before anything is written, the file replaced atomically and loadable by the register."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terminal.config.loader import load_settings
from terminal.config.model import Language, PrinterKind
from terminal.config.writer import ConfigWriteError, ConfigWriter, Lock, dumps


def writer(home: Path, system: str = "", local: str = "", **env: str) -> ConfigWriter:
    (home / "etc").mkdir(parents=True, exist_ok=True)
    if system:
        (home / "etc" / "terminal.toml").write_text(system, encoding="utf-8")
    if local:
        (home / "terminal.toml").write_text(local, encoding="utf-8")
    environ = {"PAYTERM_HOME": str(home), **env}
    return ConfigWriter(load_settings(environ), environ)


def test_a_change_is_written_to_the_local_file_and_loads(tmp_path: Path) -> None:
    w = writer(tmp_path, local='[register]\nname = "till-7"\n')
    loaded = w.write({"register.language": "en", "manager.session_timeout": 600.0, "scanner.wedge.prefix": 'a"b\\'})
    assert loaded.settings.register.language is Language.EN
    assert loaded.settings.register.name == "till-7"  # kept
    assert loaded.settings.manager.session_timeout == 600.0
    assert loaded.settings.scanner.wedge.prefix == 'a"b\\'
    assert loaded.sources["register.language"] == str(tmp_path / "terminal.toml")
    assert not list(tmp_path.glob(".terminal.toml.*")), "no temporary file is left behind"


def test_values_set_by_it_are_locked_and_never_written(tmp_path: Path) -> None:
    w = writer(tmp_path, system='[register]\nkiosk = true\n', PAYTERM_REGISTER__NAME="from-env")
    assert w.lock("register.kiosk") is Lock.SYSTEM
    assert w.lock("register.name") is Lock.ENVIRONMENT
    assert w.lock("register.language") is None
    drop_in = tmp_path / "etc" / "terminal.d" / "50-store.toml"
    drop_in.parent.mkdir()
    drop_in.write_text('[register]\nlanguage = "ja"\n', encoding="utf-8")
    assert writer(tmp_path).lock("register.language") is Lock.SYSTEM  # IT's drop-ins lock too
    drop_in.unlink()
    with pytest.raises(ConfigWriteError) as err:
        w.write({"register.kiosk": False, "register.language": "en"})
    assert [e.key for e in err.value.errors] == ["register.kiosk"]
    assert not (tmp_path / "terminal.toml").exists()


def test_each_invalid_field_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    w = writer(tmp_path, local='[register]\nname = "till-7"\n')
    before = (tmp_path / "terminal.toml").read_bytes()
    errors = w.check({"register.currency": "yen", "scanner.fps": 0, "register.language": "fr"})
    assert {e.key for e in errors} == {"register.currency", "scanner.fps", "register.language"}
    assert "ISO 4217" in next(e.message for e in errors if e.key == "register.currency")
    with pytest.raises(ConfigWriteError):
        w.write({"register.currency": "yen"})
    assert (tmp_path / "terminal.toml").read_bytes() == before


def test_a_rule_across_fields_is_checked_too(tmp_path: Path) -> None:
    w = writer(tmp_path)
    errors = w.check({"printer.kind": "network"})
    assert errors and errors[0].key == "printer" and "printer.host" in errors[0].message
    loaded = w.write({"printer.kind": "network", "printer.host": "192.0.2.7"})
    assert loaded.settings.printer.kind is PrinterKind.NETWORK


def test_none_puts_a_setting_back_to_its_default(tmp_path: Path) -> None:
    w = writer(tmp_path, local='[register]\nlanguage = "en"\n')
    loaded = w.write({"register.language": None})
    assert loaded.settings.register.language is Language.JA
    assert tomllib.loads((tmp_path / "terminal.toml").read_text()) == {"register": {}}


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z][a-z_ ]{0,8}", fullmatch=True),
                       st.one_of(st.text(), st.integers(-2**62, 2**62), st.booleans(),
                                 st.floats(allow_nan=False, allow_infinity=False),
                                 st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), st.text(),
                                                 max_size=3)),
                       max_size=5))
def test_the_toml_writer_round_trips(values: dict[str, object]) -> None:
    assert tomllib.loads(dumps(values)) == values


def test_repeating_a_locked_value_is_no_change(tmp_path: Path) -> None:
    w = writer(tmp_path, system='[keys]\nstore = "file"\n')
    assert w.check({"keys.store": "file", "register.name": "till-2"}) == []
    w.write({"keys.store": "file", "register.name": "till-2"})
    assert tomllib.loads((tmp_path / "terminal.toml").read_text()) == {"register": {"name": "till-2"}}
    assert [e.key for e in w.check({"keys.store": "pkcs11"})] == ["keys.store"]
