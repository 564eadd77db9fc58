"""`payterm doctor`'s checks: is this register able to take payments, and if not, what to fix.

Each check returns a typed ``CheckResult`` (OK / WARN / FAIL, one line of detail, one line of
hint). Checks that need an earlier one (the wallet needs the key, the key needs the config) are
SKIPPED when it failed, so one cause is reported once.

``diagnose`` also gathers ``Facts`` for fleet monitoring (``doctor --json``): the figures the
checks measured (wallet latency, clock skew) and what identifies the register and its state
(version, device id, key-store kind, journal schema, last sale, unfinished sales), each None
when it could not be known.
"""

from __future__ import annotations

import email.utils
import secrets
import sqlite3
import time
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import httpx
import serial

from terminal.config import ConfigError, LoadedSettings, load_settings
from terminal.config.model import ScannerSettings, Settings
from terminal.crypto import KeySigner, VerifyKey
from terminal.crypto.keystore import KeyStoreError, fingerprint
from terminal.journal.db import open_read_connection
from terminal.journal.errors import JournalError
from terminal.journal.queries import Reader, verify_chain
from terminal.journal.records import HistoryQuery
from terminal.journal.rowcheck import PIN_HASH_KEY
from terminal.journal.states import AuditAction, OperationState, SaleState
from terminal.journal.schema import LATEST_VERSION, user_version
from terminal.register.enrollment import Enrollment, NotEnrolled
from terminal.register.hardening import security_checks
from terminal.register.manager_pin import AT_WALLET_KEY
from terminal.register.setup import load_enrollment, open_keys, wallet_client
from terminal.scan.sources import (
    CameraSettings,
    CameraSource,
    FrameSource,
    ImageFolderSource,
    VideoFileSource,
)
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
    MANAGER_PIN = "manager_pin"
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


def journal_version(path: Path) -> int:
    """The journal file's schema version (``PRAGMA user_version``), read without migrating."""
    with closing(open_read_connection(path, check_version=False)) as conn:
        return user_version(conn)


def check_schema(path: Path) -> CheckResult | None:
    """A FAIL naming the fix when the journal's schema is not this program's, else None."""
    version = journal_version(path)
    if version > LATEST_VERSION:
        return CheckResult(Check.JOURNAL, CheckStatus.FAIL,
                           f"{path}: journal schema version {version} is newer than this program "
                           f"({LATEST_VERSION}): a newer PayTerm wrote it; no sale can be taken",
                           "install the PayTerm version that wrote it again, or stop the register and "
                           f"restore the backup made before that upgrade: `payterm restore "
                           f"{path.with_name(f'{path.stem}.v{LATEST_VERSION}.bak')}`")
    if version < LATEST_VERSION:
        return CheckResult(Check.JOURNAL, CheckStatus.FAIL,
                           f"{path}: journal schema version {version}, this program needs {LATEST_VERSION}",
                           "run `payterm migrate` as the register's user (it backs the journal up to "
                           f"{path.with_name(f'{path.stem}.v{version}.bak').name} first)")
    return None


def check_journal(path: Path, key: VerifyKey | None = None, enrollment: Enrollment | None = None) -> CheckResult:
    if not path.exists():
        return _ok(Check.JOURNAL, f"no journal yet at {path} (it is made at the first sale)")
    try:
        mismatch = check_schema(path)
        if mismatch is not None:
            return mismatch
        Reader(path).audit_head()
        chain = verify_chain(path, key, wallet_keys=enrollment.wallet_keys if enrollment else None,
                             device_id=enrollment.device_id if enrollment else None)
    except JournalError as exc:
        return CheckResult(Check.JOURNAL, CheckStatus.FAIL, str(exc),
                           "check journal.path and the file's owner; restore it from a backup if damaged")
    if chain.broken is not None:
        return CheckResult(Check.JOURNAL, CheckStatus.FAIL,
                           f"audit log broken at entry {chain.broken.seq} ({chain.broken.kind.value})",
                           "the journal was changed outside PayTerm: keep a copy and report it "
                           "(`payterm audit verify` shows the details)")
    return _ok(Check.JOURNAL, f"{path} opens; audit log intact ({chain.count} entries)")


def check_manager_pin(path: Path) -> CheckResult:
    """Whether the wallet holds a manager PIN for this register (as the journal last heard): the
    kiosk does not start without one, and no refund or void can be authorized."""
    hint = ("IT: ask the wallet's help desk for a reset code for this register, then run "
            "`payterm manager-pin reset --reset-code CODE --by NAME --reason WHY` as the register's user")
    if not path.exists():
        return CheckResult(Check.MANAGER_PIN, CheckStatus.WARN, "no manager PIN yet (no journal)", hint)
    try:
        with closing(open_read_connection(path)) as conn:
            rows = dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE 'manager_pin%'").fetchall())
    except (JournalError, sqlite3.Error) as exc:
        return _skip(Check.MANAGER_PIN, f"the journal cannot be read ({exc})")
    if AT_WALLET_KEY in rows:
        return _ok(Check.MANAGER_PIN, f"held and checked by the wallet (set {rows[AT_WALLET_KEY]})")
    older = " (an older version kept one in the journal; it is no longer used)" if PIN_HASH_KEY in rows else ""
    return CheckResult(Check.MANAGER_PIN, CheckStatus.WARN,
                       f"no manager PIN at the wallet{older}: kiosk mode will not start and refunds and "
                       "voids cannot be authorized", hint)


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


@dataclass(frozen=True)
class Facts:
    """What a fleet dashboard wants from each register; None where it could not be known."""

    version: str
    timestamp: datetime  # when the checks ran (UTC)
    device_id: str | None = None
    key_store: str | None = None  # "file" or "pkcs11"
    wallet_latency_s: float | None = None
    clock_skew_s: float | None = None  # wallet minus ours: the larger of the signed and Date offsets
    journal_schema: int | None = None  # the file's; this program's is ``program_schema``
    program_schema: int = LATEST_VERSION
    last_sale_at: datetime | None = None
    unfinished_sales: int | None = None


@dataclass(frozen=True)
class Report:
    checks: list[CheckResult]
    facts: Facts

    @property
    def ok(self) -> bool:
        return not any(r.status is CheckStatus.FAIL for r in self.checks)


def journal_facts(path: Path) -> tuple[int | None, datetime | None, int | None]:
    """(schema version, last sale's time, unfinished sales) of the journal, as far as it can be
    read by this program."""
    if not path.exists():
        return None, None, None
    try:
        version = journal_version(path)
    except JournalError:
        return None, None, None
    if version != LATEST_VERSION:
        return version, None, None
    try:
        reader = Reader(path)
        last = reader.history(HistoryQuery(limit=1))
        return version, (last[0].created_at if last else None), len(reader.unfinished_sales())
    except JournalError:
        return version, None, None


def diagnose(
    env: Mapping[str, str] | None = None, clock: Callable[[], float] = time.time, *, version: str,
) -> Report:
    """Every check, in the order a person would fix things, and the facts found on the way.
    ``version``: this program's, given by the surface that asks (the register layer does not
    import the application package above it)."""
    facts = Facts(version, datetime.fromtimestamp(clock(), UTC))
    config, loaded = check_config(env)
    results = [config]
    if loaded is None:
        return Report(results + [_skip(c, "no valid config") for c in list(Check)[1:]], facts)
    settings = loaded.settings
    enrollment_result, enrollment = check_enrollment(loaded)
    key_result, signer = check_device_key(settings)
    results += [enrollment_result, key_result]
    facts = replace(facts, key_store=settings.keys.store.value,
                    device_id=enrollment.device_id if enrollment is not None else None)
    if enrollment is None or signer is None:
        missing = "not enrolled" if enrollment is None else "no usable device key"
        results += [_skip(Check.WALLET, missing), _skip(Check.CLOCK, missing)]
    else:
        wallet_result, probe = check_wallet(settings, enrollment)
        results += [wallet_result, check_clock(probe) if probe else _skip(Check.CLOCK, "wallet not reachable")]
        if probe is not None:
            offsets = [o for o in (probe.signed_offset, probe.date_offset) if o is not None]
            facts = replace(facts, wallet_latency_s=probe.latency,
                            clock_skew_s=max(offsets, key=abs) if offsets else None)
    schema, last_sale, unfinished = journal_facts(settings.journal.path)
    facts = replace(facts, journal_schema=schema, last_sale_at=last_sale, unfinished_sales=unfinished)
    verify_key = VerifyKey.from_signer(signer) if signer is not None else None
    results += [check_journal(settings.journal.path, verify_key, enrollment),
                check_manager_pin(settings.journal.path) if enrollment is not None
                else _skip(Check.MANAGER_PIN, "not enrolled"),
                check_camera(settings.scanner), check_serial(settings.scanner)]
    results += [CheckResult(Check(f.check), CheckStatus(f.level), f.detail, f.hint)
                for f in security_checks(loaded)]
    return Report(results, facts)


@dataclass(frozen=True)
class Counters:
    """Totals since the journal began, for monitoring (``payterm metrics``). Counted from the
    journal and its audit log, so they survive restarts and agree with `payterm history`."""

    sales: dict[str, int]  # final sales by outcome: approved, declined, reversed
    in_doubt: int  # times a sale's outcome became unknown (it was then polled, or reversed)
    reversals: int  # sales reversed at the wallet
    wallet_errors: int  # wallet calls without a usable answer: sales put in doubt, operations failed in doubt
    codes_read: int  # payment codes read and sent to the wallet (one per sale)
    operations: dict[str, int]  # refunds and voids by "<kind>:<state>"


FINAL_OUTCOMES = ("approved", "declined", "reversed")


def journal_counters(path: Path) -> Counters:
    """Raises ``JournalError`` when the journal cannot be read by this program."""
    with closing(open_read_connection(path)) as conn:
        by_state = dict(conn.execute("SELECT state, count(*) FROM sales GROUP BY state").fetchall())
        answers = dict(conn.execute(
            "SELECT json_extract(details, '$.state'), count(*) FROM audit WHERE action = ? GROUP BY 1",
            (AuditAction.SALE_ANSWER.value,)).fetchall())
        op_answers = dict(conn.execute(
            "SELECT json_extract(details, '$.state'), count(*) FROM audit WHERE action = ? GROUP BY 1",
            (AuditAction.OPERATION_ANSWER.value,)).fetchall())
        intents = conn.execute("SELECT count(*) FROM audit WHERE action = ?",
                               (AuditAction.SALE_INTENT.value,)).fetchone()[0]
        operations = {f"{kind}:{state}": int(n) for kind, state, n in conn.execute(
            "SELECT kind, state, count(*) FROM operations GROUP BY kind, state")}
    in_doubt = int(answers.get(SaleState.IN_DOUBT.value, 0))
    return Counters(
        sales={outcome: int(by_state.get(outcome, 0)) for outcome in FINAL_OUTCOMES},
        in_doubt=in_doubt,
        reversals=int(answers.get(SaleState.REVERSED.value, 0)),
        wallet_errors=in_doubt + int(op_answers.get(OperationState.IN_DOUBT.value, 0)),
        codes_read=int(intents),
        operations=operations,
    )
