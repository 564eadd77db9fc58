"""File key store specifics: permissions, KEK sources, the envelope, atomic writes, the factory."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from terminal.crypto.file_keystore import DEFAULT_SCRYPT_N, MIN_SCRYPT_N, FileKeyStore, _stretch
from terminal.crypto.keys import Alg
from terminal.register.keystores import open_key_store
from terminal.crypto.keystore import (
    KEY_PASSPHRASE_ENV,
    InsecurePermissions,
    KeyStoreError,
    KeyStoreKind,
    KeyStoreLocked,
    KeyStoreSettings,
    SecretSource,
    WrongPassphrase,
)

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def env_source(passphrase: str = "correct horse") -> SecretSource:
    return SecretSource(KEY_PASSPHRASE_ENV, None, {KEY_PASSPHRASE_ENV: passphrase})


def store_at(tmp_path: Path, kek: SecretSource | None = None, n: int = MIN_SCRYPT_N) -> FileKeyStore:
    return FileKeyStore(tmp_path / "keys" / "device-key.json", kek or env_source(), scrypt_n=n)


def kek_file(tmp_path: Path, mode: int, content: bytes = b"0123456789abcdef0123456789abcdef\n") -> Path:
    path = tmp_path / "kek"
    path.write_bytes(content)
    path.chmod(mode)
    return path


@posix_only
def test_key_file_is_0600_and_no_temp_files_remain(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.generate()
    store.generate_pending()
    assert (store.path.stat().st_mode & 0o777) == 0o600
    assert (store.pending_path.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["device-key.json", "device-key.json.pending"]


@posix_only
def test_world_readable_key_file_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.generate()
    store.path.chmod(0o644)
    with pytest.raises(InsecurePermissions, match="chmod 600"):
        store.load()
    store.path.chmod(0o600)
    assert store.load().alg is Alg.ED25519


@posix_only
def test_kek_from_a_root_only_file(tmp_path: Path) -> None:
    source = SecretSource(KEY_PASSPHRASE_ENV, kek_file(tmp_path, 0o600), {})
    made = store_at(tmp_path, source).generate()
    assert store_at(tmp_path, source).load().public_key_bytes() == made.public_key_bytes()
    # the same KEK given by the environment opens the same file (trailing newline is not part of it)
    same = env_source("0123456789abcdef0123456789abcdef")
    assert store_at(tmp_path, same).load().public_key_bytes() == made.public_key_bytes()


@posix_only
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_kek_file_readable_by_group_or_others_is_refused(tmp_path: Path, mode: int) -> None:
    source = SecretSource(KEY_PASSPHRASE_ENV, kek_file(tmp_path, mode), {})
    with pytest.raises(InsecurePermissions):
        store_at(tmp_path, source).generate()


def test_environment_passphrase_wins_over_the_file(tmp_path: Path) -> None:
    source = SecretSource(KEY_PASSPHRASE_ENV, kek_file(tmp_path, 0o600, b"file secret"), {KEY_PASSPHRASE_ENV: "env"})
    store_at(tmp_path, source).generate()
    with pytest.raises(WrongPassphrase):
        store_at(tmp_path, SecretSource(KEY_PASSPHRASE_ENV, source.file, {})).load()
    assert store_at(tmp_path, env_source("env")).load().alg is Alg.ED25519


def test_missing_kek_file_says_how_to_fix_it(tmp_path: Path) -> None:
    source = SecretSource(KEY_PASSPHRASE_ENV, tmp_path / "no-such-kek", {})
    with pytest.raises(KeyStoreLocked, match="PAYTERM_KEY_PASSPHRASE or create"):
        store_at(tmp_path, source).generate()
    assert not store_at(tmp_path, source).exists()


def test_envelope_holds_standard_pkcs8_under_the_scrypt_stretched_kek(tmp_path: Path) -> None:
    store = store_at(tmp_path, n=DEFAULT_SCRYPT_N)
    signer = store.generate()
    envelope = json.loads(store.path.read_bytes())
    assert envelope["kdf"]["n"] == DEFAULT_SCRYPT_N == 2**15
    salt = base64.b64decode(envelope["kdf"]["salt"])
    key = load_pem_private_key(envelope["pkcs8"].encode(), _stretch(b"correct horse", salt, DEFAULT_SCRYPT_N))
    assert isinstance(key, Ed25519PrivateKey)
    assert key.public_key().public_bytes_raw() == signer.public_key_bytes()
    with pytest.raises(ValueError):  # the raw passphrase is not the PKCS#8 password
        load_pem_private_key(envelope["pkcs8"].encode(), b"correct horse")


def test_swapped_public_key_is_detected(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.generate()
    other = store_at(tmp_path / "other")
    other_public = other.generate().public_key_bytes()
    envelope = json.loads(store.path.read_bytes())
    envelope["public_key"] = base64.b64encode(other_public).decode()
    store.path.write_text(json.dumps(envelope))
    assert store.describe().public_key == other_public  # describe trusts the clear copy ...
    with pytest.raises(KeyStoreError, match="inconsistent"):
        store.load()  # ... but loading checks it against the private key


@pytest.mark.parametrize(
    "edit",
    [
        lambda e: e["kdf"].update(n=2),
        lambda e: e["kdf"].update(name="pbkdf2"),
        lambda e: e.update(format="something-else"),
        lambda e: e.update(alg="ecdsa-p256-sha256"),
        lambda e: e.pop("pkcs8"),
    ],
    ids=["weak-kdf", "unknown-kdf", "format", "alg", "no-pkcs8"],
)
def test_damaged_or_downgraded_envelopes_are_refused(tmp_path: Path, edit: object) -> None:
    store = store_at(tmp_path)
    store.generate()
    envelope = json.loads(store.path.read_bytes())
    edit(envelope)  # type: ignore[operator]
    store.path.write_text(json.dumps(envelope))
    with pytest.raises(KeyStoreError) as info:
        store.load()
    assert not isinstance(info.value, KeyStoreLocked)


def test_not_a_key_file(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.path.parent.mkdir(mode=0o700)
    store.path.write_bytes(b"-----BEGIN PRIVATE KEY-----\n")
    store.path.chmod(0o600)
    with pytest.raises(KeyStoreError, match="not a PayTerm key file"):
        store.load()


def test_factory_chooses_the_store_from_settings(tmp_path: Path) -> None:
    env = {KEY_PASSPHRASE_ENV: "pw"}
    file_store = open_key_store(KeyStoreSettings(key_file=tmp_path / "k.json", kek_file=None), env)
    assert isinstance(file_store, FileKeyStore) and file_store.kind is KeyStoreKind.FILE
    with pytest.raises(KeyStoreError, match="pkcs11_module"):
        open_key_store(KeyStoreSettings(kind=KeyStoreKind.PKCS11), env)
    pytest.importorskip("pkcs11")
    hsm = open_key_store(KeyStoreSettings(kind=KeyStoreKind.PKCS11, pkcs11_module=tmp_path / "x.so"), env)
    assert hsm.kind is KeyStoreKind.PKCS11
    with pytest.raises(KeyStoreError, match="cannot use PKCS#11 module"):
        hsm.exists()
