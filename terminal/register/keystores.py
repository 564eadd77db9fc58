"""The key-store factory of the composition root: the one place where the device key store's
implementation (file or PKCS#11) is chosen from the settings. It lives here, above
``terminal.crypto``, so that the key-store interface does not import its implementations."""

from __future__ import annotations

import os
from collections.abc import Mapping

from terminal.crypto.keystore import (
    KEK_CREDENTIAL, KEY_PASSPHRASE_ENV, PKCS11_PIN_CREDENTIAL, PKCS11_PIN_ENV, KeyStore, KeyStoreError,
    KeyStoreKind, KeyStoreSettings, SecretSource,
)


def open_key_store(settings: KeyStoreSettings, environ: Mapping[str, str] = os.environ) -> KeyStore:
    """The one place the key store implementation is chosen. Imports lazily: no pkcs11 for file users."""
    if settings.kind is KeyStoreKind.FILE:
        from terminal.crypto.file_keystore import FileKeyStore

        return FileKeyStore(
            settings.key_file,
            SecretSource(KEY_PASSPHRASE_ENV, settings.kek_file, environ, credential=KEK_CREDENTIAL,
                         guard=settings.key_file, development_mode=settings.development_mode),
            label=settings.label,
        )
    from terminal.crypto.pkcs11_keystore import Pkcs11KeyStore

    if settings.pkcs11_module is None:
        raise KeyStoreError("the pkcs11 key store needs pkcs11_module (path of the PKCS#11 library)")
    return Pkcs11KeyStore(
        settings.pkcs11_module,
        settings.pkcs11_token_label,
        SecretSource(PKCS11_PIN_ENV, settings.pkcs11_pin_file, environ, credential=PKCS11_PIN_CREDENTIAL),
        label=settings.label,
    )
