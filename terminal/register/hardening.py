"""`payterm doctor`'s checks of what protects the register from its own users and from a copy
of its disk: who can read its files, and where its device key and key-encryption key live.

Kept apart from doctor.py's reachability checks; doctor calls ``security_checks`` once and shows
each ``Finding`` as one of its own results.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from terminal.config.loader import LoadedSettings
from terminal.config.paths import mode_problems
from terminal.crypto.file_keystore import FileKeyStore
from terminal.crypto.keystore import KEK_CREDENTIAL, KEY_PASSPHRASE_ENV, KeyStoreKind, SecretKind
from terminal.register.setup import key_store_settings
from terminal.register.keystores import open_key_store


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Finding:
    check: str  # "file_modes" | "key_protection" (doctor's Check values)
    level: Level
    detail: str
    hint: str = ""


def check_file_modes(loaded: LoadedSettings) -> Finding:
    problems = mode_problems(loaded.paths)
    if not problems:
        return Finding("file_modes", Level.OK,
                       f"{loaded.paths.data_dir} and its files are the register user's alone (0700 / 0600)")
    shown = "; ".join(f"{p.path}: {p.reason}" for p in problems[:3])
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return Finding("file_modes", Level.FAIL, f"{len(problems)} open to other users: {shown}{more}",
                   f"run: chmod -R go-rwx {loaded.paths.data_dir} (as the register's user; chown files "
                   "owned by someone else back to it), or start payterm once, which tightens what it owns")


KEK_FIX = (f"give the KEK as the systemd credential {KEK_CREDENTIAL} (LoadCredentialEncrypted=, see "
           f"docs/keys.md), as an operator's passphrase in {KEY_PASSPHRASE_ENV}, or as a file outside the "
           "data directory (keys.kek); better, keep the key in a TPM or HSM (keys.store = \"pkcs11\")")


def check_key_protection(loaded: LoadedSettings) -> Finding:
    """Where the device key and what unlocks it live; FAIL when a copy of the data folder (a
    backup, a disk image) is all it takes to sign as this register."""
    ks = key_store_settings(loaded.settings)
    if ks.kind is KeyStoreKind.PKCS11:
        return Finding("key_protection", Level.OK,
                       f"device key {ks.label!r} inside the PKCS#11 token {ks.pkcs11_token_label!r} "
                       f"({ks.pkcs11_module}): it cannot be read out")
    store = open_key_store(ks)
    assert isinstance(store, FileKeyStore)  # the FILE kind always opens one
    kek = store.kek
    where = f"device key {ks.key_file} (encrypted); KEK from {kek.describe()}"
    kind = kek.kind()
    if kind is SecretKind.NONE:
        return Finding("key_protection", Level.FAIL, f"{where}: there is no KEK", KEK_FIX)
    if kind is SecretKind.FILE and kek.file_beside_key():
        if ks.development_mode:
            return Finding("key_protection", Level.WARN,
                           f"development mode: {where}; a copy of the data folder can sign as this register",
                           "for a register taking real payments: " + KEK_FIX + ", and turn development_mode off")
        return Finding("key_protection", Level.FAIL,
                       f"{where}; a copy of the data folder can sign as this register", KEK_FIX)
    return Finding("key_protection", Level.OK, where)


def security_checks(loaded: LoadedSettings) -> list[Finding]:
    """Every check of this module, in the order a person would fix things."""
    return [check_file_modes(loaded), check_key_protection(loaded)]
