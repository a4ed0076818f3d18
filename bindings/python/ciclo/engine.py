"""The engine: customers, their lifecycle states, consolidation and retention."""

from __future__ import annotations

import ctypes
import enum
import weakref
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple, Union

from ._native import CEvent, COutcome, Json, call_json, call_json_list, call_string, check, json_text, lib, text

Text = Union[str, bytes]


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
        self._finalizer = weakref.finalize(self, lib.ciclo_engine_free, handle)

    @classmethod
    def restore(cls, snapshot: bytes) -> "Engine":
        """An engine from the bytes of :meth:`snapshot`."""
        out = ctypes.c_void_p()
        check(lib.ciclo_engine_restore(snapshot, len(snapshot), ctypes.byref(out)))
        engine = cls.__new__(cls)
        engine._adopt(out.value)
        return engine

    def close(self) -> None:
        """Releases the engine; later calls raise ValueError."""
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
