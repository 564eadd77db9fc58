"""`payterm enroll` (make the device key, enroll it, pin the wallet's keys) and
`payterm rotate-key` (replace the device key, signed by the old and the new)."""

from __future__ import annotations

import argparse
import sys

from terminal.commands.common import CommandError, Exit, fail, settings
from terminal.crypto import Alg
from terminal.crypto.keystore import KeyStoreError, fingerprint
from terminal.register import enrollment as enrollment_file
from terminal.register.enrollment import NotEnrolled
from terminal.register.setup import enrollment_path, load_enrollment, open_keys, wallet_client
from terminal.wallet.errors import WalletError, WalletRejected


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("enroll", help="enroll this register with its wallet (makes the device key)")
    p.add_argument("--wallet", help="wallet API URL (https; http only to this machine). Default: wallet.url")
    p.add_argument("--code", required=True, help="the one-time enrollment code from the wallet")
    p.add_argument("--alg", type=Alg, choices=list(Alg), default=None,
                   help="device key algorithm (default: ed25519; PKCS#11 tokens without it: ecdsa-p256-sha256)")
    p.add_argument("--wallet-key-fingerprint", metavar="SHA256:…",
                   help="expected fingerprint of the wallet's signing key, given to IT out of band")
    p.add_argument("--force", action="store_true", help="enroll again, replacing this register's key")
    p.set_defaults(func=run_enroll)

    r = sub.add_parser("rotate-key", help="replace the device key (the wallet confirms before it is used)")
    r.set_defaults(func=run_rotate)


def run_enroll(args: argparse.Namespace) -> int:
    try:
        loaded = settings()
        url = args.wallet or loaded.settings.wallet.url
        if not url:
            raise CommandError("no wallet URL: pass --wallet URL (or set wallet.url in the config)", Exit.USAGE)
        path = enrollment_path(loaded)
        if path.exists() and not args.force:
            raise CommandError(f"this register is already enrolled ({path}); use --force to enroll again",
                               Exit.USAGE)
        store = open_keys(loaded.settings, create_kek=True)
        alg = args.alg or (Alg.ED25519 if Alg.ED25519 in store.supported_algs() else Alg.ECDSA_P256_SHA256)
        enrollment, signer = enrollment_file.enroll(
            url, args.code, store, alg=alg, replace=args.force,
            expected_wallet_key=args.wallet_key_fingerprint,
        )
        enrollment_file.save(enrollment, path)
    except WalletRejected as exc:
        extra = f" ({exc.detail})" if exc.detail and exc.detail != exc.title else ""
        print(f"payterm enroll: the wallet refused the enrollment: {exc.title}{extra}", file=sys.stderr)
        return int(Exit.FAILED)
    except (CommandError, WalletError) as exc:
        return fail("enroll", exc)
    except KeyStoreError as exc:
        return fail("enroll", CommandError(f"device key: {exc}", Exit.SETUP))
    print(f"Enrolled as {enrollment.terminal_name} (device {enrollment.device_id}) "
          f"at {enrollment.merchant_name} / {enrollment.store_name}")
    print(f"device key: {alg.value} {fingerprint(signer.public_key_bytes())}")
    for fp in enrollment.wallet_fingerprints():
        print(f"wallet key pinned: {fp}")
    return int(Exit.OK)


def run_rotate(args: argparse.Namespace) -> int:
    try:
        loaded = settings()
        enrollment = load_enrollment(loaded)
        store = open_keys(loaded.settings)
        old = fingerprint(store.load().public_key_bytes())
        with wallet_client(loaded.settings, enrollment, store) as client:
            new = enrollment_file.rotate_key(store, client)
    except NotEnrolled as exc:
        return fail("rotate-key", CommandError(str(exc), Exit.SETUP))
    except KeyStoreError as exc:
        return fail("rotate-key", CommandError(f"device key: {exc}", Exit.SETUP))
    except (CommandError, WalletError) as exc:
        return fail("rotate-key", exc)
    print(f"device key replaced: {old} -> {fingerprint(new.public_key_bytes())}")
    return int(Exit.OK)
