"""Runs a sale's payment flow: effects out to worker threads, results back in as events.

One dispatcher thread owns the flow: it takes events from a queue, lets the flow decide, commits
``Persist`` effects to the journal *before* telling anyone about the new state, and hands the
slow effects (wallet calls) to a small pool of workers whose results come back as events. The
dispatcher also sends the flow its ``Tick`` when ``sale.next_action_at`` comes due. Nothing here
blocks the caller: the UI thread only calls ``submit`` and listens.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from terminal.domain.flow import (
    CancelCharge, Effect, Event, IllegalTransition, OutcomeUnknown, PaymentFlow, Persist, PlaySound, PollCharge,
    PrintReceipt, ReversalConfirmed, ReverseByRefund, Sale, SendCharge, StartScanner, StopScanner, SubmitStepUp,
    Tick, Timings,
)
from terminal.domain.money import Money
from terminal.register.wallet_effects import WalletEffects

log = logging.getLogger(__name__)


class SaleStore(Protocol):
    """Where sales are made durable (``terminal.journal.store.Journal``): returns once committed."""

    def save_sale(self, sale: Sale, at: datetime) -> None: ...


class Reverser(Protocol):
    """Gives a sale back with a reversal refund (``terminal.register.operations``): commits the
    operation's intent, sends it, commits its outcome. True once the wallet confirmed it."""

    def reverse(self, sale_key: str, charge_id: str, amount_left: Money) -> bool: ...


@dataclass
class Hooks:
    """What the runner asks of the outside world besides the wallet and the journal."""

    on_sale: Callable[[Sale], None] = lambda sale: None  # a new state, already committed
    start_scanner: Callable[[], None] = lambda: None
    stop_scanner: Callable[[], None] = lambda: None
    play_sound: Callable[[PlaySound], None] = lambda effect: None
    print_receipt: Callable[[Sale], None] = lambda sale: None
    on_error: Callable[[BaseException], None] = lambda exc: None
    on_notice: Callable[[str], None] = lambda message: None  # a word for the cashier (printer out of paper)


class _Stop:
    pass


class PaymentRunner:
    def __init__(
        self,
        wallet: WalletEffects,
        store: SaleStore,
        *,
        timings: Timings | None = None,
        hooks: Hooks | None = None,
        clock: Callable[[], float] = time.time,
        workers: int = 2,
        receipts: Callable[[Sale], None] | None = None,
        reverser: Reverser | None = None,
    ) -> None:
        self.timings = timings or Timings()
        self.hooks = hooks or Hooks()
        self._wallet = wallet
        self._store = store
        self._receipts = receipts  # issues an approved sale's receipts (never blocks)
        self._reverser = reverser
        self._clock = clock
        self._events: queue.Queue[tuple[int, Event] | _Stop] = queue.Queue()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="payterm-wallet")
        self._flow = PaymentFlow(self.timings)
        self._published = self._flow.sale  # the sale as last committed and shown
        self._closing = False
        self._generation = 0  # bumps with each new sale; stale worker results are dropped
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)
        self._thread = threading.Thread(target=self._dispatch, name="payterm-flow", daemon=True)
        self._thread.start()

    # -- the caller's side (any thread) ---------------------------------------------------------

    @property
    def sale(self) -> Sale:
        """The current sale as committed to the journal (never a state still being written)."""
        with self._lock:
            return self._published

    def submit(self, event: Event) -> None:
        with self._lock:
            generation = self._generation
        self._events.put((generation, event))

    def new_sale(self) -> None:
        """Start over with an empty flow. Only allowed when the current sale is not in flight."""
        with self._lock:
            if not self._flow.sale.can_start_over():
                raise IllegalTransition(self._flow.sale.state, "starting a new sale")
            self._generation += 1
            self._flow = PaymentFlow(self.timings)
            self._published = self._flow.sale
            self._settled.notify_all()
        self.hooks.on_sale(self._published)

    def resume(self, sale: Sale) -> None:
        """Take over an unfinished sale from the journal (recovery after a restart)."""
        flow, effects = PaymentFlow.resume(sale, self.timings, at=self._clock())
        with self._lock:
            self._generation += 1
            self._flow = flow
            generation = self._generation
        self._events.put((generation, _Effects(effects)))  # type: ignore[arg-type]

    def wait_for(self, predicate: Callable[[Sale], bool], timeout: float | None = None) -> Sale:
        """Block until the current sale satisfies ``predicate`` or the timeout passes (CLI, tests)."""
        with self._settled:
            self._settled.wait_for(lambda: predicate(self._published), timeout=timeout)
            return self._published

    def wait_final(self, timeout: float | None = None) -> Sale:
        """Block until the current sale is APPROVED, DECLINED or REVERSED."""
        return self.wait_for(lambda sale: sale.is_final, timeout)

    def wait_change(self, seen: Sale, timeout: float | None = None) -> Sale:
        """Block until the committed sale is another than ``seen`` (or the timeout passes): how a
        surface follows a sale without polling."""
        return self.wait_for(lambda sale: sale is not seen, timeout)

    def close(self) -> None:
        """Stop taking events. A wallet call in flight is abandoned: its sale stays in the
        journal as it was, and the next start resolves it."""
        self._closing = True
        self._events.put(_Stop())
        self._thread.join(timeout=5)
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- the dispatcher thread ------------------------------------------------------------------

    def _dispatch(self) -> None:
        while True:
            item = self._next_event()
            if isinstance(item, _Stop):
                return
            generation, event = item
            try:
                with self._lock:
                    if generation != self._generation:
                        continue  # a late result about a sale that is no longer current
                    effects = event.effects if isinstance(event, _Effects) else self._flow.handle(event)
                self._run(effects, generation)
            except IllegalTransition as exc:
                log.warning("flow refused an event: %s", exc)
                self.hooks.on_error(exc)
            except Exception as exc:  # noqa: BLE001 - the dispatcher must survive to finish the sale
                log.exception("effect failed")
                self.hooks.on_error(exc)

    def _next_event(self) -> tuple[int, Event] | _Stop:
        with self._lock:
            due = self._flow.sale.next_action_at
            generation = self._generation
        wait = None if due is None else max(0.0, due - self._clock())
        try:
            return self._events.get(timeout=wait)
        except queue.Empty:
            return (generation, Tick(self._clock()))

    def _run(self, effects: list[Effect], generation: int) -> None:
        changed = False
        for effect in effects:
            if isinstance(effect, Persist):
                self._store.save_sale(effect.sale, datetime.fromtimestamp(self._clock(), UTC))
                changed = True
            elif isinstance(effect, StartScanner):
                self.hooks.start_scanner()
            elif isinstance(effect, StopScanner):
                self.hooks.stop_scanner()
            elif isinstance(effect, PlaySound):
                self.hooks.play_sound(effect)
            elif isinstance(effect, PrintReceipt):
                if self._receipts is not None:
                    self._receipts(effect.sale)
                self.hooks.print_receipt(effect.sale)
            elif isinstance(effect, SendCharge | PollCharge | SubmitStepUp | CancelCharge) and not self._closing:
                # The snapshot the effect was made from: its Persist, listed first, is committed.
                self._pool.submit(self._call_wallet, effect, generation, self._flow.sale)
            elif isinstance(effect, ReverseByRefund) and not self._closing:
                self._pool.submit(self._reverse, effect, generation)
        with self._settled:
            before = self._published
            sale = self._published = self._flow.sale
            self._settled.notify_all()
        if changed and sale.idempotency_key is not None:
            log.info("sale %s", sale.state.value, extra=_log_fields(sale))
        # Shown only now: every Persist of this step is committed.
        if changed or effects or sale != before:
            self.hooks.on_sale(sale)

    def _call_wallet(
        self, effect: SendCharge | PollCharge | SubmitStepUp | CancelCharge, generation: int, sale: Sale,
    ) -> None:
        try:
            event = self._wallet.run(effect, sale)
        except Exception as exc:  # noqa: BLE001 - a bug in one call must not strand the sale
            log.exception("wallet effect crashed")
            event = OutcomeUnknown(f"internal error: {type(exc).__name__}", self._clock())
        self._events.put((generation, event))

    def _reverse(self, effect: ReverseByRefund, generation: int) -> None:
        event: OutcomeUnknown | ReversalConfirmed
        try:
            if self._reverser is None:
                raise RuntimeError("no reverser: this runner cannot give a sale back")
            done = self._reverser.reverse(effect.sale_key, effect.charge_id, effect.amount)
            event = ReversalConfirmed(self._clock()) if done else OutcomeUnknown("reversal refund not confirmed",
                                                                                  self._clock())
        except Exception as exc:  # noqa: BLE001 - the reversal is retried on the next tick
            log.exception("reversal refund failed")
            event = OutcomeUnknown(f"reversal refund failed: {type(exc).__name__}", self._clock())
        self._events.put((generation, event))


def _log_fields(sale: Sale) -> dict[str, object]:
    """What a log line may say about a sale: never the code, only its last four digits."""
    return {
        "reference": sale.reference, "state": sale.state.value, "wallet": sale.wallet, "last4": sale.last4,
        "amount": sale.amount.amount if sale.amount else None,
        "currency": sale.amount.currency if sale.amount else None,
        "charge_id": sale.charge_id, "decline": sale.decline.code if sale.decline else None,
        "note": sale.note,
    }


@dataclass(frozen=True)
class _Effects:
    """A list of effects to run as if an event had produced them (used by ``resume``)."""

    effects: list[Effect]
