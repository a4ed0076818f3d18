"""The change feed through the Python binding: polling page by page, the
retention and its dropped-sequence error, and a callback given the changes of
further calls (from several threads, raising, replaced, removed)."""

from __future__ import annotations

import threading
from typing import Any, Dict, List, Tuple

import pytest

from ciclo import CicloError, Engine, Status


def visit(who: str, at: str) -> Dict[str, Any]:
    return {"customer": who, "at": at, "kind": "visit"}


def purchase(who: str, at: str, amount: int) -> Dict[str, Any]:
    return {"customer": who, "at": at, "kind": "purchase", "amount": amount, "currency": "ARS"}


def filled_engine() -> Engine:
    """Events, ingests that merge, and a steward's merge."""
    engine = Engine()
    engine.apply_json(purchase("ana", "2026-03-01T10:00:00Z", 125000))
    engine.apply_json(visit("ana", "2026-03-02T10:00:00Z"))
    engine.apply_json(purchase("ana", "2026-04-01T10:00:00Z", 99000))
    engine.configure_consolidation({"default_country": "AR", "customers_from_events": True})
    engine.ingest({"system": "crm", "id": "C-1042", "updated": "2026-03-01T10:00:00Z",
                   "record": {"given_name": "José Luis", "surname": "García Pérez",
                              "email": "jose.garcia@gmail.com", "national_id": "20-12345678-6"}})
    merged = engine.ingest({"system": "erp", "id": "000233",
                            "record": {"given_name": "Pepe", "surname": "GARCIA",
                                       "email": "josegarcia@gmail.com", "national_id": "12.345.678"}})
    assert merged["decision"] == "merged"
    engine.ingest({"system": "crm", "id": "C-2001", "record": {"given_name": "Lucía", "surname": "Gómez"}})
    assert engine.merge("G1", "G2") == "G1"
    return engine


def poll_all(engine: Engine, after: int, per_page: int) -> Tuple[List[Dict[str, Any]], int, int]:
    """Every change after `after`, `per_page` a page: the changes, the last
    sequence number and the number of pages."""
    changes: List[Dict[str, Any]] = []
    pages = 0
    while True:
        page = engine.changes(after, per_page)
        assert page["changes"], page
        changes.extend(page["changes"])
        after = page["last_seq"]
        assert after == changes[-1]["seq"]
        pages += 1
        if not page["more"]:
            assert page["head_seq"] == after
            return changes, after, pages


def test_polling_pages_through_the_whole_feed() -> None:
    with filled_engine() as engine:
        changes, last, pages = poll_all(engine, 0, 2)
        assert [c["seq"] for c in changes] == list(range(1, last + 1))  # from 1, growing, no gap
        assert pages >= 3
        types = {c["type"] for c in changes}
        assert {"customer_created", "stage_moved", "golden_created", "golden_updated",
                "source_added", "golden_merged"} <= types
        moved = next(c for c in changes if c["type"] == "stage_moved")
        assert moved["customer"] == "ana" and moved["rule"]
        empty = engine.changes(last, 10)
        assert empty["changes"] == [] and empty["more"] is False
        assert engine.changes(0, 0)["changes"] == []  # max 0: the bounds only


def test_the_callback_gets_further_calls() -> None:
    with filled_engine() as engine:
        after = engine.changes(0, 0)["head_seq"]
        batches: List[Tuple[int, int]] = []
        given: List[Dict[str, Any]] = []
        inside: List[int] = []

        def on_changes(first: int, last: int, changes: List[Dict[str, Any]]) -> None:
            batches.append((first, last))
            given.extend(changes)
            inside.append(engine.customer_count())  # calling the engine from inside is allowed

        engine.set_change_callback(after, on_changes)
        assert batches == []
        engine.apply_json(purchase("beto", "2026-04-02T10:00:00Z", 5000))
        assert len(batches) == 1 and batches[0][0] == after + 1 and inside == [2]
        engine.remove_customer("G1")  # an erasure: ids only
        engine.apply_json(visit("beto", "2026-04-03T10:00:00Z"))  # moves nobody: no change
        assert len(batches) == 2 and batches[1][0] == batches[0][1] + 1
        assert [c["seq"] for c in given] == list(range(after + 1, batches[1][1] + 1))
        assert {"customer_created", "erased"} <= {c["type"] for c in given}
        erased = next(c for c in given if c["type"] == "erased")
        assert "G1" in erased["customers"]
        head = given[-1]["seq"]

        # Set from 0: every change kept, given from inside the call.
        replay: List[int] = []
        engine.set_change_callback(0, lambda f, l, changes: replay.extend(c["seq"] for c in changes))
        assert replay == list(range(1, head + 1))

        # Removed: nothing more.
        engine.set_change_callback(0, None)
        engine.apply_json(visit("carla", "2026-04-04T10:00:00Z"))
        assert replay[-1] == head


def test_a_raising_callback_raises_from_the_call_that_delivered() -> None:
    with filled_engine() as engine:
        head = engine.changes(0, 0)["head_seq"]
        calls = []

        def sink_down(first: int, last: int, changes: List[Dict[str, Any]]) -> None:
            calls.append(first)
            raise ValueError("sink down")

        engine.set_change_callback(head, sink_down)
        with pytest.raises(ValueError, match="sink down"):
            engine.apply_json(visit("carla", "2026-04-04T10:00:00Z"))
        assert engine.customer_stage("carla")[0] == 0  # the event was applied
        engine.apply_json(visit("dora", "2026-04-04T10:00:00Z"))  # no raise: it gets nothing more
        assert len(calls) == 1

        # Raising while given the changes kept: from set_change_callback itself.
        with pytest.raises(ValueError, match="sink down"):
            engine.set_change_callback(0, sink_down)

        # Replaced from inside itself: the new one gets the next calls.
        inner: List[int] = []

        def replace(first: int, last: int, changes: List[Dict[str, Any]]) -> None:
            engine.set_change_callback(0, lambda f, l, c: inner.append(f))

        engine.set_change_callback(0, replace)
        assert inner  # the new one was given the changes kept, once set
        before_eva = len(inner)
        engine.apply_json(visit("eva", "2026-04-05T10:00:00Z"))
        assert len(inner) == before_eva + 1

        # Closing from inside the callback is refused.
        refused: List[bool] = []

        def close_inside(first: int, last: int, changes: List[Dict[str, Any]]) -> None:
            try:
                engine.close()
            except RuntimeError:
                refused.append(True)

        engine.set_change_callback(engine.changes(0, 0)["head_seq"], close_inside)
        engine.apply_json(visit("fede", "2026-04-05T10:00:00Z"))
        assert refused == [True]


def test_retention_drops_with_a_clear_error() -> None:
    with filled_engine() as engine:
        assert engine.change_retention() == {"max_age_ms": None, "max_changes": 100000}
        before_retention = engine.changes(0, 0)["head_seq"]
        engine.set_change_retention({"max_changes": 3})
        assert engine.change_retention() == {"max_age_ms": None, "max_changes": 3}
        for who in ("g1", "g2", "g3", "g4"):
            engine.apply_json(visit(who, "2026-04-06T10:00:00Z"))
        bounds = engine.changes(before_retention + 4, 0)  # a visit of a new customer: one change
        oldest, newest = bounds["oldest_seq"], bounds["head_seq"]
        assert newest - oldest + 1 == 3
        with pytest.raises(CicloError) as e:
            engine.changes(0, 10)
        assert e.value.status == Status.CHANGES_DROPPED
        assert e.value.status_name == "CICLO_STATUS_CHANGES_DROPPED"
        assert f"the oldest change the feed keeps is {oldest}" in e.value.message
        assert len(engine.changes(oldest - 1, 10)["changes"]) == 3
        with pytest.raises(CicloError) as e:
            engine.set_change_callback(0, lambda f, l, c: None)
        assert e.value.status == Status.CHANGES_DROPPED
        with pytest.raises(CicloError) as e:
            engine.changes(newest + 1, 10)
        assert e.value.status == Status.INVALID_ARGUMENT and "after_seq" in e.value.message
        with pytest.raises(CicloError) as e:
            engine.set_change_retention({"max_changes": 100000001})
        assert e.value.status == Status.INVALID_CONFIG and "max_changes" in e.value.message
        with pytest.raises(CicloError) as e:
            engine.set_change_retention({"max": 3})
        assert e.value.status == Status.UNKNOWN_FIELD
        with pytest.raises(CicloError) as e:
            engine.set_change_retention("{")
        assert e.value.status == Status.INVALID_JSON
        engine.set_change_retention({})
        assert engine.change_retention()["max_changes"] == 100000


def test_the_callback_from_several_threads_gets_each_change_once_in_order() -> None:
    with Engine() as engine:
        seqs: List[int] = []
        engine.set_change_callback(0, lambda f, l, changes: seqs.extend(c["seq"] for c in changes))

        def work(t: int) -> None:
            for i in range(25):
                engine.apply_json(visit(f"t{t}-{i}", "2026-04-07T10:00:00Z"))

        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert seqs == list(range(1, 201))
    # Closed with a callback set: released after the engine.
