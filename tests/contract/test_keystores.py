"""One contract for every KeyStore: the encrypted file store and PKCS#11 on a real SoftHSM2 token.

Each backend is a `Backend` harness that can open the store again (a "restart"), open it with a
wrong secret, and prove from the outside that the private key cannot be read. The tests below
run against every backend; PKCS#11-only behaviour (session recovery, interrupted promotion,
signing an HTTP request with a token key) is at the end.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from abc import ABC, abstractmethod
from pathlib import Path

import pkcs11
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, load_pem_private_key

from terminal.crypto import DigestMismatch, HttpRequest, UnknownKey, VerifyKey, sign_request, verify_request
from terminal.crypto.file_keystore import MIN_SCRYPT_N, FileKeyStore
from terminal.crypto.keys import Alg, KeySigner, PrivateKeySigner
from terminal.crypto.keystore import (
    KEY_PASSPHRASE_ENV,
    PKCS11_PIN_ENV,
    KeyExists,
    KeyNotFound,
    KeyStore,
    KeyStoreKind,
    KeyStoreLocked,
    SecretSource,
    UnsupportedAlgorithm,
    WrongPassphrase,
    WrongPin,
)
from tests.softhsm import SoftHsmToken, create_token

from terminal.crypto.pkcs11_keystore import PENDING, RETIRED, Pkcs11KeyStore

MESSAGE = b"POST /v1/charges, the bytes of a signature base"


class Backend(ABC):
    kind: KeyStoreKind
    wrong_secret_error: type[KeyStoreLocked]

    @abstractmethod
    def open(self, secret: str | None = "right") -> KeyStore:
        """A new store object over the same backing storage; secret None = no secret configured."""

    @abstractmethod
    def assert_private_key_unreadable(self, store: KeyStore, signer: KeySigner) -> None: ...


class FileBackend(Backend):
    kind = KeyStoreKind.FILE
    wrong_secret_error = WrongPassphrase

    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "keys" / "device-key.json"

    def open(self, secret: str | None = "right") -> KeyStore:
        env = {} if secret is None else {KEY_PASSPHRASE_ENV: f"{secret} passphrase"}
        return FileKeyStore(self.path, SecretSource(KEY_PASSPHRASE_ENV, None, env), scrypt_n=MIN_SCRYPT_N)

    def assert_private_key_unreadable(self, store: KeyStore, signer: KeySigner) -> None:
        if not isinstance(signer, PrivateKeySigner):
            raise TypeError("the file store hands out in-memory signers")
        raw = signer.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        plain_pem = signer.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        data = self.path.read_bytes()
        assert raw not in data and raw.hex().encode() not in data
        assert plain_pem.splitlines()[1] not in data  # the base64 of the unencrypted PKCS#8
        assert b"BEGIN PRIVATE KEY" not in data
        pem = json.loads(data)["pkcs8"].encode()
        assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        with pytest.raises(TypeError):  # encrypted: cryptography demands a password
            load_pem_private_key(pem, None)


class Pkcs11Backend(Backend):
    kind = KeyStoreKind.PKCS11
    wrong_secret_error = WrongPin

    def __init__(self, token: SoftHsmToken) -> None:
        self.token = token

    def open(self, secret: str | None = "right") -> KeyStore:
        pins = {"right": self.token.pin, "wrong": "000000"}
        env = {} if secret is None else {PKCS11_PIN_ENV: pins[secret]}
        return Pkcs11KeyStore(self.token.module, self.token.label, SecretSource(PKCS11_PIN_ENV, None, env))

    def session(self) -> pkcs11.Session:
        """A PIN-less session; the store under test has logged this process in already."""
        return pkcs11.lib(str(self.token.module)).get_token(token_label=self.token.label).open(rw=True)

    def assert_private_key_unreadable(self, store: KeyStore, signer: KeySigner) -> None:
        with self.session() as s:
            (private,) = s.get_objects({pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY})
            assert private[pkcs11.Attribute.SENSITIVE] is True
            assert private[pkcs11.Attribute.EXTRACTABLE] is False
            assert private[pkcs11.Attribute.NEVER_EXTRACTABLE] is True
            assert private[pkcs11.Attribute.TOKEN] is True
            with pytest.raises(pkcs11.exceptions.AttributeSensitive):
                private[pkcs11.Attribute.VALUE]


@pytest.fixture(
    params=[KeyStoreKind.FILE, pytest.param(KeyStoreKind.PKCS11, marks=pytest.mark.softhsm)], ids=lambda k: k.value
)
def backend(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Backend:
    if request.param is KeyStoreKind.FILE:
        return FileBackend(tmp_path)
    return Pkcs11Backend(create_token(tmp_path, monkeypatch))


def verifies(signer: KeySigner, data: bytes = MESSAGE) -> bool:
    return VerifyKey(signer.alg, signer.public_key_bytes()).verify(signer.sign(data), data)


def supported(backend: Backend) -> list[Alg]:
    return sorted(backend.open().supported_algs())


# -- the contract ----------------------------------------------------------------------------------

def test_missing_key_is_key_not_found(backend: Backend) -> None:
    store = backend.open()
    assert not store.exists()
    assert not store.has_pending()
    with pytest.raises(KeyNotFound):
        store.load()
    with pytest.raises(KeyNotFound):
        store.describe()
    with pytest.raises(KeyNotFound):
        store.load_pending()
    with pytest.raises(KeyNotFound):
        store.promote_pending()


def test_every_alg_is_either_supported_or_refused_cleanly(backend: Backend) -> None:
    store = backend.open()
    assert store.supported_algs()
    for alg in Alg:
        if alg in store.supported_algs():
            signer = store.generate(alg, replace=True)
            assert signer.alg is alg and verifies(signer)
        else:
            with pytest.raises(UnsupportedAlgorithm, match=alg.value):
                store.generate(alg, replace=True)


def test_generate_sign_and_load_after_restart(backend: Backend) -> None:
    for alg in supported(backend):
        made = backend.open().generate(alg, replace=True)
        assert verifies(made)
        signature = made.sign(MESSAGE)
        assert len(signature) == 64
        assert len(made.public_key_bytes()) == {Alg.ED25519: 32, Alg.ECDSA_P256_SHA256: 65}[alg]

        restarted = backend.open()  # a new process would build a new store object like this
        assert restarted.exists()
        loaded = restarted.load()
        assert loaded.alg is alg
        assert loaded.public_key_bytes() == made.public_key_bytes()
        assert VerifyKey.from_signer(loaded).verify(signature, MESSAGE)
        assert verifies(loaded)
        assert not VerifyKey.from_signer(loaded).verify(signature, MESSAGE + b"!")


def test_describe_shows_public_facts_only(backend: Backend) -> None:
    store = backend.open()
    signer = store.generate(supported(backend)[0])
    info = backend.open().describe()
    assert info.kind is backend.kind
    assert info.alg is signer.alg
    assert info.public_key == signer.public_key_bytes()
    assert info.fingerprint.startswith("SHA256:") and info.label == "payterm-device"
    assert not info.pending


def test_generate_refuses_to_overwrite(backend: Backend) -> None:
    store = backend.open()
    alg = supported(backend)[0]
    first = store.generate(alg)
    with pytest.raises(KeyExists):
        store.generate(alg)
    assert store.load().public_key_bytes() == first.public_key_bytes()
    second = store.generate(alg, replace=True)
    assert second.public_key_bytes() != first.public_key_bytes()
    assert backend.open().load().public_key_bytes() == second.public_key_bytes()


def test_private_key_cannot_be_read(backend: Backend) -> None:
    store = backend.open()
    signer = store.generate(supported(backend)[0])
    backend.assert_private_key_unreadable(store, signer)


def test_wrong_or_missing_secret_is_a_typed_error(backend: Backend) -> None:
    backend.open().generate(supported(backend)[0])
    with pytest.raises(backend.wrong_secret_error):
        backend.open("wrong").load()
    with pytest.raises(KeyStoreLocked, match="PAYTERM_"):
        backend.open(None).load()


def test_rotation_promote(backend: Backend) -> None:
    algs = supported(backend)
    store = backend.open()
    old = store.generate(algs[0])
    new = store.generate_pending(algs[-1])
    assert new.public_key_bytes() != old.public_key_bytes()
    assert store.has_pending() and backend.open().describe().pending
    assert backend.open().load().public_key_bytes() == old.public_key_bytes()  # old key still in use
    assert backend.open().load_pending().public_key_bytes() == new.public_key_bytes()
    with pytest.raises(KeyExists, match="unfinished rotation"):
        store.generate_pending(algs[0])

    promoted = backend.open().promote_pending()
    assert promoted.public_key_bytes() == new.public_key_bytes()
    restarted = backend.open()
    assert not restarted.has_pending()
    assert restarted.load().public_key_bytes() == new.public_key_bytes()
    assert restarted.load().alg is algs[-1]
    assert verifies(new) and verifies(restarted.load())


def test_rotation_discard_keeps_the_old_key(backend: Backend) -> None:
    store = backend.open()
    old = store.generate(supported(backend)[0])
    store.generate_pending(supported(backend)[0])
    backend.open().discard_pending()
    backend.open().discard_pending()  # idempotent
    restarted = backend.open()
    assert not restarted.has_pending()
    assert restarted.load().public_key_bytes() == old.public_key_bytes()
    with pytest.raises(KeyNotFound):
        restarted.promote_pending()


def test_delete_removes_current_and_pending(backend: Backend) -> None:
    store = backend.open()
    store.generate(supported(backend)[0])
    store.generate_pending(supported(backend)[0])
    store.delete()
    restarted = backend.open()
    assert not restarted.exists() and not restarted.has_pending()
    with pytest.raises(KeyNotFound):
        restarted.load()


def test_one_signer_signs_from_many_threads(backend: Backend) -> None:
    signer = backend.open().generate(supported(backend)[-1])
    results: list[bool] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        for i in range(10):
            data = f"thread {n} message {i}".encode()
            ok = VerifyKey.from_signer(signer).verify(signer.sign(data), data)
            with lock:
                results.append(ok)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 40


# -- PKCS#11 only ----------------------------------------------------------------------------------

@pytest.fixture
def hsm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Pkcs11Backend:
    return Pkcs11Backend(create_token(tmp_path, monkeypatch))


@pytest.mark.softhsm
def test_pkcs11_offers_both_algorithms_on_softhsm(hsm: Pkcs11Backend) -> None:
    assert hsm.open().supported_algs() == frozenset({Alg.ED25519, Alg.ECDSA_P256_SHA256})


@pytest.mark.softhsm
def test_pkcs11_signer_reopens_its_session_after_the_token_was_reset(hsm: Pkcs11Backend) -> None:
    signer = hsm.open().generate(Alg.ECDSA_P256_SHA256)
    assert verifies(signer)
    pkcs11.lib(str(hsm.token.module)).reinitialize()  # every session and the login are gone
    assert verifies(signer)


def _relabel(hsm: Pkcs11Backend, old: str, new: str) -> None:
    with hsm.session() as s:
        for obj in s.get_objects({pkcs11.Attribute.LABEL: old}):
            obj[pkcs11.Attribute.LABEL] = new


@pytest.mark.softhsm
@pytest.mark.parametrize(
    ("pending_survives", "expect_new"),
    [(True, True), (False, False)],
    ids=["crash-after-retiring-old", "retired-without-pending"],
)
@pytest.mark.softhsm
def test_pkcs11_interrupted_promotion_is_recovered(
    hsm: Pkcs11Backend, pending_survives: bool, expect_new: bool
) -> None:
    store = hsm.open()
    old = store.generate(Alg.ED25519)
    new = store.generate_pending(Alg.ED25519)
    if not pending_survives:
        with hsm.session() as s:
            for obj in s.get_objects({pkcs11.Attribute.LABEL: "payterm-device" + PENDING}):
                obj.destroy()
    _relabel(hsm, "payterm-device", "payterm-device" + RETIRED)  # promotion's first step, then a crash
    assert hsm.open().load().public_key_bytes() == (new if expect_new else old).public_key_bytes()
    with hsm.session() as s:
        labels = {o[pkcs11.Attribute.LABEL] for o in s.get_objects({})}
    assert labels == {"payterm-device"}
    assert "payterm-device" + PENDING not in labels


@pytest.mark.parametrize("alg", list(Alg), ids=lambda a: a.value)
@pytest.mark.softhsm
def test_pkcs11_key_signs_an_http_request(hsm: Pkcs11Backend, alg: Alg) -> None:
    signer = hsm.open().generate(alg)
    request = HttpRequest(
        method="POST",
        url="http://127.0.0.1:8787/v1/charges",
        headers=(("Content-Type", "application/json"), ("Idempotency-Key", "k-1")),
        body=b'{"amount": 1200, "currency": "JPY"}',
    )
    signed = sign_request(request, signer, keyid="device-7", now=1_700_000_000)
    keys: dict[str, VerifyKey] = {"device-7": VerifyKey.from_signer(hsm.open().load())}

    def resolve(keyid: str) -> VerifyKey:
        if keyid not in keys:
            raise UnknownKey(keyid)
        return keys[keyid]

    result = verify_request(signed, resolve_key=resolve, now=1_700_000_010, nonce_check=None)
    assert result.keyid == "device-7" and result.alg is alg
    with pytest.raises(DigestMismatch):
        verify_request(
            replace(signed, body=signed.body + b" "), resolve_key=resolve, now=1_700_000_010, nonce_check=None
        )
