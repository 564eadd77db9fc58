"""The device key store: one interface, two implementations, chosen once from the config.

The register signs every wallet request with a key bound to it. Where that key lives is an IT
decision: an encrypted file (default, any PC) or a PKCS#11 token (TPM via tpm2-pkcs11, USB HSM)
where the key is generated inside and can never be read out. Callers (`payterm enroll`,
`payterm rotate-key`, the wallet client) only see `KeyStore` and the `KeySigner` it returns.

Rotation keeps the old key usable until the wallet has confirmed the new one:
`generate_pending()` -> send the new public key signed by the old key -> `promote_pending()`
(or `discard_pending()` if the wallet refused). A pending key left over from an interrupted
rotation is never overwritten silently: `generate_pending()` refuses until it is promoted or
discarded, because the wallet may already know it.

Errors, one hierarchy (messages never contain key material, PINs or passphrases):

    KeyStoreError             base: the store cannot do what was asked (I/O, token, corrupt data)
    ├── KeyNotFound           no key (or no pending key) in the store
    ├── KeyExists             generate would overwrite a key (use replace=True or rotation)
    ├── KeyStoreLocked        the secret that unlocks the store is missing, unusable or locked
    │   ├── WrongPassphrase   file store: the KEK does not decrypt the key file
    │   └── WrongPin          PKCS#11: the token rejected the user PIN
    ├── InsecurePermissions   a key or secret file is readable by group/others
    └── UnsupportedAlgorithm  the store (or this token) cannot make keys of that algorithm
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from terminal.crypto.keys import Alg, KeySigner

KEY_PASSPHRASE_ENV = "PAYTERM_KEY_PASSPHRASE"
PKCS11_PIN_ENV = "PAYTERM_PKCS11_PIN"
# systemd credentials (LoadCredentialEncrypted=NAME:…, sealed with systemd-creds to the TPM and/or
# the host key) appear as files in $CREDENTIALS_DIRECTORY, readable by the service alone.
CREDENTIALS_DIR_ENV = "CREDENTIALS_DIRECTORY"
KEK_CREDENTIAL = "payterm-kek"
PKCS11_PIN_CREDENTIAL = "payterm-pkcs11-pin"


class KeyStoreError(Exception):
    """Base of all key store failures."""


class KeyNotFound(KeyStoreError):
    """There is no key where the store looks for it."""


class KeyExists(KeyStoreError):
    """Generating would destroy a key that may still be registered with the wallet."""


class KeyStoreLocked(KeyStoreError):
    """The passphrase / KEK / PIN is missing, unreadable, or the token is locked."""


class WrongPassphrase(KeyStoreLocked):
    """The key-encryption key does not open the key file."""


class WrongPin(KeyStoreLocked):
    """The PKCS#11 token rejected the user PIN."""


class InsecurePermissions(KeyStoreError):
    """A key or secret file is open to group or others; refused rather than trusted."""


class UnsupportedAlgorithm(KeyStoreError):
    """The store cannot generate or use keys of this algorithm."""


class KeyStoreKind(StrEnum):
    FILE = "file"
    PKCS11 = "pkcs11"


def fingerprint(public_key: bytes) -> str:
    """`SHA256:<base64>` of the raw public key, the form shown to IT and in logs."""
    digest = hashlib.sha256(public_key).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class KeyDescription:
    """What may be shown about a key: never private material."""

    kind: KeyStoreKind
    alg: Alg
    label: str
    public_key: bytes
    location: str
    pending: bool

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def check_private_file(path: Path, what: str) -> None:
    """Refuse a secret file that group or others can access, or that a third user owns.

    Only meaningful on POSIX; on Windows the ACLs are set by the installer instead.
    """
    if os.name != "posix":
        return
    st = path.stat()
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise InsecurePermissions(
            f"{what} {path} has mode {stat.S_IMODE(st.st_mode):04o}; it must not be accessible to "
            f"group or others (run: chmod 600 {path})"
        )
    if st.st_uid not in (0, os.geteuid()):
        raise InsecurePermissions(f"{what} {path} is owned by uid {st.st_uid}, not root or this user")


class SecretKind(StrEnum):
    CREDENTIAL = "systemd credential"
    ENVIRONMENT = "environment"
    FILE = "file"
    NONE = "none"


def beside(secret_file: Path, key_file: Path) -> bool:
    """Whether ``secret_file`` lies where a copy of the key's folder would take it too: in the key
    file's directory or the directory above it (the data directory, for ``<data>/keys/…``)."""
    folder = key_file.resolve().parent
    secret = secret_file.resolve()
    return any(place == secret.parent or place in secret.parents for place in (folder, folder.parent))


@dataclass(frozen=True)
class SecretSource:
    """Where a store's unlocking secret comes from, first found wins: a systemd credential
    (``$CREDENTIALS_DIRECTORY/<credential>``), an environment variable, a root-only file.

    A secret file ``beside`` the key it unlocks (``guard``) is refused unless
    ``development_mode``: a copy of the data folder must not be enough to use the key.
    Read at the moment of use, never kept in config, never logged.
    """

    env_var: str
    file: Path | None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ, repr=False, compare=False)
    credential: str | None = None
    guard: Path | None = None  # the key file this secret unlocks
    development_mode: bool = False

    def _credential_file(self) -> Path | None:
        directory = self.environ.get(CREDENTIALS_DIR_ENV)
        if not directory or self.credential is None:
            return None
        path = Path(directory) / self.credential
        return path if path.is_file() else None

    def kind(self) -> SecretKind:
        """Where the secret would be read from now (nothing is read)."""
        if self._credential_file() is not None:
            return SecretKind.CREDENTIAL
        if self.environ.get(self.env_var):
            return SecretKind.ENVIRONMENT
        return SecretKind.FILE if self.file is not None else SecretKind.NONE

    def file_beside_key(self) -> bool:
        return self.file is not None and self.guard is not None and beside(self.file, self.guard)

    def describe(self) -> str:
        kind = self.kind()
        if kind is SecretKind.CREDENTIAL:
            return f"systemd credential {self.credential} ({self._credential_file()})"
        if kind is SecretKind.ENVIRONMENT:
            return f"environment variable {self.env_var} (an operator's passphrase)"
        if kind is SecretKind.FILE:
            return f"file {self.file}" + (" — beside the key it unlocks" if self.file_beside_key() else "")
        return "nowhere"

    def read(self) -> bytes:
        credential = self._credential_file()
        if credential is not None:
            try:
                data = credential.read_bytes().strip()
            except OSError as exc:
                raise KeyStoreLocked(f"cannot read systemd credential {self.credential}: {exc.strerror}") from None
            if not data:
                raise KeyStoreLocked(f"systemd credential {self.credential} is empty")
            return data
        value = self.environ.get(self.env_var)
        if value:
            return value.encode("utf-8")
        if self.file is None:
            raise KeyStoreLocked(f"no secret: set {self.env_var}")
        if self.file_beside_key() and not self.development_mode:
            raise KeyStoreLocked(
                f"the key-encryption key {self.file} sits beside the key it unlocks, so a copy of the data "
                f"folder is enough to use the key: give it as the systemd credential {self.credential}, "
                f"an operator's passphrase in {self.env_var}, or a file elsewhere (keys.kek), or use "
                "PKCS#11; for a demo or tests only, set keys.development_mode = true")
        try:
            check_private_file(self.file, "secret file")
            data = self.file.read_bytes().strip()
        except FileNotFoundError:
            raise KeyStoreLocked(f"no secret: set {self.env_var} or create {self.file} (mode 0600)") from None
        except PermissionError:
            raise KeyStoreLocked(f"cannot read secret file {self.file}: permission denied") from None
        if not data:
            raise KeyStoreLocked(f"secret file {self.file} is empty")
        return data


class KeyStore(ABC):
    """One device key (plus at most one pending replacement) in some protected place."""

    kind: KeyStoreKind

    @abstractmethod
    def supported_algs(self) -> frozenset[Alg]:
        """Algorithms this store can generate here (a token may lack Ed25519)."""

    @abstractmethod
    def exists(self) -> bool: ...

    @abstractmethod
    def generate(self, alg: Alg = Alg.ED25519, *, replace: bool = False) -> KeySigner:
        """Make the device key; KeyExists if there is one and replace is False."""

    @abstractmethod
    def load(self) -> KeySigner:
        """The device key; KeyNotFound, KeyStoreLocked (and subclasses), KeyStoreError."""

    @abstractmethod
    def describe(self) -> KeyDescription:
        """Public facts about the device key, without unlocking it where possible."""

    @abstractmethod
    def delete(self) -> None:
        """Destroy the device key and any pending key (decommissioning)."""

    @abstractmethod
    def has_pending(self) -> bool: ...

    @abstractmethod
    def generate_pending(self, alg: Alg = Alg.ED25519) -> KeySigner:
        """Make the replacement key beside the current one; KeyExists if one is already pending."""

    @abstractmethod
    def load_pending(self) -> KeySigner: ...

    @abstractmethod
    def promote_pending(self) -> KeySigner:
        """Make the pending key the device key (the old one is destroyed); crash-safe."""

    @abstractmethod
    def discard_pending(self) -> None:
        """Destroy the pending key, if any; the current key stays."""

    def _check_alg(self, alg: Alg) -> None:
        if alg not in self.supported_algs():
            names = ", ".join(sorted(a.value for a in self.supported_algs())) or "none"
            raise UnsupportedAlgorithm(
                f"the {self.kind.value} key store cannot make {alg.value} keys (supported: {names})"
            )


@dataclass(frozen=True)
class KeyStoreSettings:
    """The `[keys]` part of the config. Secrets (passphrase, PIN) are never here, only where to find them."""

    kind: KeyStoreKind = KeyStoreKind.FILE
    label: str = "payterm-device"
    # file store
    key_file: Path = Path("/var/lib/payterm/device-key.json")
    kek_file: Path | None = Path("/etc/payterm/kek")
    # PKCS#11 store
    pkcs11_module: Path | None = None
    pkcs11_token_label: str = "payterm"
    pkcs11_pin_file: Path | None = Path("/etc/payterm/pkcs11-pin")
    # a KEK file beside the key file is allowed (demo and tests only; the window says so)
    development_mode: bool = False
