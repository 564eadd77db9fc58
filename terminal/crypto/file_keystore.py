"""The file key store: an Ed25519 key as encrypted PKCS#8 in a 0600 file.

Ed25519 only: a register without a TPM/HSM gains nothing from P-256, and one algorithm means one
code path to audit. Hardware-backed P-256 keys are the PKCS#11 store's job.

Encryption, and why it is two layers: cryptography 50 can write encrypted PKCS#8 only through
`BestAvailableEncryption` (PBES2: PBKDF2-HMAC-SHA256 with a fixed 2048 iterations, AES-256-CBC);
its `encryption_builder()` refuses PKCS#8. 2048 PBKDF2 rounds are far too cheap against a
human-chosen passphrase from `PAYTERM_KEY_PASSPHRASE`. So the KEK is first stretched with scrypt
(N=2^15, r=8, p=1, 16-byte random salt per file) and the result is the PKCS#8 password. The file
is a small JSON envelope: format, label, alg, public key, scrypt parameters and salt, and the
standard PKCS#8 PEM. The public key is stored in clear so `describe()` needs no secret; on load it
must equal the decrypted key's public key, so a swapped envelope is detected.

Writes are atomic (temp file created 0600 with O_EXCL, fsync, rename, fsync of the directory), so a
power cut leaves either the old or the new key, never half a file. Rotation is a rename of the
pending file over the current one: atomic as well.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
    load_pem_private_key,
)

from terminal.crypto.keys import Alg, KeySigner, PrivateKeySigner
from terminal.crypto.keystore import (
    KeyDescription,
    KeyExists,
    KeyNotFound,
    KeyStore,
    KeyStoreError,
    KeyStoreKind,
    SecretSource,
    WrongPassphrase,
    check_private_file,
)

FORMAT = "payterm-file-key/1"
DEFAULT_SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
# Floor for files we read: a file asking for a cheaper KDF than this is treated as corrupt.
MIN_SCRYPT_N = 2**10


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text, validate=True)


def _stretch(kek: bytes, salt: bytes, n: int) -> bytes:
    """scrypt(KEK) -> the PKCS#8 password (base64, since PEM passwords are treated as text by tools)."""
    raw = Scrypt(salt=salt, length=32, n=n, r=SCRYPT_R, p=SCRYPT_P).derive(kek)
    return base64.b64encode(raw)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to fsync."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileKeyStore(KeyStore):
    kind = KeyStoreKind.FILE

    def __init__(
        self, path: Path, kek: SecretSource, *, label: str = "payterm-device", scrypt_n: int = DEFAULT_SCRYPT_N
    ) -> None:
        self.path = path
        self.pending_path = path.with_name(path.name + ".pending")
        self._kek = kek
        self._label = label
        self._scrypt_n = scrypt_n

    @property
    def kek(self) -> SecretSource:
        """Where the key-encryption key comes from (for doctor: nothing is read)."""
        return self._kek

    def supported_algs(self) -> frozenset[Alg]:
        return frozenset({Alg.ED25519})

    # -- current key -------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def generate(self, alg: Alg = Alg.ED25519, *, replace: bool = False) -> KeySigner:
        self._check_alg(alg)
        if self.exists() and not replace:
            raise KeyExists(f"a device key already exists in {self.path}; rotate it instead")
        return self._create(self.path)

    def load(self) -> KeySigner:
        return self._read(self.path)

    def describe(self) -> KeyDescription:
        envelope = self._envelope(self.path)
        return KeyDescription(
            kind=self.kind,
            alg=Alg.ED25519,
            label=str(envelope["label"]),
            public_key=_unb64(envelope["public_key"]),
            location=str(self.path),
            pending=self.has_pending(),
        )

    def delete(self) -> None:
        self.pending_path.unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)
        if self.path.parent.exists():
            _fsync_dir(self.path.parent)

    # -- rotation ----------------------------------------------------------------------------
    def has_pending(self) -> bool:
        return self.pending_path.exists()

    def generate_pending(self, alg: Alg = Alg.ED25519) -> KeySigner:
        self._check_alg(alg)
        if self.has_pending():
            raise KeyExists(
                f"a pending key from an unfinished rotation exists ({self.pending_path}); "
                "promote or discard it first"
            )
        return self._create(self.pending_path)

    def load_pending(self) -> KeySigner:
        return self._read(self.pending_path)

    def promote_pending(self) -> KeySigner:
        signer = self._read(self.pending_path)  # never promote a key we could not use
        os.replace(self.pending_path, self.path)
        _fsync_dir(self.path.parent)
        return signer

    def discard_pending(self) -> None:
        self.pending_path.unlink(missing_ok=True)

    # -- file format -------------------------------------------------------------------------
    def _create(self, path: Path) -> KeySigner:
        key = Ed25519PrivateKey.generate()
        signer = PrivateKeySigner(key)
        salt = secrets.token_bytes(16)
        password = _stretch(self._kek.read(), salt, self._scrypt_n)
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(password))
        envelope = {
            "format": FORMAT,
            "label": self._label,
            "alg": Alg.ED25519.value,
            "public_key": _b64(signer.public_key_bytes()),
            "kdf": {"name": "scrypt", "n": self._scrypt_n, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
            "pkcs8": pem.decode("ascii"),
        }
        _write_atomic(path, json.dumps(envelope, indent=2).encode("utf-8") + b"\n")
        return signer

    def _envelope(self, path: Path) -> dict[str, object]:
        try:
            check_private_file(path, "key file")
            envelope = json.loads(path.read_bytes())
        except FileNotFoundError:
            raise KeyNotFound(f"no key file at {path}") from None
        except (ValueError, UnicodeDecodeError):
            raise KeyStoreError(f"key file {path} is not a PayTerm key file") from None
        except OSError as exc:
            raise KeyStoreError(f"cannot read key file {path}: {exc.strerror}") from None
        if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
            raise KeyStoreError(f"key file {path} is not a {FORMAT} file")
        if envelope.get("alg") != Alg.ED25519.value:
            raise KeyStoreError(f"key file {path} holds an unsupported algorithm {envelope.get('alg')!r}")
        return envelope

    def _read(self, path: Path) -> KeySigner:
        envelope = self._envelope(path)
        try:
            kdf = envelope["kdf"]
            if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
                raise ValueError("unknown kdf")
            n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
            if n < MIN_SCRYPT_N or (r, p) != (SCRYPT_R, SCRYPT_P):
                raise ValueError("weak kdf parameters")
            salt = _unb64(kdf["salt"])
            public_key = _unb64(envelope["public_key"])
            pem = str(envelope["pkcs8"]).encode("ascii")
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise KeyStoreError(f"key file {path} is damaged (bad envelope fields)") from None
        password = _stretch(self._kek.read(), salt, n)
        try:
            key = load_pem_private_key(pem, password)
        except ValueError:
            raise WrongPassphrase(f"the key-encryption key does not open {path}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyStoreError(f"key file {path} does not hold an Ed25519 key")
        signer = PrivateKeySigner(key)
        if signer.public_key_bytes() != public_key:
            raise KeyStoreError(f"key file {path} is inconsistent: public key does not match the private key")
        return signer
