"""The PKCS#11 key store: the device key is generated inside a token and never leaves it.

Works with any PKCS#11 module: tpm2-pkcs11 (a TPM), a USB HSM, SoftHSM2 in tests. The private
key is created with CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE true and CKA_EXTRACTABLE false, so the
token refuses to hand out its value; only signatures come back.

- ECDSA P-256: CKM_EC_KEY_PAIR_GEN on secp256r1; signing is CKM_ECDSA over a SHA-256 digest made
  here. CKM_ECDSA_SHA256 is optional in tokens (SoftHSM2 2.6 lacks it, TPMs vary) while CKM_ECDSA
  is universal. PKCS#11 returns raw r||s, exactly RFC 9421's form.
- Ed25519: CKM_EC_EDWARDS_KEY_PAIR_GEN + CKM_EDDSA where the token has them (`supported_algs()`).

Objects are found by CKA_LABEL: `<label>` is the device key, `<label>#pending` a rotation in
progress, `<label>#retired` the old key during promotion. Promotion relabels current -> retired,
pending -> current, then destroys retired; `_recover()` finishes or undoes an interrupted
promotion at the next use. A signer finds its key by CKA_ID, which never changes, so it keeps
working across relabelling.

Login: PKCS#11 login belongs to the whole process (per token), and C_Logout on any session logs out
every session. So one logged-in session per token is opened and kept for the life of the process
(`_ensure_login`), and all work happens in PIN-less sessions, which never log out when closed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pkcs11
from pkcs11 import Attribute, KeyType, Mechanism, MechanismFlag, ObjectClass
from pkcs11.exceptions import (
    DeviceError,
    DeviceRemoved,
    KeyHandleInvalid,
    NoSuchToken,
    ObjectHandleInvalid,
    PinExpired,
    PinIncorrect,
    PinInvalid,
    PinLenRange,
    PinLocked,
    PKCS11Error,
    SessionClosed,
    SessionHandleInvalid,
    TokenNotPresent,
    UserAlreadyLoggedIn,
    UserNotLoggedIn,
)
from pkcs11.util.ec import encode_named_curve_parameters

from terminal.crypto.keys import RAW_PUBLIC_KEY_LENGTH, Alg, KeySigner
from terminal.crypto.keystore import (
    KeyDescription,
    KeyExists,
    KeyNotFound,
    KeyStore,
    KeyStoreError,
    KeyStoreKind,
    KeyStoreLocked,
    SecretSource,
    UnsupportedAlgorithm,
    WrongPin,
)

PENDING = "#pending"
RETIRED = "#retired"

# Errors after which a fresh session (and login) may succeed: the token was re-initialised,
# unplugged and replugged, or logged out by someone else.
SESSION_LOST = (
    SessionHandleInvalid, SessionClosed, ObjectHandleInvalid, KeyHandleInvalid,
    DeviceRemoved, TokenNotPresent, UserNotLoggedIn, DeviceError,
)


@dataclass(frozen=True)
class _AlgSpec:
    key_type: KeyType
    ec_params: bytes
    generate: Mechanism
    sign: Mechanism
    prehash: bool  # ECDSA signs a digest made here; EdDSA signs the message itself


_SPECS: dict[Alg, _AlgSpec] = {
    Alg.ECDSA_P256_SHA256: _AlgSpec(
        KeyType.EC, encode_named_curve_parameters("secp256r1"), Mechanism.EC_KEY_PAIR_GEN, Mechanism.ECDSA, True
    ),
    # CKA_EC_PARAMS for Ed25519: the DER OID id-Ed25519 (1.3.101.112), as PKCS#11 3.0 allows.
    Alg.ED25519: _AlgSpec(
        KeyType.EC_EDWARDS, bytes.fromhex("06032b6570"), Mechanism.EC_EDWARDS_KEY_PAIR_GEN, Mechanism.EDDSA, False
    ),
}


def _raw_point(ec_point: bytes, alg: Alg) -> bytes:
    """CKA_EC_POINT is a DER OCTET STRING around the point; some tokens give the bare point."""
    size = RAW_PUBLIC_KEY_LENGTH[alg]
    if len(ec_point) == size + 2 and ec_point[0] == 0x04 and ec_point[1] == size:
        return ec_point[2:]
    if len(ec_point) == size:
        return ec_point
    raise KeyStoreError(f"token returned an unexpected {alg.value} public key encoding")


_login_lock = threading.Lock()
# (module path, token serial) -> (the session holding the login, SHA-256 of the PIN it used)
_logins: dict[tuple[str, bytes], tuple[pkcs11.Session, bytes]] = {}


def _alive(session: pkcs11.Session) -> bool:
    """Is the login session still open? A plain call (no search operation left to clean up)."""
    try:
        session.generate_random(64)
    except SESSION_LOST:
        return False
    except PKCS11Error:
        return True  # a token without an RNG: the session itself answered
    return True


class _Token:
    """Opens sessions on one token of one module, logging the process in first."""

    def __init__(self, module: Path, token_label: str, pin: SecretSource) -> None:
        self.module = module
        self.token_label = token_label
        self._pin = pin

    def token(self) -> pkcs11.Token:
        try:
            return pkcs11.lib(str(self.module)).get_token(token_label=self.token_label)
        except NoSuchToken:
            raise KeyStoreError(f"no PKCS#11 token labelled {self.token_label!r} in {self.module}") from None
        except (OSError, RuntimeError) as exc:
            raise KeyStoreError(f"cannot use PKCS#11 module {self.module}: {exc}") from None

    def _ensure_login(self, token: pkcs11.Token) -> None:
        pin = self._pin.read().decode("utf-8")
        pin_hash = hashlib.sha256(pin.encode("utf-8")).digest()
        key = (str(self.module), bytes(token.serial))
        with _login_lock:
            held = _logins.get(key)
            if held is not None and _alive(held[0]):
                if not hmac.compare_digest(held[1], pin_hash):
                    raise WrongPin(f"wrong PIN for token {self.token_label!r}")
                return
            _logins.pop(key, None)
            try:
                _logins[key] = (token.open(user_pin=pin), pin_hash)
            except UserAlreadyLoggedIn:
                return  # logged in by other code in this process; its PIN was accepted
            except (PinIncorrect, PinInvalid, PinLenRange):
                raise WrongPin(f"token {self.token_label!r} rejected the PIN") from None
            except (PinLocked, PinExpired) as exc:
                raise KeyStoreLocked(f"token {self.token_label!r}: {type(exc).__name__}") from None
            except PKCS11Error as exc:
                raise KeyStoreError(f"cannot log in to token {self.token_label!r}: {type(exc).__name__}") from None

    def open(self, rw: bool = False) -> pkcs11.Session:
        token = self.token()
        self._ensure_login(token)
        try:
            return token.open(rw=rw)
        except PKCS11Error as exc:
            raise KeyStoreError(f"cannot open a session on {self.token_label!r}: {type(exc).__name__}") from None

    @contextmanager
    def session(self, rw: bool = False) -> Iterator[pkcs11.Session]:
        session = self.open(rw)
        try:
            yield session
        except KeyStoreError:
            raise
        except PKCS11Error as exc:
            raise KeyStoreError(f"token {self.token_label!r}: {type(exc).__name__}") from None
        finally:
            try:
                session.close()
            except PKCS11Error:
                pass  # the session is already gone; nothing to release


class Pkcs11Signer:
    """A KeySigner whose private key stays in the token. One session, one lock, reopened if lost."""

    def __init__(self, token: _Token, key_id: bytes, alg: Alg, public_key: bytes) -> None:
        self._token = token
        self._key_id = key_id
        self._alg = alg
        self._spec = _SPECS[alg]
        self._public_key = public_key
        self._lock = threading.Lock()
        self._session: pkcs11.Session | None = None
        self._key: pkcs11.PrivateKey | None = None

    @property
    def alg(self) -> Alg:
        return self._alg

    def public_key_bytes(self) -> bytes:
        return self._public_key

    def sign(self, data: bytes) -> bytes:
        payload = hashlib.sha256(data).digest() if self._spec.prehash else data
        with self._lock:
            try:
                return self._sign_once(payload)
            except SESSION_LOST:
                self._drop()  # the token was reset or replugged: one retry on a fresh session
            try:
                return self._sign_once(payload)
            except SESSION_LOST as exc:
                self._drop()
                raise KeyStoreError(f"token lost during signing: {type(exc).__name__}") from None

    def _sign_once(self, payload: bytes) -> bytes:
        key = self._key or self._open()
        try:
            return bytes(key.sign(payload, mechanism=self._spec.sign))  # type: ignore[attr-defined]  # SignMixin
        except SESSION_LOST:
            raise
        except PKCS11Error as exc:
            raise KeyStoreError(f"token refused to sign: {type(exc).__name__}") from None

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _open(self) -> pkcs11.PrivateKey:
        session = self._token.open()
        try:
            found = list(
                session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.ID: self._key_id})
            )
        except PKCS11Error:
            session.close()
            raise
        if len(found) != 1:
            session.close()
            raise KeyNotFound(f"the signing key is no longer in token {self._token.token_label!r}")
        key = cast(pkcs11.PrivateKey, found[0])  # get_objects is typed as returning plain Objects
        self._session, self._key = session, key
        return key

    def _drop(self) -> None:
        session, self._session, self._key = self._session, None, None
        if session is not None:
            try:
                session.close()
            except PKCS11Error:
                pass  # already invalid: that is why we drop it

    def __repr__(self) -> str:
        return f"Pkcs11Signer(alg={self._alg.value}, token={self._token.token_label!r})"


class Pkcs11KeyStore(KeyStore):
    kind = KeyStoreKind.PKCS11

    def __init__(self, module: Path, token_label: str, pin: SecretSource, *, label: str = "payterm-device") -> None:
        self._token = _Token(module, token_label, pin)
        self._label = label

    def supported_algs(self) -> frozenset[Alg]:
        try:
            mechanisms = set(self._token.token().slot.get_mechanisms())
        except PKCS11Error as exc:
            raise KeyStoreError(f"cannot list mechanisms: {type(exc).__name__}") from None
        return frozenset(a for a, s in _SPECS.items() if {s.generate, s.sign} <= mechanisms)

    def exists(self) -> bool:
        with self._token.session(rw=True) as s:
            self._recover(s)
            return self._find(s, self._label) is not None

    def generate(self, alg: Alg = Alg.ED25519, *, replace: bool = False) -> KeySigner:
        self._check_alg(alg)
        with self._token.session(rw=True) as s:
            self._recover(s)
            if self._find(s, self._label) is not None:
                if not replace:
                    raise KeyExists(f"a device key {self._label!r} already exists in the token; rotate it instead")
                self._destroy(s, self._label)
            return self._create(s, alg, self._label)

    def load(self) -> KeySigner:
        return self._load(self._label)

    def describe(self) -> KeyDescription:
        signer = self._load(self._label)
        return KeyDescription(
            kind=self.kind,
            alg=signer.alg,
            label=self._label,
            public_key=signer.public_key_bytes(),
            location=f"pkcs11:token={self._token.token_label};object={self._label}",
            pending=self.has_pending(),
        )

    def delete(self) -> None:
        with self._token.session(rw=True) as s:
            for label in (self._label, self._label + PENDING, self._label + RETIRED):
                self._destroy(s, label)

    def has_pending(self) -> bool:
        with self._token.session(rw=True) as s:
            self._recover(s)
            return self._find(s, self._label + PENDING) is not None

    def generate_pending(self, alg: Alg = Alg.ED25519) -> KeySigner:
        self._check_alg(alg)
        with self._token.session(rw=True) as s:
            self._recover(s)
            if self._find(s, self._label + PENDING) is not None:
                raise KeyExists("a pending key from an unfinished rotation exists; promote or discard it first")
            return self._create(s, alg, self._label + PENDING)

    def load_pending(self) -> KeySigner:
        return self._load(self._label + PENDING)

    def promote_pending(self) -> KeySigner:
        with self._token.session(rw=True) as s:
            self._recover(s)
            if self._find(s, self._label + PENDING) is None:
                raise KeyNotFound("no pending key to promote")
            if self._find(s, self._label) is not None:
                self._relabel(s, self._label, self._label + RETIRED)
            self._relabel(s, self._label + PENDING, self._label)
            self._destroy(s, self._label + RETIRED)
        return self._load(self._label)

    def discard_pending(self) -> None:
        with self._token.session(rw=True) as s:
            self._recover(s)
            self._destroy(s, self._label + PENDING)

    # -- token objects -----------------------------------------------------------------------
    def _objects(self, s: pkcs11.Session, label: str) -> list[pkcs11.Object]:
        return list(s.get_objects({Attribute.LABEL: label}))

    def _find(self, s: pkcs11.Session, label: str) -> pkcs11.PrivateKey | None:
        found = list(s.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: label}))
        if len(found) > 1:
            raise KeyStoreError(f"token holds {len(found)} private keys labelled {label!r}; remove the extras")
        return cast(pkcs11.PrivateKey, found[0]) if found else None

    def _destroy(self, s: pkcs11.Session, label: str) -> None:
        for obj in self._objects(s, label):
            obj.destroy()

    def _relabel(self, s: pkcs11.Session, old: str, new: str) -> None:
        for obj in self._objects(s, old):
            obj[Attribute.LABEL] = new

    def _recover(self, s: pkcs11.Session) -> None:
        """Finish a promotion cut short: retired + pending -> promote; retired alone -> restore."""
        current, retired = self._label, self._label + RETIRED
        if self._find(s, retired) is None:
            return
        if self._find(s, current) is None:
            pending = self._label + PENDING
            self._relabel(s, pending if self._find(s, pending) is not None else retired, current)
        self._destroy(s, retired)

    def _create(self, s: pkcs11.Session, alg: Alg, label: str) -> KeySigner:
        spec = _SPECS[alg]
        key_id = secrets.token_bytes(16)
        params = s.create_domain_parameters(spec.key_type, {Attribute.EC_PARAMS: spec.ec_params}, local=True)
        params.generate_keypair(
            id=key_id,
            label=label,
            store=True,
            mechanism=spec.generate,
            capabilities=MechanismFlag.SIGN | MechanismFlag.VERIFY,
            public_template={Attribute.TOKEN: True, Attribute.PRIVATE: False, Attribute.VERIFY: True},
            private_template={
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.SIGN: True,
                Attribute.DERIVE: False,
            },
        )
        return self._signer(s, label)

    def _load(self, label: str) -> Pkcs11Signer:
        with self._token.session(rw=True) as s:
            self._recover(s)
            return self._signer(s, label)

    def _signer(self, s: pkcs11.Session, label: str) -> Pkcs11Signer:
        private = self._find(s, label)
        if private is None:
            raise KeyNotFound(f"no key labelled {label!r} in token {self._token.token_label!r}")
        key_id = bytes(private[Attribute.ID])
        alg = self._alg_of(private)
        publics = list(s.get_objects({Attribute.CLASS: ObjectClass.PUBLIC_KEY, Attribute.ID: key_id}))
        if len(publics) != 1:
            raise KeyStoreError(f"key {label!r} has {len(publics)} public key objects, expected 1")
        return Pkcs11Signer(self._token, key_id, alg, _raw_point(bytes(publics[0][Attribute.EC_POINT]), alg))

    def _alg_of(self, private: pkcs11.PrivateKey) -> Alg:
        key_type = private[Attribute.KEY_TYPE]
        if key_type == KeyType.EC_EDWARDS:
            return Alg.ED25519
        if key_type == KeyType.EC and bytes(private[Attribute.EC_PARAMS]) == _SPECS[Alg.ECDSA_P256_SHA256].ec_params:
            return Alg.ECDSA_P256_SHA256
        raise UnsupportedAlgorithm(f"the key in token {self._token.token_label!r} is not Ed25519 or P-256")
