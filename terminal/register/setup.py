"""The one place where the register's parts are chosen and put together from the settings:
key store, enrollment, wallet client, journal, classifier, runner."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import httpx

from terminal.config.loader import LoadedSettings
from terminal.config.model import Settings
from terminal.config.paths import make_private_dir, open_private, tighten_tree
from terminal.crypto.keys import KeySigner, VerifyKey
from terminal.crypto.keystore import (
    CREDENTIALS_DIR_ENV, KEK_CREDENTIAL, KEY_PASSPHRASE_ENV, KeyStore, KeyStoreKind, KeyStoreSettings,
)
from terminal.domain.amount_guard import AmountLimits
from terminal.domain.flow import Sale, Timings
from terminal.domain.paymentcode import PaymentCodeClassifier
from terminal.domain.wallet_schemes import WalletSchemes
from terminal.journal.store import Journal
from terminal.register import enrollment as enrollment_file
from terminal.register.keystores import open_key_store
from terminal.register.enrollment import Enrollment
from terminal.register.operations import Operations
from terminal.register.register import Register
from terminal.register.runner import Hooks, PaymentRunner
from terminal.register.wallet_effects import WalletEffects
from terminal.receipts.model import StoreInfo
from terminal.receipts.service import ReceiptService
from terminal.scan.codecheck import default_wallets_text
from terminal.wallet.client import Timeouts, WalletClient


def key_store_settings(settings: Settings) -> KeyStoreSettings:
    keys = settings.keys
    return KeyStoreSettings(
        kind=KeyStoreKind(keys.store.value),
        label=keys.pkcs11.key_label,
        key_file=keys.file,
        kek_file=keys.kek,
        pkcs11_module=keys.pkcs11.module,
        pkcs11_token_label=keys.pkcs11.token_label or "payterm",
        development_mode=keys.development_mode,
    )


def ensure_kek(path: Path, environ: Mapping[str, str] = os.environ) -> bool:
    """Make the file store's key-encryption key (256 random bits, mode 0600) if there is none and
    no passphrase is given in the environment. Returns True if it made one."""
    credentials = environ.get(CREDENTIALS_DIR_ENV)
    if environ.get(KEY_PASSPHRASE_ENV) or path.exists() or (
        credentials and (Path(credentials) / KEK_CREDENTIAL).is_file()
    ):
        return False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(base64.b64encode(secrets.token_bytes(32)) + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    return True


def open_keys(settings: Settings, *, create_kek: bool = False) -> KeyStore:
    ks = key_store_settings(settings)
    # The register makes a KEK file itself only in development mode (beside the key, for the demo
    # and tests); otherwise IT provides the KEK (systemd credential, passphrase, a file elsewhere).
    if create_kek and ks.kind is KeyStoreKind.FILE and ks.kek_file is not None and ks.development_mode:
        ensure_kek(ks.kek_file)
    return open_key_store(ks)


def timings(settings: Settings) -> Timings:
    wallet = settings.wallet
    return Timings(
        poll_interval=wallet.poll_interval, poll_max=wallet.poll_max,
        step_up_max=wallet.step_up_max, reversal_initial=wallet.reversal.initial_delay,
        reversal_max=wallet.reversal.max_delay,
    )


def classifier() -> PaymentCodeClassifier:
    return PaymentCodeClassifier(WalletSchemes.from_toml(default_wallets_text()))


def enrollment_path(loaded: LoadedSettings) -> Path:
    return enrollment_file.enrollment_path(loaded.paths.data_dir)


def load_enrollment(loaded: LoadedSettings) -> Enrollment:
    return enrollment_file.load(enrollment_path(loaded))


def audit_signer(settings: Settings) -> KeySigner | None:
    """The device key that signs the journal's audit entries; None before there is one (a
    journal written before enrollment keeps unsigned entries, "before the keyed chain")."""
    store = open_keys(settings)
    return store.load() if store.exists() else None


def open_journal(settings: Settings) -> Journal:
    """The journal with the device key injected, for every tool that writes to it."""
    return Journal(settings.journal.path, audit_signer(settings))


def audit_verify_key(settings: Settings) -> VerifyKey | None:
    """The device's public key, for checking the audit log; read from the key store's public part
    (no KEK, passphrase or token PIN needed). None when this register has no key."""
    store = open_keys(settings)
    if not store.exists():
        return None
    described = store.describe()
    return VerifyKey(described.alg, described.public_key)


def wallet_client(
    settings: Settings, enrollment: Enrollment, store: KeyStore, *, transport: httpx.BaseTransport | None = None,
    signer: KeySigner | None = None,
) -> WalletClient:
    return WalletClient(
        enrollment.wallet_url,
        signer=signer or store.load(),
        device_id=enrollment.device_id,
        wallet_keys=enrollment.wallet_keys,
        timeouts=Timeouts(connect=settings.wallet.timeouts.connect, charge=settings.wallet.timeouts.charge),
        transport=transport,
    )


def store_info(settings: Settings, enrollment: Enrollment) -> StoreInfo:
    """Who issues this register's receipts: the small value object that receipts get, built here
    so that ``terminal.receipts`` never reads the enrollment or the register."""
    return StoreInfo(enrollment.merchant_name, enrollment.store_name, settings.register.name,
                     enrollment.timezone, enrollment.training)


def open_register(
    loaded: LoadedSettings, hooks: Hooks | None = None, *, transport: httpx.BaseTransport | None = None,
    receipts: bool = True,
) -> Register:
    """Everything a register needs to take payments. Raises ``NotEnrolled`` before enrollment,
    ``KeyStoreError`` when the key cannot be unlocked, ``JournalError`` for a bad journal."""
    settings = loaded.settings
    tighten_tree(make_private_dir(loaded.paths.data_dir))  # 0700 / 0600, also for an older install
    enrollment = load_enrollment(loaded)
    store = open_keys(settings)
    signer = store.load()
    client = wallet_client(settings, enrollment, store, transport=transport, signer=signer)
    if not settings.journal.path.exists():  # SQLite gives its -wal and -shm the journal's mode
        open_private(settings.journal.path).close()
    journal = Journal(settings.journal.path, signer)
    effects = WalletEffects(client, pin_key=enrollment.pin_key)
    hooks = hooks or Hooks()
    service = None if not receipts else ReceiptService(
        journal, store_info(settings, enrollment), settings.printer,
        loaded.paths.data_dir / "receipts", language=settings.register.language,
        on_problem=lambda message: runner.hooks.on_notice(message),  # late: the window may swap hooks
    )

    def issue_receipts(sale: Sale) -> None:
        if service is not None and sale.idempotency_key is not None:
            service.issue(sale.idempotency_key)

    # The register's own reversal refunds need no business day (the same-day rule is a void's).
    operations = Operations(journal, client, timezone=enrollment.timezone, actor="register")
    runner = PaymentRunner(effects, journal, timings=timings(settings), hooks=hooks,
                           receipts=issue_receipts, reverser=operations)
    return Register(
        journal=journal, client=client, effects=effects, runner=runner, classifier=classifier(),
        enrollment=enrollment, register_name=settings.register.name, receipts=service,
        operations=operations, code_lifetime=settings.wallet.code_lifetime,
        limits=AmountLimits(maximum=settings.register.max_sale, confirm_above=settings.register.confirm_above),
    )
