"""ciclo from Python: a CRM's day with the ctypes binding.

Standardises a customer typed at the point of entry, ingests the records two
systems hold of one person (one golden customer), applies their events (JSON
and the struct fast path), ticks the clock, evaluates the retention triggers,
snapshots and restores the engine, erases the customer, and shows an error
with its status and message. Copy it as a start.

Run from the repository (after `cargo build --lib`):
    CICLO_LIB=target/debug/libciclo.so PYTHONPATH=bindings/python python3 bindings/python/example.py
"""

import ciclo
from ciclo import CicloError, Engine, Event, EventKind, Status

print("ciclo", ciclo.version())

# Standardisation at the point of entry.
print("phone:", ciclo.phone_normalize("011 15-2345-6789", "AR"))
print("CUIT: ", ciclo.id_normalize("ar_cuit", "20123456786"))
record = ciclo.record_standardize({"given_name": "maría josé", "surname": "FERNÁNDEZ"}, {"default_country": "AR"})
print("record:", record["record"], "valid:", record["valid"])

# One engine, shared by the CRM's threads.
with Engine() as engine:
    engine.configure_consolidation({"default_country": "AR"})
    engine.ingest({"system": "crm", "id": "C-1042", "record": {
        "given_name": "José Luis", "surname": "García Pérez",
        "national_id": "20-12345678-6", "email": "jose.garcia@gmail.com"}})
    second = engine.ingest({"system": "erp", "id": "000233", "record": {
        "given_name": "Pepe", "surname": "GARCIA",
        "national_id": "12.345.678", "email": "josegarcia@gmail.com"}})
    golden = second["golden_id"]
    print("ingest:", second["decision"], "into", golden)
    print("golden record:", engine.golden(golden)["record"])

    # Events: JSON, and the struct fast path.
    engine.apply_json({"customer": golden, "at": "2026-01-12T11:00:00Z", "kind": "purchase",
                       "amount": 8999000, "currency": "ARS"})
    outcome = engine.apply(Event(customer_id=golden, at_ms=1769000000000, kind=EventKind.PURCHASE,
                                 amount_minor=1250000, currency="ARS", category="hogar"))
    print("stage:", engine.stage_name(outcome.stage))
    print("tick:", engine.tick(1780000000000), "transitions")
    print("triggers:", engine.evaluate(None, 1780000000000)["firings"])

    # Snapshot and restore.
    with Engine.restore(engine.snapshot()) as restored:
        print("restored", restored.customer_count(), "customers")

    # The right to be forgotten.
    engine.remove_customer(golden)
    try:
        engine.golden(golden)
    except CicloError as e:
        assert e.status == Status.NOT_FOUND
        print("error:", e.message, f"({e.status_name})")
