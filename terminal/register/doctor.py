"""`payterm doctor`'s checks: is this register able to take payments, and if not, what to fix.

Each check returns a typed ``CheckResult`` (OK / WARN / FAIL, one line of detail, one line of
hint). Checks that need an earlier one (the wallet needs the key, the key needs the config) are
SKIPPED when it failed, so one cause is reported once.
"""

from __future__ import annotations

import email.utils
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import httpx
import serial

from terminal.config import ConfigError, LoadedSettings, load_settings
from terminal.config.model import ScannerSettings, Settings
from terminal.crypto import KeySigner, VerifyKey
from terminal.crypto.keystore import KeyStoreError, fingerprint
from terminal.journal.errors import JournalError, SchemaVersionError
from terminal.journal.queries import Reader, verify_chain
from terminal.register.enrollment import Enrollment, NotEnrolled
from terminal.register.hardening import security_checks
from terminal.register.setup import load_enrollment, open_keys, wallet_client
from terminal.scan.sources import CameraSettings, CameraSource, FrameSource, ImageFolderSource, VideoFileSource
from terminal.scan.types import SourceStatus
from terminal.wallet.errors import WalletError
from terminal.wallet.transport import tls_context

SKEW_WARN = 5.0  # seconds between our clock and the wallet's
SKEW_FAIL = 120.0  # the wallet refuses signatures beyond 300 s; fail well before that
SLOW_WALLET = 2.0  # seconds for one status request
CAMERA_WAIT = 3.0  # seconds to wait for a first picture
NO_CAMERA = frozenset({"", "none"})  # scanner.camera values meaning "no camera at this register"


class CheckStatus(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIPPED = "skipped"


class Check(StrEnum):
    CONFIG = "config"
    ENROLLMENT = "enrollment"
    DEVICE_KEY = "device_key"
    WALLET = "wallet"
    CLOCK = "clock"
    JOURNAL = "journal"
    CAMERA = "camera"
    SERIAL_SCANNER = "serial_scanner"
    FILE_MODES = "file_modes"  # these two: terminal/register/hardening.py
    KEY_PROTECTION = "key_protection"


@dataclass(frozen=True)
class CheckResult:
    check: Check
    status: CheckStatus
    detail: str
    hint: str = ""  # what to do about a WARN or FAIL


@dataclass(frozen=True)
class WalletProbe:
    latency: float
    signed_offset: float | None  # wallet minus us, from the signed ``created``
    date_offset: float | None  # wallet minus us, from the HTTP Date header


def _ok(check: Check, detail: str) -> CheckResult:
    return CheckResult(check, CheckStatus.OK, detail)


def _skip(check: Check, because: str) -> CheckResult:
    return CheckResult(check, CheckStatus.SKIPPED, f"not checked: {because}")


def check_config(env: Mapping[str, str] | None = None) -> tuple[CheckResult, LoadedSettings | None]:
    try:
        loaded = load_settings(env)
    except ConfigError as exc:
        return CheckResult(Check.CONFIG, CheckStatus.FAIL, str(exc).splitlines()[0],
                           "fix the file or PAYTERM_* variable named above; `payterm config show` lists all"), None
    overrides = sorted({src.split()[-1] for src in loaded.sources.values() if src.startswith("environment ")})
    files = ", ".join(str(p) for p in loaded.files) or "no config file (built-in defaults)"
    detail = f"loaded from {files}" + (f"; environment: {', '.join(overrides)}" if overrides else "")
    return _ok(Check.CONFIG, detail), loaded


def check_enrollment(loaded: LoadedSettings) -> tuple[CheckResult, Enrollment | None]:
    try:
        e = load_enrollment(loaded)
    except NotEnrolled as exc:
        return CheckResult(Check.ENROLLMENT, CheckStatus.FAIL, str(exc),
                           "run `payterm enroll --wallet URL --code CODE` with a code from the wallet"), None
    return _ok(Check.ENROLLMENT, f"{e.terminal_name} (device {e.device_id}) at {e.merchant_name} / "
                                 f"{e.store_name}, wallet {e.wallet_url}"), e


def check_device_key(settings: Settings) -> tuple[CheckResult, KeySigner | None]:
    try:
        signer = open_keys(settings).load()
        probe = b"payterm doctor " + secrets.token_bytes(16)
        if not VerifyKey.from_signer(signer).verify(signer.sign(probe), probe):
            return CheckResult(Check.DEVICE_KEY, CheckStatus.FAIL, "the key's signature does not verify",
                               "the key store is damaged: enroll again with `payterm enroll --force`"), None
    except KeyStoreError as exc:
        return CheckResult(Check.DEVICE_KEY, CheckStatus.FAIL, f"{type(exc).__name__}: {exc}",
                           "check keys.* in the config, the key files' owner and mode (0600), the "
                           "passphrase or token PIN; without a key, enroll again"), None
    store = settings.keys.store.value
    return _ok(Check.DEVICE_KEY, f"{store} key unlocks and signs: {signer.alg.value} "
                                 f"{fingerprint(signer.public_key_bytes())}"), signer


class _DateRecorder(httpx.BaseTransport):
    """Keeps the wallet's Date header and when it arrived, for the clock check."""

    def __init__(self, inner: httpx.BaseTransport, clock: Callable[[], float]) -> None:
        self._inner = inner
        self._clock = clock
        self.offset: float | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = self._clock()
        response = self._inner.handle_request(request)
        value = response.headers.get("date")
        if value:
            try:
                stated = email.utils.parsedate_to_datetime(value).timestamp()
            except (TypeError, ValueError):
                return response
            # The header has whole seconds: the truth is anywhere in the following second.
            self.offset = stated + 0.5 - (started + self._clock()) / 2
        return response

    def close(self) -> None:
        self._inner.close()


def probe_wallet(settings: Settings, enrollment: Enrollment, clock: Callable[[], float] = time.time) -> WalletProbe:
    """One signed, verified status request (for a key no charge has): raises ``WalletError``."""
    recorder = _DateRecorder(httpx.HTTPTransport(verify=tls_context(None)), clock)
    store = open_keys(settings)
    with wallet_client(settings, enrollment, store, transport=recorder) as client:
        started = clock()
        client.find_charge("doctor-" + secrets.token_hex(8))
        latency = client.last_latency if client.last_latency is not None else clock() - started
        return WalletProbe(latency, client.clock_offset, recorder.offset)


def check_wallet(settings: Settings, enrollment: Enrollment) -> tuple[CheckResult, WalletProbe | None]:
    try:
        probe = probe_wallet(settings, enrollment)
    except WalletError as exc:
        return CheckResult(Check.WALLET, CheckStatus.FAIL, f"{enrollment.wallet_url}: {exc}",
                           "check the network and that the wallet is up; the URL comes from enrollment"), None
    detail = f"{enrollment.wallet_url} answered a signed request in {probe.latency * 1000:.0f} ms"
    if probe.latency > SLOW_WALLET:
        return CheckResult(Check.WALLET, CheckStatus.WARN, detail,
                           "the wallet is slow: check the network; charges may end in doubt"), probe
    return _ok(Check.WALLET, detail), probe


def check_clock(probe: WalletProbe) -> CheckResult:
    offsets = [o for o in (probe.signed_offset, probe.date_offset) if o is not None]
    if not offsets:
        return CheckResult(Check.CLOCK, CheckStatus.WARN, "the wallet stated no time",
                           "cannot compare clocks; make sure NTP is on")
    skew = max(offsets, key=abs)
    detail = "wallet clock minus ours: " + ", ".join(
        f"{name} {o:+.1f} s" for name, o in (("signed", probe.signed_offset), ("Date", probe.date_offset))
        if o is not None)
    hint = "turn on time sync (NTP: `timedatectl set-ntp true`, or Windows Time) and check the time zone"
    if abs(skew) > SKEW_FAIL:
        return CheckResult(Check.CLOCK, CheckStatus.FAIL, detail + " (the wallet refuses beyond 300 s)", hint)
    if abs(skew) > SKEW_WARN:
        return CheckResult(Check.CLOCK, CheckStatus.WARN, detail, hint)
    return _ok(Check.CLOCK, detail)


def check_journal(path: Path) -> CheckResult:
    if not path.exists():
        return _ok(Check.JOURNAL, f"no journal yet at {path} (it is made at the first sale)")
    try:
        Reader(path).audit_head()
        chain = verify_chain(path)
    except SchemaVersionError as exc:
        return CheckResult(Check.JOURNAL, CheckStatus.WARN, str(exc),
                           "start the register (or `payterm recover`) once to migrate it")
    except JournalError as exc:
        return CheckResult(Check.JOURNAL, CheckStatus.FAIL, str(exc),
                           "check journal.path and the file's owner; restore it from a backup if damaged")
    if chain.broken is not None:
        return CheckResult(Check.JOURNAL, CheckStatus.FAIL,
                           f"audit log broken at entry {chain.broken.seq} ({chain.broken.kind.value})",
                           "the journal was changed outside PayTerm: keep a copy and report it "
                           "(`payterm audit verify` shows the details)")
    return _ok(Check.JOURNAL, f"{path} opens; audit log intact ({chain.count} entries)")


def camera_source(settings: ScannerSettings) -> FrameSource:
    """``scanner.camera`` is a camera index or device path, a video file, or an image folder."""
    device = settings.camera
    if isinstance(device, str) and not device.startswith("/dev/"):
        path = Path(device)
        return ImageFolderSource(path) if path.is_dir() else VideoFileSource(path)
    width, height = settings.size
    return CameraSource(CameraSettings(device=device, width=width, height=height, fps=float(settings.fps),
                                       retry_s=CAMERA_WAIT * 2))


def check_camera(settings: ScannerSettings, wait: float = CAMERA_WAIT) -> CheckResult:
    if isinstance(settings.camera, str) and settings.camera.strip().lower() in NO_CAMERA:
        return _ok(Check.CAMERA, "none configured")
    source = camera_source(settings)
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            frame = source.read()
            if frame is not None:
                height, width = frame.image.shape[:2]
                return _ok(Check.CAMERA, f"{source.name}: picture {width}x{height}")
            if source.state.status in {SourceStatus.MISSING, SourceStatus.BUSY, SourceStatus.FAILED,
                                       SourceStatus.ENDED}:
                break
            time.sleep(max(source.frame_interval_s, 0.01))
        state = source.state
    finally:
        source.close()
    return CheckResult(Check.CAMERA, CheckStatus.FAIL, f"{source.name}: {state.message}",
                       "check the cable and scanner.camera (index, /dev/videoN, or a file); close other "
                       "programs using the camera")


def check_serial(settings: ScannerSettings) -> CheckResult:
    if settings.serial_port is None:
        return _ok(Check.SERIAL_SCANNER, "none configured")
    try:
        port = serial.serial_for_url(settings.serial_port, baudrate=settings.serial_baudrate, timeout=0)
    except (serial.SerialException, ValueError, OSError) as exc:
        return CheckResult(Check.SERIAL_SCANNER, CheckStatus.FAIL, f"{settings.serial_port}: {exc}",
                           "check the cable and scanner.serial_port; on Linux the user needs the "
                           "dialout group")
    port.close()
    return _ok(Check.SERIAL_SCANNER, f"{settings.serial_port} opens at {settings.serial_baudrate} baud")


def run_checks(env: Mapping[str, str] | None = None) -> list[CheckResult]:
    """Every check, in the order a person would fix things."""
    config, loaded = check_config(env)
    results = [config]
    if loaded is None:
        return results + [_skip(c, "no valid config") for c in list(Check)[1:]]
    settings = loaded.settings
    enrollment_result, enrollment = check_enrollment(loaded)
    key_result, signer = check_device_key(settings)
    results += [enrollment_result, key_result]
    if enrollment is None or signer is None:
        missing = "not enrolled" if enrollment is None else "no usable device key"
        results += [_skip(Check.WALLET, missing), _skip(Check.CLOCK, missing)]
    else:
        wallet_result, probe = check_wallet(settings, enrollment)
        results += [wallet_result, check_clock(probe) if probe else _skip(Check.CLOCK, "wallet not reachable")]
    results += [check_journal(settings.journal.path), check_camera(settings.scanner),
                check_serial(settings.scanner)]
    results += [CheckResult(Check(f.check), CheckStatus(f.level), f.detail, f.hint)
                for f in security_checks(loaded)]
    return results
