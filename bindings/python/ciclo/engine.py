"""The engine: customers, their lifecycle states, consolidation and retention."""

from __future__ import annotations

import ctypes
import enum
import json
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from . import _native
from ._native import CEvent, COutcome, Json, call_json, call_json_list, call_string, check, json_text, lib, text

Text = Union[str, bytes]

#: A change callback: ``callback(first_seq, last_seq, changes)``, the changes
#: parsed (a list of dicts, each as :meth:`Engine.changes` gives it).
ChangeCallback = Callable[[int, int, List[Dict[str, Any]]], None]


class EventKind(enum.IntEnum):
    """``CICLO_EVENT_KIND_*``: the kinds of :class:`Event`."""

    VISIT = 1
    CONTACT_CAPTURED = 2
    TRIAL_REQUESTED = 3
    DEMO_REQUESTED = 4
    PURCHASE = 5
    DELIVERY = 6
    SUPPORT_TICKET = 7
    TICKET_RESOLVED = 8
    COMPLAINT = 9
    SURVEY = 10
    USAGE = 11
    PAYMENT_FAILED = 12
    RENEWAL = 13
    CANCELLATION = 14
    OUTREACH = 15
    OFFER_ACCEPTED = 16
    OFFER_DECLINED = 17
    UNSUBSCRIBE = 18
    CUSTOM = 1000


@dataclass
class Event:
    """An event for :meth:`Engine.apply`, the fast path without JSON."""

    customer_id: str
    at_ms: int
    """Milliseconds since the Unix epoch (UTC)."""
    kind: int
    """An :class:`EventKind`."""
    event_id: Optional[str] = None
    custom_kind: Optional[str] = None
    amount_minor: int = 0
    """Amount in minor units, read only with a currency."""
    currency: Optional[str] = None
    category: Optional[str] = None
    reason: Optional[str] = None
    score: Optional[float] = None
    quantity: Optional[float] = None


@dataclass(frozen=True)
class Outcome:
    """What :meth:`Engine.apply` did; stage and rule indexes name through
    :meth:`Engine.stage_name` and :meth:`Engine.rule_name`."""

    duplicate: bool
    created: bool
    transitioned: bool
    from_stage: Optional[int]
    stage: int
    rule: Optional[int]
    at_ms: int


class Engine:
    """An engine (``ciclo_engine``). Thread-safe: share one between threads.

    Release it with :meth:`close` or a ``with`` block, when no other thread uses
    it; the garbage collector releases one that was not closed. JSON arguments
    are text or values (dicts, lists) serialised with ``json.dumps``; JSON
    results come back parsed.
    """

    def __init__(self, config: Optional[Json] = None) -> None:
        """An engine on a configuration: None for the six-stage preset,
        ``{"preset": "five_stage"}``, or a whole stage model."""
        out = ctypes.c_void_p()
        check(lib.ciclo_engine_new(json_text(config), ctypes.byref(out)))
        self._adopt(out.value)

    def _adopt(self, handle: Optional[int]) -> None:
        self._handle: Optional[int] = handle
        self._changes = _Changes()
        # Freed first: then ciclo calls no change callback any more, and the
        # callbacks the engine keeps may go.
        self._finalizer = weakref.finalize(self, _free, handle, self._changes)

    @classmethod
    def restore(cls, snapshot: bytes) -> "Engine":
        """An engine from the bytes of :meth:`snapshot`."""
        out = ctypes.c_void_p()
        check(lib.ciclo_engine_restore(snapshot, len(snapshot), ctypes.byref(out)))
        engine = cls.__new__(cls)
        engine._adopt(out.value)
        return engine

    def close(self) -> None:
        """Releases the engine, then its change callback; later calls raise
        ValueError. Not from inside its change callback (RuntimeError)."""
        if self._changes.inside():
            raise RuntimeError("an engine cannot be closed from inside its change callback")
        self._finalizer()
        self._handle = None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _h(self) -> int:
        if self._handle is None:
            raise ValueError("the engine is closed")
        return self._handle

    # --- lifecycle ---------------------------------------------------------

    def apply_json(self, event: Json) -> Dict[str, Any]:
        """Applies an event given as JSON; the outcome (stage, transition with
        rule, reason and evidence)."""
        return call_json(lib.ciclo_engine_apply_json, self._h(), json_text(event))

    def apply(self, event: Event) -> Outcome:
        """Applies an event given as a struct (the fast path)."""
        c = CEvent(
            customer_id=text(event.customer_id),
            event_id=text(event.event_id),
            at_ms=event.at_ms,
            kind=int(event.kind),
            custom_kind=text(event.custom_kind),
            amount_minor=event.amount_minor,
            currency=text(event.currency),
            category=text(event.category),
            reason=text(event.reason),
            score=event.score if event.score is not None else 0.0,
            has_score=1 if event.score is not None else 0,
            quantity=event.quantity if event.quantity is not None else 0.0,
            has_quantity=1 if event.quantity is not None else 0,
        )
        out = COutcome()
        check(lib.ciclo_engine_apply(self._h(), ctypes.byref(c), ctypes.byref(out)))
        return Outcome(
            duplicate=out.applied == 1,
            created=out.created != 0,
            transitioned=out.transitioned != 0,
            from_stage=out.from_stage if out.from_stage >= 0 else None,
            stage=out.stage,
            rule=out.rule if out.rule >= 0 else None,
            at_ms=out.at_ms,
        )

    def tick(self, now_ms: int) -> int:
        """Evaluates the time-driven rules at `now_ms`; the number of transitions."""
        moved = ctypes.c_size_t()
        check(lib.ciclo_engine_tick(self._h(), now_ms, ctypes.byref(moved), None))
        return moved.value

    def tick_report(self, now_ms: int) -> Dict[str, Any]:
        """As :meth:`tick`, with the report ``{"now", "evaluated", "transitions"}``."""
        return call_json(lib.ciclo_engine_tick, self._h(), now_ms, None)

    def customer(self, customer_id: Text) -> Dict[str, Any]:
        """A customer's state: stays, history, metrics."""
        return call_json(lib.ciclo_engine_customer_json, self._h(), text(customer_id))

    def customer_state(self, customer_id: Text) -> str:
        """A customer's portable state (JSON text), as :meth:`Model.step` reads it."""
        return call_string(lib.ciclo_engine_customer_state_json, self._h(), text(customer_id))

    def import_customer(self, customer_id: Text, state: Json) -> None:
        """Adds a customer with a state the host kept."""
        check(lib.ciclo_engine_import_customer(self._h(), text(customer_id), json_text(state)))

    def remove_customer(self, customer_id: Text) -> None:
        """Erases a customer completely (the right to be forgotten)."""
        check(lib.ciclo_engine_remove_customer(self._h(), text(customer_id)))

    def customer_stage(self, customer_id: Text) -> Tuple[int, int]:
        """A customer's current stage index and when they entered it (ms)."""
        stage, since = ctypes.c_uint32(), ctypes.c_int64()
        check(lib.ciclo_engine_customer_stage(self._h(), text(customer_id), ctypes.byref(stage), ctypes.byref(since)))
        return stage.value, since.value

    def list_customers(self, cursor: Optional[Text], max_items: int) -> Dict[str, Any]:
        """A page of the ids of the customers with a lifecycle state, in byte order:
        ``{"items": [...], "next_cursor": ...}``; ``cursor`` None for the first page,
        else the ``next_cursor`` of the page before (None after the last)."""
        return call_json(lib.ciclo_engine_list_customers_json, self._h(), text(cursor), max_items)

    def list_golden_ids(self, cursor: Optional[Text], max_items: int) -> Dict[str, Any]:
        """A page of the live golden ids, by number, paged as :meth:`list_customers`."""
        return call_json(lib.ciclo_engine_list_golden_ids_json, self._h(), text(cursor), max_items)

    def list_sources(self, golden_id: Text, cursor: Optional[Text], max_items: int) -> Dict[str, Any]:
        """A page of the source records of a golden customer, paged as :meth:`list_customers`."""
        return call_json(lib.ciclo_engine_list_sources_json, self._h(), text(golden_id), text(cursor), max_items)

    def list_reviews(self, cursor: Optional[Text], max_items: int) -> Dict[str, Any]:
        """A page of the records waiting for a data steward, paged as :meth:`list_customers`."""
        return call_json(lib.ciclo_engine_list_reviews_json, self._h(), text(cursor), max_items)

    def lead_score(self, customer_id: Text, now_ms: int) -> Tuple[float, bool]:
        """A customer's lead score at ``now_ms`` and whether it reaches the model's threshold."""
        score, qualified = ctypes.c_double(), ctypes.c_uint8()
        check(lib.ciclo_engine_lead_score(self._h(), text(customer_id), now_ms, ctypes.byref(score), ctypes.byref(qualified)))
        return score.value, qualified.value != 0

    def stage_counts(self) -> Dict[str, Any]:
        """Customers per stage: ``{"customers": n, "stages": [{"stage", "customers"}, ...]}``."""
        return call_json(lib.ciclo_engine_stage_counts_json, self._h())

    def customer_count(self) -> int:
        n = ctypes.c_size_t()
        check(lib.ciclo_engine_customer_count(self._h(), ctypes.byref(n)))
        return n.value

    def stage_count(self) -> int:
        n = ctypes.c_uint32()
        check(lib.ciclo_engine_stage_count(self._h(), ctypes.byref(n)))
        return n.value

    def stage_name(self, index: int) -> str:
        name = ctypes.c_char_p()
        check(lib.ciclo_engine_stage_name(self._h(), index, ctypes.byref(name)))
        return (name.value or b"").decode("utf-8")

    def rule_name(self, index: int) -> str:
        name = ctypes.c_char_p()
        check(lib.ciclo_engine_rule_name(self._h(), index, ctypes.byref(name)))
        return (name.value or b"").decode("utf-8")

    def model(self) -> Dict[str, Any]:
        """The engine's stage model."""
        return call_json(lib.ciclo_engine_model_json, self._h())

    def snapshot(self) -> bytes:
        """The whole engine as bytes (:meth:`restore` reads them)."""
        data = ctypes.c_void_p()
        size = ctypes.c_size_t()
        check(lib.ciclo_engine_snapshot(self._h(), ctypes.byref(data), ctypes.byref(size)))
        try:
            return ctypes.string_at(data.value, size.value) if data.value and size.value else b""
        finally:
            lib.ciclo_bytes_free(data.value, size.value)

    def set_limits(self, limits: Json) -> None:
        check(lib.ciclo_engine_set_limits_json(self._h(), json_text(limits)))

    def limits(self) -> Dict[str, Any]:
        return call_json(lib.ciclo_engine_limits_json, self._h())

    # --- consolidation -----------------------------------------------------

    def configure_consolidation(self, config: Json) -> None:
        """How records match and golden records are built, before the first ingest."""
        check(lib.ciclo_engine_configure_consolidation(self._h(), json_text(config)))

    def ingest(self, request: Json) -> Dict[str, Any]:
        """Matches a source record at the point of entry and stores it; the decision."""
        return call_json(lib.ciclo_engine_ingest_json, self._h(), json_text(request))

    def golden(self, golden_id: Text) -> Dict[str, Any]:
        """A customer's golden record with lineage and alternates."""
        return call_json(lib.ciclo_engine_golden_json, self._h(), text(golden_id))

    def golden_of(self, system: Text, record_id: Text) -> str:
        """The golden id of source record `record_id` of `system`."""
        return call_string(lib.ciclo_engine_golden_of, self._h(), text(system), text(record_id))

    def merge(self, a: Text, b: Text) -> str:
        """Merges two golden customers; the survivor's id."""
        return call_string(lib.ciclo_engine_merge, self._h(), text(a), text(b))

    def unmerge(self, system: Text, record_id: Text) -> str:
        """Takes a source record out of its customer; its own golden id."""
        return call_string(lib.ciclo_engine_unmerge, self._h(), text(system), text(record_id))

    def remove_source(self, system: Text, record_id: Text) -> Dict[str, Any]:
        """Removes a source record; ``{"golden_id", "erased"}``."""
        return call_json(lib.ciclo_engine_remove_source, self._h(), text(system), text(record_id))

    def reviews(self) -> List[Dict[str, Any]]:
        """The records waiting for a data steward."""
        return call_json_list(lib.ciclo_engine_reviews_json, self._h())

    def dismiss_review(self, system: Text, record_id: Text) -> None:
        check(lib.ciclo_engine_dismiss_review(self._h(), text(system), text(record_id)))

    def link(self, kind: Text, parent: Text, child: Text) -> None:
        check(lib.ciclo_engine_link(self._h(), text(kind), text(parent), text(child)))

    def unlink(self, kind: Text, parent: Text, child: Text) -> None:
        check(lib.ciclo_engine_unlink(self._h(), text(kind), text(parent), text(child)))

    def hierarchy(self, kind: Text, customer_id: Text) -> Dict[str, Any]:
        return call_json(lib.ciclo_engine_hierarchy_json, self._h(), text(kind), text(customer_id))

    def roll_up(self, kind: Text, customer_id: Text) -> Dict[str, Any]:
        return call_json(lib.ciclo_engine_roll_up_json, self._h(), text(kind), text(customer_id))

    def estimate_model(self, options: Optional[Json] = None) -> Dict[str, Any]:
        return call_json(lib.ciclo_engine_estimate_model_json, self._h(), json_text(options))

    def set_match_model(self, model: Json) -> None:
        check(lib.ciclo_engine_set_match_model_json(self._h(), json_text(model)))

    def match_model(self) -> Dict[str, Any]:
        return call_json(lib.ciclo_engine_match_model_json, self._h())

    # --- retention ---------------------------------------------------------

    def set_retention(self, config: Optional[Json]) -> None:
        """The trigger rules and retention settings (None for the defaults)."""
        check(lib.ciclo_engine_set_retention_json(self._h(), json_text(config)))

    def retention(self) -> Dict[str, Any]:
        return call_json(lib.ciclo_engine_retention_json, self._h())

    def evaluate(self, customer_id: Optional[Text], now_ms: int) -> Dict[str, Any]:
        """Evaluates the triggers for one customer (None: everyone); the firings."""
        return call_json(lib.ciclo_engine_evaluate_json, self._h(), text(customer_id), now_ms)

    def signals(self, customer_id: Text, now_ms: int) -> Dict[str, Any]:
        return call_json(lib.ciclo_engine_signals_json, self._h(), text(customer_id), now_ms)

    def churn(self, customer_id: Text, now_ms: int) -> Dict[str, Any]:
        return call_json(lib.ciclo_engine_churn_json, self._h(), text(customer_id), now_ms)

    def fit_models(self, now_ms: int, options: Optional[Json] = None) -> Dict[str, Any]:
        return call_json(lib.ciclo_engine_fit_models_json, self._h(), now_ms, json_text(options))

    def win_back(self, now_ms: int, limit: Optional[int] = None) -> Dict[str, Any]:
        """The lapsed customers worth winning back, at most `limit` (None: all)."""
        n = ctypes.c_size_t(-1).value if limit is None else limit
        return call_json(lib.ciclo_engine_win_back_json, self._h(), now_ms, n)

    def record_win_back(self, customer_id: Text, now_ms: int, won: bool) -> None:
        check(lib.ciclo_engine_record_win_back(self._h(), text(customer_id), now_ms, 1 if won else 0))

    def win_back_stats(self) -> Dict[str, Any]:
        return call_json(lib.ciclo_engine_win_back_stats_json, self._h())

    # --- change feed -------------------------------------------------------

    def changes(self, after_seq: int, max_changes: int) -> Dict[str, Any]:
        """The changes after sequence number `after_seq`, oldest first:
        ``{"changes": [{"seq": 1, "type": "customer_created", ...}, ...],
        "last_seq", "oldest_seq", "head_seq", "more"}``. Pass 0 first, then the
        ``last_seq`` of the page before, while ``more`` is true. A page holds at
        least `max_changes` changes when so many wait, more only to end with a
        whole call. Raises :class:`CicloError` with ``Status.CHANGES_DROPPED``
        when a change after `after_seq` is no longer kept (the message names the
        oldest kept), ``Status.INVALID_ARGUMENT`` when it is past the newest."""
        return call_json(lib.ciclo_engine_changes_json, self._h(), after_seq, max_changes)

    def set_change_retention(self, retention: Json) -> None:
        """How long the feed keeps changes for pollers:
        ``{"max_changes": 100000, "max_age_ms": 86400000}``, a missing key its
        default (``{}`` restores both)."""
        check(lib.ciclo_engine_set_change_retention_json(self._h(), json_text(retention)))

    def change_retention(self) -> Dict[str, Any]:
        """The feed's retention, ``{"max_age_ms": None, "max_changes": 100000}``."""
        return call_json(lib.ciclo_engine_change_retention_json, self._h())

    def set_change_callback(self, after_seq: int, callback: Optional[ChangeCallback]) -> None:
        """Has `callback(first_seq, last_seq, changes)` given every change after
        `after_seq`: first the changes the feed keeps, from inside this call,
        then each engine call's changes once that call is done: whole calls, in
        sequence order, one delivery at a time. It replaces the callback set
        before; None removes it. Once this returns, the callback replaced is not
        running and gets nothing more (unless this is called from inside it).

        The callback runs on the thread of the engine call that made the
        changes (or of another call of this engine already delivering), inside
        that call, holding the GIL. It may call this engine (changes it makes
        are given after it returns) and any other; it must not close the
        engine, nor wait for another thread that sets a callback on this engine
        (that call waits for this delivery to end). From asyncio, hand the
        changes to the loop (``loop.call_soon_threadsafe``) rather than awaiting
        anything. An exception it raises is raised again, once, by the engine
        call that delivered the changes (on that thread; that call did
        succeed), and the callback gets nothing more: set it again from the
        last sequence number it handled, or poll.

        The engine keeps the callback until it is replaced or the engine is
        closed. Raises as :meth:`changes` for an `after_seq` no longer kept or
        past the newest change (nothing changes then), and what the callback
        raised while given the changes kept. Thread-safe."""
        changes = self._changes
        inside = changes.inside()
        if not inside:
            changes.lock.acquire()
        try:
            handle = self._h()
            upcall = None if callback is None else changes.wrap(callback)
            # Ours before the call: one set from inside it (while it is given
            # the changes kept) then replaces it in turn.
            previous = changes.swap(upcall)
            status = lib.ciclo_engine_set_change_callback(
                handle, after_seq, upcall if upcall is not None else _native.CHANGE_FN(0), None
            )
            if status != 0:
                failure = _native.error(status)  # read first
                changes.swap(previous)  # nothing changed: ciclo never called `upcall`
                raise failure
            changes.retire(previous, inside)
        finally:
            if not inside:
                changes.lock.release()
        _native.raise_change_failure()


class _Changes:
    """The change callback of one engine: the ctypes callbacks registered with
    ``ciclo_engine_set_change_callback``, kept alive while ciclo may call them
    (ctypes frees a callback's native code with the object), and the thread
    delivering. Holds no reference to its :class:`Engine`."""

    def __init__(self) -> None:
        #: Serialises registrations, so that ours and ciclo's idea of the
        #: callback registered agree; one set from inside a delivery does not
        #: take it (the registration holding it may wait in ciclo for it).
        self.lock = threading.Lock()
        self.delivering: Optional[int] = None
        self._guard = threading.Lock()
        self._current: Optional[Any] = None
        self._retired: List[Any] = []

    def inside(self) -> bool:
        """Whether this thread is delivering changes of the engine now."""
        return self.delivering == threading.get_ident()

    def wrap(self, callback: ChangeCallback) -> Any:
        """The ctypes callback behind `callback`: an exception must not unwind
        into C (ctypes would print and drop it)."""
        failed = False

        def deliver(_user: Any, first_seq: int, last_seq: int, changes_json: Optional[bytes]) -> None:
            nonlocal failed
            if failed:
                return
            self.delivering = threading.get_ident()
            try:
                batch = json.loads((changes_json or b"{}").decode("utf-8"))
                callback(first_seq, last_seq, batch.get("changes", []))
            except BaseException as e:  # never let it unwind into C
                failed = True
                _native.change_failure.value = e
            finally:
                self.delivering = None

        return _native.CHANGE_FN(deliver)

    def swap(self, upcall: Optional[Any]) -> Optional[Any]:
        """Makes `upcall` the registered callback; returns the one before."""
        with self._guard:
            previous, self._current = self._current, upcall
            return previous

    def retire(self, upcall: Optional[Any], inside: bool) -> None:
        """Lets go of a callback ciclo no longer calls: at once, unless this
        thread is inside a delivery (perhaps of that very callback, whose
        native code must stay while it returns through it): then with the
        engine."""
        if upcall is not None and inside:
            with self._guard:
                self._retired.append(upcall)

    def release(self) -> None:
        """After the engine was freed: ciclo calls none of them any more."""
        with self._guard:
            self._current = None
            self._retired.clear()


def _free(handle: Optional[int], changes: _Changes) -> None:
    lib.ciclo_engine_free(handle)
    changes.release()
