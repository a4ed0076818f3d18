// ciclo from C++: a CRM's day with the header-only binding (include/ciclo.hpp).
//
// Standardises a customer typed at the point of entry, ingests the records two
// systems hold of one person (one golden customer), applies their events
// (JSON and the struct fast path), ticks the clock, evaluates the retention
// triggers, snapshots and restores the engine, erases the customer, and shows
// an error with its status and message. Copy it as a start.
//
// Build and run from the repository (after `cargo build --lib`):
//   g++ -std=c++17 -Wall -Wextra -Werror -pedantic -Iinclude bindings/cpp/example.cpp
//       target/debug/libciclo.a -pthread -ldl -lm -o example && ./example
#include <cstdio>
#include <string>

#include "ciclo.hpp"

int main() {
    std::printf("ciclo %s\n", ciclo::version().c_str());
    if (ciclo::abi_version() != CICLO_ABI_VERSION) {
        std::fprintf(stderr, "library ABI %u, header ABI %u\n", ciclo::abi_version(),
                     CICLO_ABI_VERSION);
        return 1;
    }
    try {
        // Standardisation at the point of entry.
        std::printf("phone: %s\n", ciclo::phone_normalize("011 15-2345-6789", "AR").c_str());
        std::printf("CUIT:  %s\n", ciclo::id_normalize("ar_cuit", "20123456786").c_str());
        std::printf("record: %s\n",
                    ciclo::record_standardize_json(
                        R"({"given_name": "maría josé", "surname": "FERNÁNDEZ"})",
                        R"({"default_country": "AR"})")
                        .c_str());

        // One engine, shared by the CRM's threads.
        ciclo::engine engine;
        engine.configure_consolidation(R"({"default_country": "AR"})");
        engine.ingest_json(
            R"({"system": "crm", "id": "C-1042", "record": {"given_name": "José Luis", "surname": "García Pérez", "national_id": "20-12345678-6", "email": "jose.garcia@gmail.com"}})");
        std::string second = engine.ingest_json(
            R"({"system": "erp", "id": "000233", "record": {"given_name": "Pepe", "surname": "GARCIA", "national_id": "12.345.678", "email": "josegarcia@gmail.com"}})");
        std::printf("ingest: %s\n", second.c_str());
        std::string golden = engine.golden_of("erp", "000233");
        std::printf("golden record: %s\n", engine.golden_json(golden).c_str());

        // Events: JSON, and the struct fast path.
        engine.apply_json(R"({"customer": ")" + golden +
                          R"(", "at": "2026-01-12T11:00:00Z", "kind": "purchase", "amount": 8999000, "currency": "ARS"})");
        ciclo::event e;
        e.customer_id = golden;
        e.at_ms = INT64_C(1769000000000);
        e.kind = CICLO_EVENT_KIND_PURCHASE;
        e.amount_minor = 1250000;
        e.currency = "ARS";
        e.category = "hogar";
        ciclo::outcome o = engine.apply(e);
        std::printf("stage of %s: %s\n", golden.c_str(),
                    engine.stage_name(static_cast<std::uint32_t>(o.stage)).c_str());
        std::printf("tick: %zu transitions\n", engine.tick(INT64_C(1780000000000)));
        std::printf("triggers: %s\n", engine.evaluate_json(nullptr, INT64_C(1780000000000)).c_str());

        // Snapshot and restore.
        ciclo::engine restored = ciclo::engine::restore(engine.snapshot());
        std::printf("restored %zu customers\n", restored.customer_count());

        // The right to be forgotten.
        engine.remove_customer(golden);
        engine.golden_json(golden);  // throws: the customer is gone
    } catch (const ciclo::error &e) {
        std::printf("error: %s (%s)\n", e.message().c_str(), e.status_name());
        return e.status() == CICLO_STATUS_NOT_FOUND ? 0 : 1;
    }
    return 1;
}
