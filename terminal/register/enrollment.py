"""This register's enrollment with its wallet: made once by ``payterm enroll`` (or the first-run
wizard), read at every start. It pins the wallet's signing keys and PIN key.

The file holds only public material (ids, the wallet's public keys), but it decides whom the
register trusts, so it is written atomically with mode 0600 and checked on load.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from terminal.crypto import Alg, KeySigner, VerifyKey, public_key_b64, public_key_from_b64
from terminal.config.paths import open_private
from terminal.crypto.errors import SignatureError
from terminal.domain import strict_json
from terminal.crypto.keystore import KeyStore, check_private_file, fingerprint
from terminal.wallet.client import WalletClient
from terminal.wallet.errors import InsecureWalletURL
from terminal.wallet.messages import EnrollResponse
from terminal.wallet.transport import check_wallet_url

FILE_NAME = "enrollment.json"
FORMAT = 1


class NotEnrolled(Exception):
    """No (readable) enrollment: run ``payterm enroll``."""


class WalletKeyUnconfirmed(Exception):
    """Enrollment asked without a way to confirm the wallet's key: neither its fingerprint nor
    an explicit choice to trust the first key that answers."""


FIX = ("restore it from a backup, or enroll again: "
       "payterm enroll --force --wallet https://… --code CODE --wallet-key-fingerprint SHA256:…")


@dataclass(frozen=True)
class Enrollment:
    wallet_url: str
    device_id: str
    merchant_id: str
    store_id: str
    terminal_name: str
    wallet_keys: dict[str, VerifyKey]
    pin_keyid: str
    pin_key: bytes
    currency: str
    timezone: str
    merchant_name: str
    store_name: str
    step_up_max_seconds: int
    key_alg: Alg
    enrolled_at: datetime
    training: bool = False  # the wallet says it is a test wallet (sandbox): no real money
    # The one-time token for setting the first manager PIN at the wallet, from the enrollment
    # answer. Held in memory by whoever enrolls; never written to enrollment.json.
    manager_setup_token: str | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_answer(cls, wallet_url: str, answer: EnrollResponse, alg: Alg, at: datetime) -> Enrollment:
        hints = answer.config_hints
        return cls(
            wallet_url=wallet_url, device_id=answer.device_id, merchant_id=answer.merchant_id,
            store_id=answer.store_id, terminal_name=answer.terminal_name,
            wallet_keys={k.keyid: VerifyKey(Alg(k.alg.value), public_key_from_b64(k.public_key))
                         for k in answer.wallet_keys},
            pin_keyid=answer.pin_key.keyid, pin_key=public_key_from_b64(answer.pin_key.public_key),
            currency=hints.currency, timezone=hints.timezone, merchant_name=hints.merchant_name,
            store_name=hints.store_name, step_up_max_seconds=hints.step_up_max_seconds,
            key_alg=alg, enrolled_at=at, training=hints.training,
            manager_setup_token=answer.manager_setup_token,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "wallet_url": self.wallet_url, "device_id": self.device_id,
            "merchant_id": self.merchant_id, "store_id": self.store_id, "terminal_name": self.terminal_name,
            "wallet_keys": [{"keyid": k, "alg": v.alg.value, "public_key": public_key_b64(v.public_key)}
                            for k, v in self.wallet_keys.items()],
            "pin_key": {"keyid": self.pin_keyid, "public_key": public_key_b64(self.pin_key)},
            "currency": self.currency, "timezone": self.timezone, "merchant_name": self.merchant_name,
            "store_name": self.store_name, "step_up_max_seconds": self.step_up_max_seconds,
            "key_alg": self.key_alg.value, "enrolled_at": self.enrolled_at.isoformat(),
            "training": self.training,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Enrollment:
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown format {data.get('format')!r}")
        return cls(
            wallet_url=check_wallet_url(data["wallet_url"]), device_id=data["device_id"],
            merchant_id=data["merchant_id"],
            store_id=data["store_id"], terminal_name=data["terminal_name"],
            wallet_keys={k["keyid"]: VerifyKey(Alg(k["alg"]), public_key_from_b64(k["public_key"]))
                         for k in data["wallet_keys"]},
            pin_keyid=data["pin_key"]["keyid"], pin_key=public_key_from_b64(data["pin_key"]["public_key"]),
            currency=data["currency"], timezone=data["timezone"], merchant_name=data["merchant_name"],
            store_name=data["store_name"], step_up_max_seconds=int(data["step_up_max_seconds"]),
            key_alg=Alg(data["key_alg"]), enrolled_at=datetime.fromisoformat(data["enrolled_at"]),
            training=bool(data.get("training", False)),
        )

    def wallet_fingerprints(self) -> list[str]:
        return [fingerprint(k.public_key) for k in self.wallet_keys.values()]


def enrollment_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def save(enrollment: Enrollment, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    with open_private(tmp) as fh:  # 0600 in a 0700 directory
        fh.write(json.dumps(enrollment.to_json(), indent=2).encode())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load(path: Path) -> Enrollment:
    """The saved enrollment; ``NotEnrolled`` naming the file and the fix when it is missing or
    anything in it is wrong (edited, truncated, a wallet URL that is not allowed)."""
    try:
        check_private_file(path, "enrollment file")
        data = strict_json.loads(path.read_bytes())
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return Enrollment.from_json(data)
    except FileNotFoundError:
        raise NotEnrolled(f"this register is not enrolled ({path} missing): run `payterm enroll`") from None
    except InsecureWalletURL as exc:
        raise NotEnrolled(
            f"the enrollment file {path} names a wallet that is not allowed ({exc}): {FIX}") from None
    except KeyError as exc:
        raise NotEnrolled(f"the enrollment file {path} is damaged (no {exc}): {FIX}") from None
    except (ValueError, TypeError, AttributeError, SignatureError) as exc:
        raise NotEnrolled(f"the enrollment file {path} is damaged ({exc}): {FIX}") from None


def enroll(
    wallet_url: str,
    code: str,
    store: KeyStore,
    *,
    alg: Alg = Alg.ED25519,
    replace: bool = False,
    expected_wallet_key: str | None = None,
    trust_on_first_use: bool = False,
    client_options: dict[str, Any] | None = None,
) -> tuple[Enrollment, KeySigner]:
    """Make the device key, enroll it, and return what to pin. If the wallet says no, a key made
    here is deleted again (a failed enrollment leaves no half-made register behind).

    The wallet's key is pinned only if its fingerprint is ``expected_wallet_key`` (given to IT by
    the wallet provider, out of band), or, with ``trust_on_first_use``, whatever key answers:
    anyone between the register and the wallet at that moment would then be trusted for good.
    Neither is refused (``WalletKeyUnconfirmed``) before anything is made or sent."""
    if not expected_wallet_key and not trust_on_first_use:
        raise WalletKeyUnconfirmed(
            "the wallet's key must be confirmed: give its fingerprint (--wallet-key-fingerprint SHA256:…, "
            "or wallet.key_fingerprint in the config), or pass --trust-on-first-use to trust the first key "
            "that answers")
    had_key = store.exists()
    signer = store.generate(alg, replace=replace)
    try:
        with WalletClient.for_enrollment(wallet_url, signer, **(client_options or {})) as client:
            answer = client.enroll(code, expected_wallet_key=expected_wallet_key)
    except BaseException:
        if not had_key:
            store.delete()
        raise
    return Enrollment.from_answer(client.base_url, answer, alg, datetime.now(UTC)), signer


def rotate_key(store: KeyStore, client: WalletClient,
               confirmed: Callable[[KeySigner, KeySigner], None] | None = None) -> KeySigner:
    """Replace the device key: the new key is made as pending, registered with the wallet (signed
    by the old key and the new), and only then promoted. If the wallet never confirms, the old
    key stays in use and the pending one is discarded. ``confirmed(old, new)`` runs once the
    wallet has confirmed, before the promotion (the journal records the hand-over there)."""
    if store.has_pending():
        store.discard_pending()
    old = store.load()
    new = store.generate_pending(old.alg)
    try:
        client.rotate_key(new)
    except BaseException:
        store.discard_pending()
        raise
    if confirmed is not None:
        confirmed(old, new)
    return store.promote_pending()
