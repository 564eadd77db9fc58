"""The register's settings: one typed model, every default in one place.

Secrets never live here (keys are in key files or a token; the manager PIN hash is in the
journal). Paths default to ``terminal.config.paths``; the loader fills them from the same
environment it reads, so ``PAYTERM_HOME`` moves them all.
"""

from __future__ import annotations

import re
import warnings
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from terminal.config.paths import resolve_paths


def _seconds(value: object) -> object:
    """Accept numbers (and numeric text from the environment); name the unit otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number of seconds, got {value!r}")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise ValueError(f"expected a number of seconds, got {value!r}")


Seconds = Annotated[float, BeforeValidator(_seconds), Field(gt=0)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Timeouts(_Section):
    connect: Seconds = Field(default=3.0, description="TCP/TLS connect timeout to the wallet")
    charge: Seconds = Field(default=15.0, description="wait for a charge answer before it is in doubt")


class ReversalRetry(_Section):
    """A reversal is retried until the wallet confirms it, backing off between tries."""

    initial_delay: Seconds = Field(default=2.0, description="first wait before retrying a reversal")
    max_delay: Seconds = Field(default=60.0, description="longest wait between reversal retries")


class WalletSettings(_Section):
    url: str | None = Field(
        default=None, description="wallet API base URL (https, or http on loopback); set at enrollment"
    )
    timeouts: Timeouts = Field(default_factory=Timeouts)
    poll_interval: Seconds = Field(
        default=2.0, description="status poll interval while in doubt or in app step-up"
    )
    poll_max: Seconds = Field(default=60.0, description="poll an unknown outcome this long, then reverse")
    step_up_max: Seconds = Field(
        default=120.0, description="longest step-up window accepted, whatever the wallet says"
    )
    reversal: ReversalRetry = Field(default_factory=ReversalRetry)
    code_lifetime: Seconds = Field(
        default=120.0,
        description="a payment code read once is refused locally this long (codes live about a minute)",
    )
    key_fingerprint: str | None = Field(
        default=None, description="IT only: the wallet signing key (SHA256:...) every enrollment must pin"
    )

    @field_validator("key_fingerprint")
    @classmethod
    def _fingerprint(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("=")  # keystore.fingerprint() drops the base64 padding
        if not re.fullmatch(r"SHA256:[A-Za-z0-9+/]{43}", value):
            raise ValueError(f"expected a fingerprint such as 'SHA256:' and 43 base64 characters, got {value!r}")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"expected an http(s) URL such as 'https://wallet.example', got {value!r}")
        return value.rstrip("/")


class Language(StrEnum):
    JA = "ja"
    EN = "en"


class RegisterSettings(_Section):
    name: str = Field(
        default="register-1", min_length=1, description="this register's name on screen and slips"
    )
    language: Language = Field(default=Language.JA, description="screen and slip language: ja or en")
    currency: str = Field(default="JPY", description="ISO 4217 currency of amounts typed at this register")
    kiosk: bool = Field(
        default=False, description="full screen, no window frame, no way out without the manager PIN"
    )
    customer_display: bool = Field(
        default=False, description="a second window facing the customer (on the second monitor in kiosk mode)"
    )
    max_sale: int | None = Field(
        default=1_000_000, gt=0,
        description="largest amount one sale may charge, in minor units of the currency; none = no limit",
    )
    confirm_above: int | None = Field(
        default=100_000, gt=0,
        description="amounts above this (minor units) need a second Enter on a screen showing them large",
    )

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise ValueError(f"expected an ISO 4217 code such as 'JPY', got {value!r}")
        return value


class KeyStoreKind(StrEnum):
    FILE = "file"
    PKCS11 = "pkcs11"


class Pkcs11Settings(_Section):
    module: Path | None = Field(
        default=None, description="PKCS#11 module (.so/.dll), e.g. libsofthsm2.so or tpm2-pkcs11"
    )
    token_label: str | None = Field(default=None, description="token holding the device key")
    key_label: str = Field(default="payterm-device", description="label of the device key inside the token")


class KeysSettings(_Section):
    store: KeyStoreKind = Field(
        default=KeyStoreKind.FILE, description="where the device key lives: file or pkcs11"
    )
    file: Path = Field(
        default_factory=lambda: resolve_paths().key_file, description="encrypted device key (PKCS#8)"
    )
    kek: Path = Field(default_factory=lambda: resolve_paths().kek_file,
                      description="key-encryption key file; refused beside the key file (in the data "
                                  "directory) unless development_mode; the systemd credential payterm-kek "
                                  "or PAYTERM_KEY_PASSPHRASE win over it")
    development_mode: bool = Field(
        default=False, description="demo and tests only: allow the KEK file beside the key (a copy of the data "
                                   "directory can then use the key); the window's top bar says so",
    )
    pkcs11: Pkcs11Settings = Field(default_factory=Pkcs11Settings)

    @model_validator(mode="after")
    def _pkcs11_complete(self) -> Self:
        if self.store is KeyStoreKind.PKCS11 and (
            self.pkcs11.module is None or self.pkcs11.token_label is None
        ):
            raise ValueError("store = 'pkcs11' needs keys.pkcs11.module and keys.pkcs11.token_label")
        return self


class JournalSettings(_Section):
    path: Path = Field(default_factory=lambda: resolve_paths().journal, description="the SQLite journal file")


def _camera(value: object) -> object:
    return int(value) if isinstance(value, str) and value.isdigit() else value


class WedgeSettings(_Section):
    """A keyboard-wedge scanner types fast; a read is a burst ending in Enter."""

    prefix: str = Field(default="", description="characters the scanner sends before a code")
    suffix: str = Field(default="", description="characters the scanner sends after a code, before Enter")
    max_gap_ms: int = Field(default=50, gt=0, description="longest pause between keystrokes of one scan")


class ScannerSettings(_Section):
    camera: Annotated[int | str, BeforeValidator(_camera)] = Field(
        default=0, description="camera index, device path, video file or image folder"
    )
    resolution: str = Field(
        default="1280x720", pattern=r"^\d{2,5}x\d{2,5}$", description="capture size WIDTHxHEIGHT"
    )
    fps: int = Field(default=30, gt=0, le=240, description="capture frame rate")
    wedge: WedgeSettings = Field(default_factory=WedgeSettings)
    serial_port: str | None = Field(
        default=None, description="serial scanner port (/dev/ttyACM0, COM3); none = unused"
    )
    serial_baudrate: int = Field(default=9600, gt=0, description="serial scanner speed")

    @property
    def size(self) -> tuple[int, int]:
        width, height = self.resolution.split("x")
        return int(width), int(height)


class JapanesePrinting(StrEnum):
    IMAGE = "image"
    KANJI = "kanji"


class PrinterKind(StrEnum):
    NONE = "none"
    USB = "usb"
    SERIAL = "serial"
    NETWORK = "network"
    FILE = "file"


class PrinterSettings(_Section):
    kind: PrinterKind = Field(
        default=PrinterKind.NONE, description="ESC/POS receipt printer: none, usb, serial, network, file"
    )
    usb_vendor_id: int | None = Field(default=None, description="USB vendor id (kind = usb)")
    usb_product_id: int | None = Field(default=None, description="USB product id (kind = usb)")
    serial_port: str | None = Field(default=None, description="serial port (kind = serial)")
    host: str | None = Field(default=None, description="printer host (kind = network)")
    port: int = Field(default=9100, gt=0, lt=65536, description="printer TCP port (kind = network)")
    path: Path | None = Field(default=None, description="file or device to write to (kind = file)")
    width_chars: int = Field(default=42, gt=0, description="characters per line")
    customer_copy: bool = Field(default=True, description="print a customer slip as well as the merchant's")
    japanese: JapanesePrinting = Field(
        default=JapanesePrinting.IMAGE,
        description="how Japanese text reaches the printer: image (any ESC/POS printer) or kanji (Shift_JIS "
                    "Kanji mode, Japanese-model printers)")

    @model_validator(mode="after")
    def _complete(self) -> Self:
        needed = {
            PrinterKind.USB: ("usb_vendor_id", "usb_product_id"),
            PrinterKind.SERIAL: ("serial_port",),
            PrinterKind.NETWORK: ("host",),
            PrinterKind.FILE: ("path",),
        }.get(self.kind, ())
        missing = [f"printer.{name}" for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"kind = '{self.kind.value}' needs {' and '.join(missing)}")
        return self


class ManagerSettings(_Section):
    """Manager mode at this register. The PIN, the count of wrong ones and the lock-out are the
    wallet's (docs/keys.md): nothing of them is configured or kept here."""

    session_timeout: Seconds = Field(
        default=120.0, description="idle time after which the manager is signed out"
    )


class PosApiSettings(_Section):
    """The local Terminal API for POS software (docs/pos-integration.md). Pairing secrets are never
    here: `payterm pos pair` keeps them in the data directory."""

    enabled: bool = Field(
        default=False,
        description="serve the POS API inside `payterm gui` too: the amount comes from the POS "
                    "(`payterm serve` always serves it)")
    host: str = Field(default="0.0.0.0", description="address the POS API listens on (0.0.0.0: every interface)")
    port: int = Field(default=8443, gt=0, lt=65536, description="HTTPS port of the POS API (Adyen's is 8443)")
    poi_id: str | None = Field(
        default=None, pattern=r"^[\x21-\x7e]{1,64}$",
        description="this register's POIID in nexo messages; none = the register's name without spaces")
    plain_json_on_loopback: bool = Field(
        default=False,
        description="development only: accept unprotected JSON when both ends are on loopback")
    replay_window: Seconds = Field(default=86400.0, description="how long a nonce or ServiceID is remembered")
    payment_wait: Seconds = Field(
        default=110.0, le=115.0,
        description="longest wait for a verdict before answering InProgress (POS systems wait 120 s)")


# "register" is the natural section name but shadows ABCMeta.register on the class; pydantic
# warns and the field works as any other, so the warning is silenced for this one definition.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning)

    class Settings(_Section):
        wallet: WalletSettings = Field(default_factory=WalletSettings)
        register: RegisterSettings = Field(default_factory=RegisterSettings)
        keys: KeysSettings = Field(default_factory=KeysSettings)
        journal: JournalSettings = Field(default_factory=JournalSettings)
        scanner: ScannerSettings = Field(default_factory=ScannerSettings)
        printer: PrinterSettings = Field(default_factory=PrinterSettings)
        manager: ManagerSettings = Field(default_factory=ManagerSettings)
        pos: PosApiSettings = Field(default_factory=PosApiSettings)
