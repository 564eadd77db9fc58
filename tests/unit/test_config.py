"""Settings: defaults, layering and sources, error messages, paths, `payterm config show`."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import platformdirs
import pytest

from terminal.cli import main
from terminal.config import ConfigError, Settings, load_settings, resolve_paths
from terminal.config.model import KeyStoreKind, Language

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "terminal.example.toml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def leaves(values: dict[str, object], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in values.items():
        keys |= leaves(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
    return keys


def problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_settings(env)
    return [str(p) for p in raised.value.problems]


def test_defaults_under_payterm_home(tmp_path: Path) -> None:
    loaded = load_settings({"PAYTERM_HOME": str(tmp_path)})
    s = loaded.settings
    assert (s.wallet.timeouts.connect, s.wallet.timeouts.charge) == (3.0, 15.0)
    assert (s.wallet.poll_interval, s.wallet.poll_max, s.wallet.step_up_max) == (2.0, 60.0, 120.0)
    assert (s.register.language, s.register.currency, s.register.kiosk) == (Language.JA, "JPY", False)
    assert s.keys.store is KeyStoreKind.FILE and s.manager.session_timeout == 120.0
    assert s.journal.path == tmp_path / "data" / "journal.sqlite3"
    assert s.keys.file.parent == tmp_path / "data" / "keys"
    assert loaded.files == () and set(loaded.sources.values()) == {"default"}
    assert set(loaded.sources) == leaves(Settings().model_dump(mode="json"))


def test_layers_and_sources(tmp_path: Path) -> None:
    system = write(
        tmp_path / "etc" / "terminal.toml",
        '[wallet.timeouts]\ncharge = 20\n[register]\nlanguage = "en"\nname = "IT name"\n',
    )
    local = write(tmp_path / "terminal.toml", '[wallet.timeouts]\ncharge = 25\n[register]\nname = "Till 2"\n')
    loaded = load_settings(
        {
            "PAYTERM_HOME": str(tmp_path),
            "PAYTERM_WALLET__POLL_INTERVAL": "5",
            "PAYTERM_REGISTER__NAME": "Till 3",
            "PAYTERM_LOG_LEVEL": "debug",
        }
    )
    s = loaded.settings
    assert (s.wallet.timeouts.charge, s.register.language, s.wallet.poll_interval, s.register.name) == (
        25.0,
        Language.EN,
        5.0,
        "Till 3",
    )
    assert loaded.sources["wallet.timeouts.charge"] == str(local)
    assert loaded.sources["register.language"] == str(system)
    assert loaded.sources["wallet.poll_interval"] == "environment PAYTERM_WALLET__POLL_INTERVAL"
    assert loaded.sources["register.name"] == "environment PAYTERM_REGISTER__NAME"
    assert loaded.sources["wallet.timeouts.connect"] == "default"
    assert loaded.files == (system, local)


def test_environment_values_are_typed(tmp_path: Path) -> None:
    s = load_settings(
        {
            "PAYTERM_HOME": str(tmp_path),
            "PAYTERM_REGISTER__KIOSK": "true",
            "PAYTERM_SCANNER__CAMERA": "2",
            "PAYTERM_SCANNER__FPS": "15",
            "PAYTERM_KEYS__STORE": "pkcs11",
            "PAYTERM_KEYS__PKCS11__MODULE": "/usr/lib/softhsm.so",
            "PAYTERM_KEYS__PKCS11__TOKEN_LABEL": "payterm",
        }
    ).settings
    assert (s.register.kiosk, s.scanner.camera, s.scanner.fps) == (True, 2, 15)
    assert s.keys.store is KeyStoreKind.PKCS11 and s.keys.pkcs11.module == Path("/usr/lib/softhsm.so")
    assert (
        load_settings(
            {"PAYTERM_HOME": str(tmp_path), "PAYTERM_SCANNER__CAMERA": "/dev/video2"}
        ).settings.scanner.camera
        == "/dev/video2"
    )


def test_payterm_config_names_the_local_file_and_relative_paths_follow_it(tmp_path: Path) -> None:
    local = write(tmp_path / "elsewhere" / "till.toml", '[journal]\npath = "db/journal.sqlite3"\n')
    loaded = load_settings({"PAYTERM_HOME": str(tmp_path / "home"), "PAYTERM_CONFIG": str(local)})
    assert loaded.settings.journal.path == tmp_path / "elsewhere" / "db" / "journal.sqlite3"
    assert loaded.sources["journal.path"] == str(local)
    missing = problems({"PAYTERM_HOME": str(tmp_path), "PAYTERM_CONFIG": str(tmp_path / "nope.toml")})
    assert missing == [f"{tmp_path / 'nope.toml'}: PAYTERM_CONFIG names this file, but it does not exist"]


def test_bad_value_names_file_key_and_problem(tmp_path: Path) -> None:
    local = write(tmp_path / "terminal.toml", '[wallet.timeouts]\ncharge = "abc"\n')
    assert problems({"PAYTERM_HOME": str(tmp_path)}) == [
        f"{local}: wallet.timeouts.charge: expected a number of seconds, got 'abc'"
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    system = write(tmp_path / "etc" / "terminal.toml", '[register]\nlanguage = "fr"\ncurrency = "yen"\n')
    local = write(
        tmp_path / "terminal.toml",
        '[wallet]\npoll_intervall = 3\nurl = "ftp://x"\n[scaner]\nfps = 3\n[printer]\nkind = "network"\n',
    )
    found = problems(
        {
            "PAYTERM_HOME": str(tmp_path),
            "PAYTERM_WALLET__TIMEOUTS__CONNECT": "-1",
            "PAYTERM_REGISTER__KIOSK": "maybe",
        }
    )
    assert sorted(found) == sorted(
        [
            f"{system}: register.language: expected 'ja' or 'en', got 'fr'",
            f"{system}: register.currency: expected an ISO 4217 code such as 'JPY', got 'yen'",
            f"{local}: wallet.poll_intervall: unknown setting 'poll_intervall'; "
            "did you mean 'poll_interval'?",
            f"{local}: wallet.url: expected an http(s) URL such as 'https://wallet.example', got 'ftp://x'",
            f"{local}: scaner: unknown section 'scaner'; did you mean 'scanner'?",
            f"{local}: printer: kind = 'network' needs printer.host",
            "environment PAYTERM_WALLET__TIMEOUTS__CONNECT: wallet.timeouts.connect: "
            "expected greater than 0, got '-1'",
            "environment PAYTERM_REGISTER__KIOSK: register.kiosk: expected true or false, got 'maybe'",
        ]
    )


def test_unknown_environment_setting_gets_a_hint(tmp_path: Path) -> None:
    assert problems({"PAYTERM_HOME": str(tmp_path), "PAYTERM_WALET__URL": "https://w.example"}) == [
        "environment PAYTERM_WALET__URL: walet: unknown section 'walet'; did you mean 'wallet'?"
    ]


def test_toml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    local = write(tmp_path / "terminal.toml", '[wallet]\nurl = "https://w.example"\npoll_max = = 3\n')
    with pytest.raises(ConfigError) as raised:
        load_settings({"PAYTERM_HOME": str(tmp_path)})
    [problem] = raised.value.problems
    assert (problem.source, problem.line) == (str(local), 3)
    assert str(problem).startswith(f"{local}, line 3: invalid TOML")


def test_platform_paths_without_payterm_home() -> None:
    paths = resolve_paths({})
    assert paths.system_config == Path("/etc/payterm/terminal.toml")
    assert paths.local_config == platformdirs.user_config_path("payterm", appauthor=False) / "terminal.toml"
    assert paths.journal == platformdirs.user_data_path("payterm", appauthor=False) / "journal.sqlite3"


def test_example_file_lists_every_setting_and_loads() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    uncommented = re.sub(r"(?m)^# (\w+ = )", r"\1", text)
    every = tomllib.loads(uncommented)
    assert leaves(every) == leaves(Settings().model_dump(mode="json"))
    Settings.model_validate(tomllib.loads(text))
    Settings.model_validate(every)


def test_docs_describe_every_setting_and_its_env_name() -> None:
    docs = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    for key in leaves(Settings().model_dump(mode="json")):
        assert f"`{key}`" in docs, key
        assert "PAYTERM_" + key.upper().replace(".", "__") in docs, key


def test_config_show_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAYTERM_HOME", str(tmp_path))
    monkeypatch.delenv("PAYTERM_CONFIG", raising=False)
    local = write(tmp_path / "terminal.toml", '[register]\nname = "Till 9"\n')
    monkeypatch.setenv("PAYTERM_WALLET__POLL_MAX", "90")
    assert main(["config", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["register.name"] == {"value": "Till 9", "source": str(local)}
    assert shown["wallet.poll_max"] == {"value": 90.0, "source": "environment PAYTERM_WALLET__POLL_MAX"}
    assert shown["wallet.timeouts.charge"] == {"value": 15.0, "source": "default"}
    assert main(["config", "show"]) == 0
    assert re.search(r"register\.name\s+= \"Till 9\"\s+# " + re.escape(str(local)), capsys.readouterr().out)
    monkeypatch.setenv("PAYTERM_WALLET__POLL_MAX", "soon")
    assert main(["config", "show"]) == 2
    assert "wallet.poll_max: expected a number of seconds, got 'soon'" in capsys.readouterr().err


def test_data_dir_moves_state_but_keeps_etc(tmp_path: Path) -> None:
    from terminal.config.paths import resolve_paths

    paths = resolve_paths({"PAYTERM_DATA_DIR": str(tmp_path / "state")})
    assert paths.system_config == Path("/etc/payterm/terminal.toml")
    assert paths.local_config == tmp_path / "state" / "terminal.toml"
    assert paths.journal == tmp_path / "state" / "journal.sqlite3"
    assert paths.key_file.parent == tmp_path / "state" / "keys"


def test_drop_ins_are_read_in_name_order_and_named_as_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """/etc/payterm/terminal.d/*.toml (here under PAYTERM_HOME/etc): each over the system file and
    the drop-ins before it, under the local file; `config show` names the file of each value."""
    monkeypatch.setenv("PAYTERM_HOME", str(tmp_path))
    monkeypatch.delenv("PAYTERM_CONFIG", raising=False)
    system = write(tmp_path / "etc" / "terminal.toml", '[register]\nname = "Till"\n[wallet]\npoll_max = 30\n')
    late = write(tmp_path / "etc" / "terminal.d" / "50-store.toml", '[wallet]\npoll_max = 50\n')
    early = write(tmp_path / "etc" / "terminal.d" / "10-fleet.toml",
                  '[wallet]\npoll_max = 10\npoll_interval = 1.5\n[register]\nname = "Fleet"\n')
    write(tmp_path / "etc" / "terminal.d" / "README", "not a toml drop-in")
    local = write(tmp_path / "terminal.toml", '[register]\nname = "Till 9"\n')
    loaded = load_settings()
    assert loaded.files == (system, early, late, local)
    assert loaded.settings.wallet.poll_max == 50.0 and loaded.sources["wallet.poll_max"] == str(late)
    assert loaded.sources["wallet.poll_interval"] == str(early)
    assert loaded.sources["register.name"] == str(local)
    assert main(["config", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["wallet.poll_max"] == {"value": 50.0, "source": str(late)}
    assert shown["wallet.poll_interval"] == {"value": 1.5, "source": str(early)}
    write(late, '[wallet]\npoll_max = "soon"\n')
    assert [str(p) for p in pytest.raises(ConfigError, load_settings).value.problems] == [
        f"{late}: wallet.poll_max: expected a number of seconds, got 'soon'"]


FP = "SHA256:UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw"


def test_wallet_key_fingerprint_is_it_only_and_required_at_enrollment(tmp_path: Path) -> None:
    from terminal.config.loader import required_wallet_key

    env = {"PAYTERM_HOME": str(tmp_path)}
    assert required_wallet_key(load_settings(env), None) is None  # nobody asked: the installer's choice
    assert required_wallet_key(load_settings(env), FP) == FP
    drop_in = write(tmp_path / "etc" / "terminal.d" / "20-wallet.toml", f'[wallet]\nkey_fingerprint = "{FP}="\n')
    loaded = load_settings(env)
    assert loaded.settings.wallet.key_fingerprint == FP and loaded.sources["wallet.key_fingerprint"] == str(drop_in)
    assert required_wallet_key(loaded, None) == FP  # enrolling without it still pins IT's key
    assert required_wallet_key(loaded, FP) == FP
    with pytest.raises(ConfigError) as raised:
        required_wallet_key(loaded, "SHA256:" + "A" * 43)
    assert str(raised.value).startswith(f"{drop_in}: wallet.key_fingerprint: IT requires the wallet key {FP}")
    # The register's own file may not set or change it.
    local = write(tmp_path / "terminal.toml", '[wallet]\nkey_fingerprint = "SHA256:' + "A" * 43 + '"\n')
    assert problems(env) == [(f"{local}: wallet.key_fingerprint: only IT can set this: in "
                              "/etc/payterm/terminal.toml, /etc/payterm/terminal.d/*.toml or the service's environment")]
    local.unlink()
    write(drop_in, '[wallet]\nkey_fingerprint = "MD5:abc"\n')
    assert problems(env)[0].startswith(f"{drop_in}: wallet.key_fingerprint: expected a fingerprint")
