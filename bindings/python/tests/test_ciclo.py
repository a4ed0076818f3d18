"""Tests of the ciclo Python binding: every area of the C ABI, errors with
status and message, handles. Run from bindings/python: ``python3 -m pytest``
(libciclo found through ``CICLO_LIB``)."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

import ciclo
from ciclo import CicloError, Engine, Event, EventKind, Model, Status


def day(n: int) -> int:
    """2026-01-01T00:00:00Z plus n days, in milliseconds since the epoch."""
    return (1767225600 + n * 86400) * 1000


APRIL_3 = 1775217600000


def test_version() -> None:
    assert ciclo.version().count(".") == 2
    assert ciclo.abi_version() == 2
    assert ciclo.status_name(Status.NOT_FOUND) == "CICLO_STATUS_NOT_FOUND"


def test_lifecycle_json_and_struct() -> None:
    with Engine() as engine:
        assert engine.stage_count() == 6
        assert engine.stage_name(0) == "awareness"
        out = engine.apply_json({"id": "e1", "customer": "maría", "at": "2026-01-03T14:00:00Z", "kind": "visit"})
        assert out["created"] is True and out["customer"] == "maría"
        engine.apply_json('{"id":"e2","customer":"maría","at":"2026-01-05T10:00:00Z","kind":"contact_captured"}')
        engine.apply_json({"id": "e3", "customer": "maría", "at": "2026-01-09T18:00:00Z", "kind": "demo_requested"})
        purchase = {
            "id": "e4",
            "customer": "maría",
            "at": "2026-01-12T11:00:00Z",
            "kind": "purchase",
            "amount": 8999000,
            "currency": "ARS",
            "category": "electrónica",
        }
        out = engine.apply_json(purchase)
        assert out["stage"] == "conversion"
        assert out["transition"]["rule"] == "first_purchase"
        assert engine.apply_json(purchase)["applied"] == "duplicate"

        outcome = None
        for i in range(4):
            outcome = engine.apply(
                Event(
                    customer_id="lucía",
                    event_id=f"lg-{i}",
                    at_ms=day(10 * i),
                    kind=EventKind.PURCHASE,
                    amount_minor=2100000,
                    currency="ARS",
                    category="moda",
                )
            )
            if i == 0:
                assert outcome.created and outcome.transitioned
                assert outcome.from_stage is not None and engine.stage_name(outcome.from_stage) == "awareness"
                assert outcome.rule is not None and engine.rule_name(outcome.rule) == "first_purchase"
        assert outcome is not None and engine.stage_name(outcome.stage) == "growth"
        engine.apply(Event(customer_id="jm", at_ms=day(2), kind=EventKind.SURVEY, score=9.0))
        with pytest.raises(CicloError) as e:
            engine.apply(Event(customer_id="jm", at_ms=day(3), kind=EventKind.SURVEY))
        assert e.value.status == Status.INVALID_ARGUMENT

        stage, since = engine.customer_stage("lucía")
        assert engine.stage_name(stage) == "growth" and since == day(10)
        assert engine.customer_count() == 3
        report = engine.tick_report(day(90))
        assert [t["rule"] for t in report["transitions"]] == ["lapsed"]
        assert engine.tick(day(91)) == 0
        assert engine.customer("maría")["stage"] == "conversion"
        assert engine.model()["stages"][0]["name"] == "awareness"

        state = engine.customer_state("jm")
        engine.remove_customer("jm")
        with pytest.raises(CicloError) as e:
            engine.customer("jm")
        assert e.value.status == Status.NOT_FOUND
        engine.import_customer("jm", state)
        with pytest.raises(CicloError) as e:
            engine.import_customer("jm", state)
        assert e.value.status == Status.CONFLICT

        engine.set_limits({"event_json_bytes": 64})
        assert engine.limits()["event_json_bytes"] == 64
        with pytest.raises(CicloError) as e:
            engine.apply_json({"customer": "maría", "at": "2026-03-01T00:00:00Z", "kind": "visit", "category": "x" * 80})
        assert e.value.status == Status.INVALID_ARGUMENT and "event" in e.value.message
        engine.set_limits({})

        snapshot = engine.snapshot()
        with Engine.restore(snapshot) as restored:
            assert restored.customer_count() == engine.customer_count()
            assert restored.customer("maría") == engine.customer("maría")
        broken = bytearray(snapshot)
        broken[len(broken) // 2] ^= 0x40
        with pytest.raises(CicloError) as e:
            Engine.restore(bytes(broken))
        assert e.value.status == Status.CORRUPT_SNAPSHOT


def test_errors_carry_status_and_message() -> None:
    engine = Engine()
    engine.apply_json({"customer": "jose", "at": "2026-02-03T12:00:00Z", "kind": "visit"})
    with pytest.raises(CicloError) as e:
        engine.apply_json({"customer": "jose", "at": "2025-12-01T00:00:00Z", "kind": "visit"})
    assert e.value.status == Status.OUT_OF_ORDER
    assert e.value.status_name == "CICLO_STATUS_OUT_OF_ORDER"
    assert "jose" in e.value.message
    assert str(e.value) == "CICLO_STATUS_OUT_OF_ORDER: " + e.value.message
    with pytest.raises(CicloError) as e:
        engine.apply_json('{"customer":')
    assert e.value.status == Status.INVALID_JSON
    with pytest.raises(CicloError) as e:
        engine.apply_json({"customer": "x", "at": "2026-01-01T00:00:00Z", "kind": "teleport"})
    assert e.value.status == Status.UNKNOWN_EVENT_KIND and "teleport" in e.value.message
    with pytest.raises(CicloError) as e:
        engine.customer(b"\xff")
    assert e.value.status == Status.INVALID_UTF8
    with pytest.raises(CicloError) as e:
        Engine({"name": "x", "stages": [{"name": "a"}], "rules": [{"name": "r", "to": "b", "on": "tick"}]})
    assert e.value.status == Status.UNKNOWN_STAGE
    engine.close()
    engine.close()  # twice is fine
    with pytest.raises(ValueError):
        engine.customer_count()


def test_a_string_with_a_nul_byte_is_refused_not_cut_short() -> None:
    with Engine() as engine:
        engine.apply_json({"customer": "maria", "at": "2026-01-03T14:00:00Z", "kind": "visit"})
        for customer in ("maria\0x", b"maria\0x"):
            with pytest.raises(CicloError) as error:
                engine.remove_customer(customer)
            assert error.value.status == Status.INVALID_ARGUMENT
            assert "NUL byte at 5" in error.value.message
        with pytest.raises(CicloError) as error:
            engine.apply(Event(customer_id="maria\0x", at_ms=day(5), kind=EventKind.VISIT))
        assert error.value.status == Status.INVALID_ARGUMENT
        with pytest.raises(CicloError) as error:
            engine.apply_json('{"customer": "maria", "at": "2026-01-05T00:00:00Z", "kind": "visit"}\0junk')
        assert error.value.status == Status.INVALID_ARGUMENT
        assert engine.customer("maria")["customer"] == "maria"
        assert engine.customer_count() == 1


def test_model_stateless_path() -> None:
    with Model({"preset": "five_stage"}) as model:
        state, outcome = model.step(
            None, {"customer": "c-9", "at": "2026-03-01T10:00:00Z", "kind": "purchase", "amount": 99000, "currency": "EUR"}
        )
        assert outcome["stage"] == "first_purchase"
        state, outcome = model.step(state, {"customer": "c-9", "at": "2026-03-04T10:00:00Z", "kind": "delivery"})
        state, report = model.tick(state, (1772618400 + 40 * 86400) * 1000)
        assert "transitions" in report
        with pytest.raises(CicloError) as e:
            model.step("{", {"customer": "c"})
        assert e.value.status == Status.INVALID_JSON
    with pytest.raises(CicloError) as e:
        Model({"preset": "nine_stage"})
    assert e.value.status == Status.INVALID_CONFIG


def test_standardize() -> None:
    assert ciclo.phone_normalize("011 15-2345-6789", "AR") == "+5491123456789"
    assert ciclo.phone_normalize("+54 9 11 2345-6789") == "+5491123456789"
    with pytest.raises(CicloError) as e:
        ciclo.phone_normalize("0341-6", "AR")
    assert e.value.status == Status.INVALID_VALUE and "phone." in e.value.message
    assert ciclo.id_normalize("ar_cuit", "20123456786") == "20-12345678-6"
    assert ciclo.id_normalize("es_nie", "x1234567l") == "X1234567L"
    with pytest.raises(CicloError) as e:
        ciclo.id_normalize("ar_cuit", "20123456780")
    assert e.value.status == Status.INVALID_VALUE
    result = ciclo.record_standardize(
        {"given_name": "maría  josé", "surname": "FERNÁNDEZ", "phone": "011 15-2345-6789"},
        {"default_country": "AR", "today": "2026-11-23"},
    )
    assert result["record"]["given_name"] == "María José"
    assert result["record"]["surname"] == "Fernández"
    assert result["valid"] is True
    with pytest.raises(CicloError) as e:
        ciclo.record_standardize({"nombre": "x"})
    assert e.value.status == Status.UNKNOWN_FIELD
    keys = ciclo.record_blocking_keys({"given_name": "Pepe", "surname": "González", "email": "Pepe.Gonzalez@gmail.com"})
    assert "email:pepegonzalez@gmail.com" in [k["key"] for k in keys["keys"]]
    score = ciclo.records_score(
        {"given_name": "Pepe", "surname": "González", "national_id": "20-12345678-6"},
        {"given_name": "José", "surname": "Gonzalez", "national_id": "12.345.678"},
        {"default_country": "AR"},
    )
    assert score["decision"] in ("merge", "review", "distinct")


def test_consolidation_and_erasure() -> None:
    with Engine() as engine:
        engine.configure_consolidation({"default_country": "AR"})
        first = engine.ingest(
            {
                "system": "crm",
                "id": "C-1042",
                "updated": "2026-03-01T10:00:00Z",
                "record": {
                    "given_name": "José Luis",
                    "surname": "García Pérez",
                    "email": "jose.garcia@gmail.com",
                    "national_id": "20-12345678-6",
                    "birth_date": "09/01/1986",
                },
            }
        )
        assert first["decision"] == "new"
        second = engine.ingest(
            {
                "system": "erp",
                "id": "000233",
                "record": {"given_name": "Pepe", "surname": "GARCIA", "email": "josegarcia@gmail.com", "national_id": "12.345.678"},
            }
        )
        assert second["decision"] == "merged" and second["golden_id"] == "G1"
        assert engine.golden_of("erp", "000233") == "G1"
        assert engine.golden("G1")["record"]["given_name"] == "José Luis"
        engine.ingest({"system": "crm", "id": "C-2001", "record": {"given_name": "Lucía", "surname": "Gómez"}})
        assert engine.merge("G1", "G2") == "G1"
        assert engine.unmerge("crm", "C-2001") == "G2"
        with pytest.raises(CicloError) as e:
            engine.unmerge("crm", "C-2001")
        assert e.value.status == Status.CONFLICT

        engine.link("household", "G1", "G2")
        assert engine.hierarchy("household", "G2")["parent"] == "G1"
        assert engine.roll_up("household", "G1")["root"] == "G1"
        with pytest.raises(CicloError) as e:
            engine.link("household", "G2", "G1")
        assert e.value.status == Status.CONFLICT
        engine.unlink("household", "G1", "G2")
        assert engine.reviews() == []
        with pytest.raises(CicloError) as e:
            engine.dismiss_review("crm", "C-1042")
        assert e.value.status == Status.NOT_FOUND
        model = engine.match_model()
        engine.set_match_model(model)
        assert "estimate" in engine.estimate_model({"u_sample": 100})

        assert engine.remove_source("erp", "000233") == {"golden_id": "G1", "erased": False}
        engine.remove_customer("G1")
        with pytest.raises(CicloError) as e:
            engine.golden("G1")
        assert e.value.status == Status.NOT_FOUND
        with pytest.raises(CicloError) as e:
            engine.golden_of("crm", "C-1042")
        assert e.value.status == Status.NOT_FOUND


def test_dedup_with_progress() -> None:
    records = (
        '{"id": "r1", "given_name": "María José", "surname": "Fernández", "email": "mjf@gmail.com", "birth_date": "1990-04-02"}\n'
        '{"id": "r2", "given_name": "Maria Jose", "surname": "FERNANDEZ", "email": "m.j.f@gmail.com", "birth_date": "02/04/1990"}\n'
        '{"id": "r3", "given_name": "Mariano", "surname": "Fernández", "email": "mariano@yahoo.com"}\n'
    )
    steps: List[str] = []
    result = ciclo.dedup(records, {"default_country": "AR", "today": "2026-11-23"}, lambda s, d, t: steps.append(s))
    assert result["golden"] == ["r1", "r1", "r3"]
    assert "standardize" in steps

    def stop(step: str, done: int, total: int) -> None:
        raise KeyboardInterrupt("stop")

    with pytest.raises(KeyboardInterrupt):
        ciclo.dedup(records, None, stop)
    with pytest.raises(CicloError) as e:
        ciclo.dedup('{"surname": "Paz"}\n')
    assert e.value.status == Status.INVALID_ARGUMENT


def test_retention() -> None:
    engine = Engine()
    for event in [
        ("ana", "2026-01-05T10:00:00Z", "purchase"),
        ("beto", "2026-01-10T10:00:00Z", "purchase"),
        ("ana", "2026-02-05T10:00:00Z", "purchase"),
        ("beto", "2026-02-10T10:00:00Z", "purchase"),
        ("ana", "2026-04-01T10:00:00Z", "complaint"),
        ("ana", "2026-04-02T10:00:00Z", "complaint"),
    ]:
        customer, at, kind = event
        body: Dict[str, Any] = {"customer": customer, "at": at, "kind": kind}
        if kind == "purchase":
            body.update(amount=5000000, currency="ARS")
        engine.apply_json(body)
    engine.apply_json({"customer": "beto", "at": "2026-03-01T10:00:00Z", "kind": "cancellation", "reason": "precio"})
    engine.set_retention(
        {
            "rules": [
                {
                    "name": "complaint_callback",
                    "action": "call_back",
                    "priority": 95,
                    "cooldown_days": 14,
                    "when": {"signal": "complaints_in_window", "op": ">=", "value": 2},
                }
            ]
        }
    )
    assert engine.retention()["rules"][0]["name"] == "complaint_callback"
    firings = engine.evaluate(None, APRIL_3)["firings"]
    assert [(f["customer"], f["rule"]) for f in firings] == [("ana", "complaint_callback")]
    assert engine.evaluate("ana", APRIL_3 + 86400000) == {"firings": []}
    assert engine.signals("ana", APRIL_3)["signals"]["complaints_in_window"] == 2.0
    assert engine.churn("ana", APRIL_3)["parts"]
    assert engine.win_back(APRIL_3)["candidates"][0]["customer"] == "beto"
    assert engine.win_back(APRIL_3, 0) == {"candidates": []}
    engine.record_win_back("beto", APRIL_3, True)
    assert engine.win_back_stats()["won"] == 1
    with pytest.raises(CicloError) as e:
        engine.fit_models(APRIL_3, {"currency": "EUR"})  # nobody pays in euros
    assert e.value.status == Status.INVALID_ARGUMENT and "customers" in e.value.message
    engine.set_retention(None)
    assert "discontent" in [r["name"] for r in engine.retention()["rules"]]

    population = {
        "customers": [
            {"id": "c01", "frequency": 2, "recency": 30.43, "T": 38.86, "monetary_value": 22.35},
            {"id": "c02", "frequency": 1, "recency": 1.71, "T": 38.86, "monetary_value": 11.77},
            {"id": "c03", "frequency": 0, "recency": 0, "T": 38.86, "monetary_value": 0},
            {"id": "c04", "frequency": 7, "recency": 29.43, "T": 38.86, "monetary_value": 73.74},
            {"id": "c05", "frequency": 1, "recency": 5, "T": 38.86, "monetary_value": 11.77},
            {"id": "c06", "frequency": 0, "recency": 0, "T": 38.29, "monetary_value": 0},
            {"id": "c07", "frequency": 2, "recency": 35.71, "T": 38.86, "monetary_value": 25.55},
            {"id": "c08", "frequency": 5, "recency": 24.29, "T": 38.29, "monetary_value": 30.01},
        ]
    }
    models = ciclo.models_fit(population, {"penalizer": 0.001})
    predictions = ciclo.models_predict(models, population, {"horizons": [4, 52]})
    assert [p["id"] for p in predictions["customers"]] == [c["id"] for c in population["customers"]]
    assert 0.0 <= predictions["customers"][0]["p_alive"] <= 1.0


def _all_pages(page: Any) -> List[str]:
    """Every item of every page, following next_cursor from None to None."""
    seen: List[str] = []
    cursor = None
    for _ in range(100):
        answer = page(cursor)
        for item in answer["items"]:
            assert item not in seen, item
            seen.append(item)
        cursor = answer["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("more than 100 pages")


def test_listing_lead_score_and_stage_counts() -> None:
    """Seven golden customers with a visit each, paged three at a time."""
    names = ["Ana", "Bruno", "Carla", "Diego", "Elena", "Fabio", "Gina"]
    surnames = ["Pérez", "Quiroga", "Ramos", "Sosa", "Torres", "Ugarte", "Vidal"]
    with Engine() as engine:
        for i in range(7):
            engine.ingest({"system": "crm", "id": f"C-{i}", "record": {"given_name": names[i], "surname": surnames[i]}})
            engine.apply_json({"customer": f"G{i + 1}", "at": "2026-01-02T00:00:00Z", "kind": "visit"})
        expected = [f"G{i}" for i in range(1, 8)]
        assert _all_pages(lambda c: engine.list_customers(c, 3)) == expected
        assert _all_pages(lambda c: engine.list_golden_ids(c, 3)) == expected
        assert engine.list_sources("G1", None, 3) == {
            "golden_id": "G1", "items": [{"id": "C-0", "system": "crm"}], "next_cursor": None}
        assert engine.list_reviews(None, 3) == {"items": [], "next_cursor": None}
        with pytest.raises(CicloError) as e:
            engine.list_customers(None, 0)
        assert e.value.status == Status.INVALID_ARGUMENT
        with pytest.raises(CicloError) as e:
            engine.list_sources("G99", None, 3)
        assert e.value.status == Status.NOT_FOUND
        assert engine.lead_score("G1", 1767312000000) == (2.0, False)  # one visit: 2 points
        with pytest.raises(CicloError) as e:
            engine.lead_score("nadie", 1767312000000)
        assert e.value.status == Status.NOT_FOUND
        counts = engine.stage_counts()
        assert counts["customers"] == 7
        assert counts["stages"][0] == {"stage": "awareness", "customers": 7}
        assert [s["customers"] for s in counts["stages"][1:]] == [0] * 5
