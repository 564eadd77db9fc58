"""What the first-run wizard does, without Qt: the same steps as ``payterm enroll`` (make the
device key in the chosen store, enroll it, pin the wallet's keys, save the enrollment), then the
wallet URL and key store choice written to the local config and the first manager PIN set."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from terminal.config.loader import LoadedSettings, required_wallet_key
from terminal.config.model import KeyStoreKind
from terminal.config.writer import ConfigWriteError, ConfigWriter, Value
from terminal.crypto import Alg
from terminal.crypto.keystore import PKCS11_PIN_ENV, fingerprint
from terminal.journal.store import Journal
from terminal.register.keystores import open_key_store
from terminal.register import enrollment as enrollment_file
from terminal.register.enrollment import Enrollment
from terminal.register.manager_pin import ManagerPin, check_policy
from terminal.register.setup import enrollment_path, ensure_kek, key_store_settings, wallet_client


@dataclass(frozen=True)
class FirstRun:
    wallet_url: str
    code: str
    manager_pin: str
    store: KeyStoreKind = KeyStoreKind.FILE
    pkcs11_module: Path | None = None
    token_label: str | None = None
    token_pin: str | None = None  # used for this enrollment only, never stored
    wallet_key_fingerprint: str | None = None
    trust_on_first_use: bool = False  # without a fingerprint: the installer chose to trust the first key

    def config_changes(self) -> dict[str, Value]:
        changes: dict[str, Value] = {"wallet.url": self.wallet_url.strip(), "keys.store": self.store.value}
        if self.store is KeyStoreKind.PKCS11:
            changes["keys.pkcs11.module"] = self.pkcs11_module
            changes["keys.pkcs11.token_label"] = self.token_label
        return changes


@dataclass(frozen=True)
class Enrolled:
    enrollment: Enrollment
    device_key: str  # SHA256 fingerprint
    wallet_keys: list[str]
    pin_was_set: bool  # False: this journal already had a manager PIN, which was kept


def check(loaded: LoadedSettings, run: FirstRun, env: Mapping[str, str] | None = None) -> None:
    """Refuse early (nothing made, nothing sent) a PIN or config choice that cannot be used."""
    check_policy(run.manager_pin)
    required_wallet_key(loaded, run.wallet_key_fingerprint)  # IT's wallet.key_fingerprint, if set
    errors = ConfigWriter(loaded, env).check(run.config_changes())
    if errors:
        raise ConfigWriteError(errors)


def enroll(loaded: LoadedSettings, run: FirstRun, env: Mapping[str, str] | None = None) -> Enrolled:
    """Blocking (the wallet, the token, argon2): run it on a worker."""
    environ = dict(os.environ if env is None else env)
    check(loaded, run, environ)
    writer = ConfigWriter(loaded, environ)
    keys = loaded.settings.keys.model_copy(update={
        "store": run.store,
        "pkcs11": loaded.settings.keys.pkcs11.model_copy(update={
            "module": run.pkcs11_module, "token_label": run.token_label}),
    })
    settings = loaded.settings.model_copy(update={"keys": keys})
    store_settings = key_store_settings(settings)
    if run.store is KeyStoreKind.FILE and store_settings.kek_file is not None and store_settings.development_mode:
        ensure_kek(store_settings.kek_file, environ)  # elsewhere IT gives the KEK (docs/keys.md)
    if run.token_pin:
        environ[PKCS11_PIN_ENV] = run.token_pin
    store = open_key_store(store_settings, environ)
    alg = Alg.ED25519 if Alg.ED25519 in store.supported_algs() else Alg.ECDSA_P256_SHA256
    enrollment, signer = enrollment_file.enroll(run.wallet_url.strip(), run.code.strip(), store, alg=alg,
                                                expected_wallet_key=required_wallet_key(
                                                    loaded, run.wallet_key_fingerprint),
                                                trust_on_first_use=run.trust_on_first_use)
    enrollment_file.save(enrollment, enrollment_path(loaded))
    writer.write(run.config_changes())
    with Journal(settings.journal.path, signer) as journal, \
            wallet_client(settings, enrollment, store, signer=signer) as client:
        pin = ManagerPin(journal, client, enrollment.pin_key)
        pin_was_set = not pin.is_set()
        if pin_was_set:
            pin.set_first(run.manager_pin, setup_token=enrollment.manager_setup_token, actor="enrollment")
    return Enrolled(enrollment, fingerprint(signer.public_key_bytes()), enrollment.wallet_fingerprints(),
                    pin_was_set)
