"""`payterm enroll` (make the device key, enroll it, pin the wallet's keys, set the first manager
PIN) and `payterm rotate-key` (replace the device key, signed by the old and the new).

The manager PIN is read from stdin with ``--manager-pin-stdin`` (silent enrollment) or asked
twice on a terminal, and set at the wallet with the enrollment's one-time setup token: the wallet
holds and checks it, the register keeps none. Later it is changed with the old one (manager mode),
or, forgotten, reset by IT with a reset code from the wallet (`payterm manager-pin reset`)."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime

from terminal.commands.common import CommandError, Exit, fail, settings
from terminal.config import ConfigError
from terminal.config.loader import LoadedSettings, required_wallet_key
from terminal.crypto import Alg, KeySigner
from terminal.crypto.keystore import KeyStoreError, fingerprint
from terminal.journal.errors import JournalError
from terminal.journal.store import Journal
from terminal.register import enrollment as enrollment_file
from terminal.register.enrollment import NotEnrolled, WalletKeyUnconfirmed
from terminal.register.manager_pin import ManagerPinError, PinAlreadySet, PinNotChanged, check_policy
from terminal.register.setup import enrollment_path, load_enrollment, open_keys, open_register, wallet_client
from terminal.wallet.errors import WalletError, WalletRejected


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("enroll", help="enroll this register with its wallet (makes the device key)")
    p.add_argument("--wallet", help="wallet API URL (https; http only to this machine). Default: wallet.url")
    p.add_argument("--code", help="the one-time enrollment code from the wallet")
    p.add_argument("--alg", type=Alg, choices=list(Alg), default=None,
                   help="device key algorithm (default: ed25519; PKCS#11 tokens without it: ecdsa-p256-sha256)")
    p.add_argument("--wallet-key-fingerprint", metavar="SHA256:…",
                   help="expected fingerprint of the wallet's signing key, given to IT out of band "
                        "(default: wallet.key_fingerprint from /etc/payterm, which then must match)")
    p.add_argument("--trust-on-first-use", action="store_true",
                   help="without a fingerprint, pin whatever key the wallet answers with (only where "
                        "nobody can be between this register and the wallet, e.g. the sandbox)")
    p.add_argument("--force", action="store_true", help="enroll again, replacing this register's key")
    p.add_argument("--manager-pin-stdin", action="store_true",
                   help="read the first manager PIN (4-12 digits) from stdin (set at the wallet)")
    p.set_defaults(func=run_enroll)

    r = sub.add_parser("rotate-key", help="replace the device key (the wallet confirms before it is used)")
    r.set_defaults(func=run_rotate)


def read_manager_pin(from_stdin: bool, prompt: str = "first manager PIN (4-12 digits): ") -> str | None:
    """A manager PIN: one line of stdin, or asked twice on a terminal; None if neither."""
    if from_stdin:
        pin = sys.stdin.readline().strip()
    elif sys.stdin.isatty():
        pin = getpass.getpass(prompt)
        if getpass.getpass("the same PIN again: ") != pin:
            raise CommandError("the two PINs differ", Exit.USAGE)
    else:
        return None
    try:
        check_policy(pin)
    except ManagerPinError as exc:
        raise CommandError(f"manager PIN: {exc}", Exit.USAGE) from None
    return pin


def set_manager_pin(loaded: LoadedSettings, pin: str, setup_token: str | None) -> bool:
    """Set the first manager PIN at the wallet, with the enrollment's one-time setup token;
    False when the wallet already holds one for this register (it is kept)."""
    reg = open_register(loaded, receipts=False)
    try:
        reg.manager_pin().set_first(pin, setup_token=setup_token, actor="cli:enroll")
    except PinAlreadySet:
        return False
    except PinNotChanged as exc:
        raise CommandError(f"manager PIN: {exc}", Exit.FAILED) from None
    finally:
        reg.close()
    return True


def run_enroll(args: argparse.Namespace) -> int:
    try:
        loaded = settings()
        path = enrollment_path(loaded)
        if path.exists() and not args.force:
            if args.manager_pin_stdin and args.code is None:
                return _pin_only(loaded)
            raise CommandError(f"this register is already enrolled ({path}); use --force to enroll again",
                               Exit.USAGE)
        if not args.code:
            raise CommandError("the enrollment code is missing: pass --code CODE", Exit.USAGE)
        try:
            expected = required_wallet_key(loaded, args.wallet_key_fingerprint)
        except ConfigError as exc:
            raise CommandError(str(exc), Exit.USAGE) from None
        url = args.wallet or loaded.settings.wallet.url
        if not url:
            raise CommandError("no wallet URL: pass --wallet URL (or set wallet.url in the config)", Exit.USAGE)
        expected = args.wallet_key_fingerprint or loaded.settings.wallet.key_fingerprint
        if not expected and not args.trust_on_first_use:
            raise CommandError(
                "the wallet's key must be confirmed before it is pinned: pass --wallet-key-fingerprint "
                "SHA256:… (from your wallet provider; or set wallet.key_fingerprint in the config), or "
                "--trust-on-first-use where nobody can be between this register and the wallet", Exit.USAGE)
        pin = read_manager_pin(args.manager_pin_stdin)
        store = open_keys(loaded.settings, create_kek=True)
        alg = args.alg or (Alg.ED25519 if Alg.ED25519 in store.supported_algs() else Alg.ECDSA_P256_SHA256)
        enrollment, signer = enrollment_file.enroll(
            url, args.code, store, alg=alg, replace=args.force,
            expected_wallet_key=expected,
            trust_on_first_use=args.trust_on_first_use,
        )
        enrollment_file.save(enrollment, path)
        pin_set = pin is not None and set_manager_pin(loaded, pin, enrollment.manager_setup_token)
    except WalletRejected as exc:
        print(f"payterm enroll: the wallet refused the enrollment: {exc.title}"
              + (f" ({exc.detail})" if exc.detail else ""), file=sys.stderr)
        return int(Exit.FAILED)
    except (CommandError, WalletError, JournalError) as exc:
        return fail("enroll", exc)
    except KeyStoreError as exc:
        return fail("enroll", CommandError(f"device key: {exc}", Exit.SETUP))
    except WalletKeyUnconfirmed as exc:
        return fail("enroll", CommandError(str(exc), Exit.USAGE))
    print(f"Enrolled as {enrollment.terminal_name} (device {enrollment.device_id}) "
          f"at {enrollment.merchant_name} / {enrollment.store_name}")
    print(f"device key: {alg.value} {fingerprint(signer.public_key_bytes())}")
    for fp in enrollment.wallet_fingerprints():
        print(f"wallet key pinned: {fp}")
    if pin_set:
        print("manager PIN set")
    elif pin is not None:
        print("manager PIN: this register already has one; it was kept (change it in manager mode)")
    else:
        print("no manager PIN set: manager mode and kiosk mode stay closed until IT sets one with a "
              "reset code from the wallet (`payterm manager-pin reset --reset-code CODE`)", file=sys.stderr)
    return int(Exit.OK)


def _pin_only(loaded: LoadedSettings) -> int:
    raise CommandError("the first manager PIN is set while enrolling. For a register enrolled without "
                       "one, or a forgotten PIN, IT asks the wallet's help desk for a reset code and runs "
                       "`payterm manager-pin reset --reset-code CODE`", Exit.USAGE)


def run_rotate(args: argparse.Namespace) -> int:
    try:
        loaded = settings()
        enrollment = load_enrollment(loaded)
        store = open_keys(loaded.settings)
        old = fingerprint(store.load().public_key_bytes())
        def record(old_key: KeySigner, new_key: KeySigner) -> None:
            with Journal(loaded.settings.journal.path, old_key) as journal:
                journal.record_key_rotation(old_key, new_key, datetime.now(UTC), actor="cli:rotate-key")

        with wallet_client(loaded.settings, enrollment, store) as client:
            new = enrollment_file.rotate_key(store, client, record)
    except NotEnrolled as exc:
        return fail("rotate-key", CommandError(str(exc), Exit.SETUP))
    except KeyStoreError as exc:
        return fail("rotate-key", CommandError(f"device key: {exc}", Exit.SETUP))
    except (CommandError, WalletError) as exc:
        return fail("rotate-key", exc)
    print(f"device key replaced: {old} -> {fingerprint(new.public_key_bytes())}")
    return int(Exit.OK)
