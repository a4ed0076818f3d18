// Tests of include/ciclo.hpp: every area of the C ABI through the C++ binding,
// errors with status and message, RAII, and the per-thread message under many
// concurrent failing calls. Exits 1 on the first failed check.
//
// Build and run (bindings/test.sh does this, under valgrind), from the repository:
//   g++ -std=c++17 -Wall -Wextra -Werror -pedantic -Iinclude bindings/cpp/test.cpp
//       target/debug/libciclo.a -pthread -ldl -lm -o ciclo_cpp_test && ./ciclo_cpp_test
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "ciclo.hpp"

namespace {

int checks = 0;

void fail(int line, const std::string &what) {
    std::fprintf(stderr, "bindings/cpp/test.cpp:%d: check failed: %s\n", line, what.c_str());
    std::exit(1);
}

#define CHECK(cond)                  \
    do {                             \
        ++checks;                    \
        if (!(cond)) {               \
            fail(__LINE__, #cond);   \
        }                            \
    } while (0)

bool contains(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
}

// Runs `call`, which must throw ciclo::error with `status`; returns the message.
template <class Call>
std::string expect_error(int line, ciclo_status status, Call &&call) {
    try {
        call();
    } catch (const ciclo::error &e) {
        if (e.status() != status) {
            fail(line, std::string("expected ") + ciclo_status_name(status) + ", got " +
                           e.status_name() + ": " + e.message());
        }
        ++checks;
        return e.message();
    }
    fail(line, std::string("expected ") + ciclo_status_name(status) + ", got no error");
    return std::string();
}
#define EXPECT_ERROR(status, body) expect_error(__LINE__, status, [&] { body; })

// 2026-01-01T00:00:00Z plus n days, in milliseconds since the epoch.
std::int64_t day(std::int64_t n) { return (INT64_C(1767225600) + n * 86400) * 1000; }

void test_version() {
    CHECK(ciclo::version() == std::to_string(CICLO_VERSION_MAJOR) + "." +
                                  std::to_string(CICLO_VERSION_MINOR) + "." +
                                  std::to_string(CICLO_VERSION_PATCH));
    CHECK(ciclo::abi_version() == CICLO_ABI_VERSION);
    CHECK(ciclo::status_name(CICLO_STATUS_NOT_FOUND) == "CICLO_STATUS_NOT_FOUND");
}

void test_handles_are_move_only() {
    static_assert(!std::is_copy_constructible_v<ciclo::engine>);
    static_assert(!std::is_copy_assignable_v<ciclo::engine>);
    static_assert(std::is_nothrow_move_constructible_v<ciclo::engine>);
    static_assert(!std::is_copy_constructible_v<ciclo::model>);
    ciclo::engine a;
    a.apply_json(R"({"customer":"c1","at":"2026-01-01T00:00:00Z","kind":"visit"})");
    ciclo::engine b(std::move(a));
    CHECK(b.customer_count() == 1);
    // A moved-from engine holds NULL: calls fail cleanly, they do not crash.
    std::string message = EXPECT_ERROR(CICLO_STATUS_NULL_ARGUMENT, a.customer_count());
    CHECK(contains(message, "engine"));
    ciclo::engine c;
    c = std::move(b);  // the old engine of c is freed (valgrind checks)
    CHECK(c.customer_count() == 1);
}

void test_lifecycle() {
    ciclo::engine engine;
    CHECK(engine.stage_count() == 6);
    CHECK(engine.stage_name(0) == "awareness");
    EXPECT_ERROR(CICLO_STATUS_OUT_OF_RANGE, engine.stage_name(99));

    std::string out = engine.apply_json(
        R"({"id":"e1","customer":"maria","at":"2026-01-03T14:00:00Z","kind":"visit"})");
    CHECK(contains(out, R"("created":true)"));
    engine.apply_json(std::string(
        R"({"id":"e2","customer":"maria","at":"2026-01-05T10:00:00Z","kind":"contact_captured"})"));
    engine.apply_json(std::string_view(
        R"({"id":"e3","customer":"maria","at":"2026-01-09T18:00:00Z","kind":"demo_requested"})"));
    out = engine.apply_json(
        R"({"id":"e4","customer":"maria","at":"2026-01-12T11:00:00Z","kind":"purchase","amount":8999000,"currency":"ARS","category":"electrónica"})");
    CHECK(contains(out, R"("stage":"conversion")"));
    CHECK(contains(out, R"("rule":"first_purchase")"));
    // The same event id again: a duplicate, nothing counted twice.
    out = engine.apply_json(
        R"({"id":"e4","customer":"maria","at":"2026-01-12T11:00:00Z","kind":"purchase","amount":8999000,"currency":"ARS","category":"electrónica"})");
    CHECK(contains(out, R"("applied":"duplicate")"));

    // The struct path, with UTF-8 in its strings.
    ciclo::event e;
    e.customer_id = "lucía";
    e.kind = CICLO_EVENT_KIND_PURCHASE;
    e.amount_minor = 2100000;
    e.currency = "ARS";
    e.category = "moda";
    ciclo::outcome o{};
    for (int i = 0; i < 4; i++) {
        e.event_id = "lg-" + std::to_string(i);
        e.at_ms = day(10 * i);
        o = engine.apply(e);
        if (i == 0) {
            CHECK(o.created == 1);
            CHECK(o.transitioned == 1);
            CHECK(engine.stage_name(static_cast<std::uint32_t>(o.stage)) == "conversion");
            CHECK(engine.rule_name(static_cast<std::uint32_t>(o.rule)) == "first_purchase");
        }
    }
    CHECK(o.applied == CICLO_APPLIED_APPLIED);
    CHECK(engine.stage_name(static_cast<std::uint32_t>(o.stage)) == "growth");
    ciclo::event survey;
    survey.customer_id = "jm";
    survey.at_ms = day(2);
    survey.kind = CICLO_EVENT_KIND_SURVEY;
    survey.score = 9.0;
    engine.apply(survey);
    survey.kind = CICLO_EVENT_KIND_SURVEY;
    survey.score.reset();  // a survey needs its score
    survey.at_ms = day(3);
    EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT, engine.apply(survey));

    ciclo::stage_since s = engine.customer_stage("lucía");
    CHECK(engine.stage_name(s.stage) == "growth");
    CHECK(s.since_ms == day(10));
    CHECK(engine.customer_count() == 3);

    // Time-driven rules: Lucía lapses.
    std::string report = engine.tick_report_json(day(90));
    CHECK(contains(report, R"("rule":"lapsed")"));
    CHECK(engine.tick(day(91)) == 0);
    CHECK(contains(engine.customer_json("maria"), R"("customer":"maria")"));

    // Errors carry status and message, and change nothing.
    std::string message = EXPECT_ERROR(
        CICLO_STATUS_OUT_OF_ORDER,
        engine.apply_json(R"({"customer":"maria","at":"2025-12-01T00:00:00Z","kind":"visit"})"));
    CHECK(contains(message, "maria"));
    message = EXPECT_ERROR(CICLO_STATUS_INVALID_JSON, engine.apply_json(R"({"customer":)"));
    CHECK(contains(message, "event"));
    EXPECT_ERROR(CICLO_STATUS_NULL_ARGUMENT, engine.apply_json(nullptr));
    message = EXPECT_ERROR(CICLO_STATUS_NOT_FOUND, engine.customer_json("nadie"));
    CHECK(contains(message, "nadie"));
    try {
        engine.customer_json("nadie");
    } catch (const ciclo::error &err) {
        CHECK(std::string(err.what()) == "CICLO_STATUS_NOT_FOUND: " + err.message());
    }
    EXPECT_ERROR(CICLO_STATUS_UNKNOWN_STAGE,
                 ciclo::engine(R"({"name":"x","stages":[{"name":"a"}],"rules":[{"name":"r","to":"b","on":"tick"}]})"));
    CHECK(engine.customer_count() == 3);

    // A string with a NUL byte is refused, not cut short at it: erasing
    // "maria\0x" must not erase maria.
    const std::string with_nul("maria\0x", 7);
    message = EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT, engine.remove_customer(with_nul));
    CHECK(contains(message, "NUL byte at 5"));
    EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT,
                 engine.remove_customer(std::string_view(with_nul)));
    ciclo::event nul_event;
    nul_event.customer_id = with_nul;
    nul_event.at_ms = day(95);
    nul_event.kind = CICLO_EVENT_KIND_VISIT;
    EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT, engine.apply(nul_event));
    nul_event.customer_id = "maria";
    nul_event.category = with_nul;
    EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT, engine.apply(nul_event));
    CHECK(contains(engine.customer_json("maria"), R"("customer":"maria")"));
    CHECK(engine.customer_count() == 3);

    // A customer moved out to the host's storage and back.
    std::string state = engine.customer_state_json("jm");
    engine.remove_customer("jm");
    EXPECT_ERROR(CICLO_STATUS_NOT_FOUND, engine.customer_json("jm"));
    engine.import_customer("jm", state);
    EXPECT_ERROR(CICLO_STATUS_CONFLICT, engine.import_customer("jm", state));
    CHECK(contains(engine.model_json(), "awareness"));

    // Limits.
    engine.set_limits_json(R"({"event_json_bytes": 64})");
    CHECK(contains(engine.limits_json(), R"("event_json_bytes":64)"));
    EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT,
                 engine.apply_json(R"({"customer":"maria","at":"2026-03-01T00:00:00Z","kind":"visit","category":"a long category name"})"));
    EXPECT_ERROR(CICLO_STATUS_INVALID_CONFIG, engine.set_limits_json(R"({"attributes": 0})"));
    engine.set_limits_json("{}");

    // Snapshot and restore.
    std::vector<std::uint8_t> bytes = engine.snapshot();
    CHECK(!bytes.empty());
    ciclo::engine restored = ciclo::engine::restore(bytes);
    CHECK(restored.customer_count() == engine.customer_count());
    CHECK(restored.customer_json("maria") == engine.customer_json("maria"));
    bytes[bytes.size() / 2] ^= 0x40;
    EXPECT_ERROR(CICLO_STATUS_CORRUPT_SNAPSHOT, ciclo::engine::restore(bytes));
    EXPECT_ERROR(CICLO_STATUS_CORRUPT_SNAPSHOT, ciclo::engine::restore(bytes.data(), 3));
}

void test_model() {
    ciclo::model model(R"({"preset":"five_stage"})");
    ciclo::state_and_json first = model.step_json(
        nullptr,
        R"({"customer":"c-9","at":"2026-03-01T10:00:00Z","kind":"purchase","amount":99000,"currency":"EUR"})");
    CHECK(contains(first.json, R"("stage":"first_purchase")"));
    ciclo::state_and_json second = model.step_json(
        first.state_json, R"({"customer":"c-9","at":"2026-03-04T10:00:00Z","kind":"delivery"})");
    CHECK(contains(second.json, R"("customer":"c-9")"));
    ciclo::state_and_json ticked =
        model.tick_json(second.state_json, (INT64_C(1772618400) + 40 * 86400) * 1000);
    CHECK(contains(ticked.json, R"("transitions")"));
    EXPECT_ERROR(CICLO_STATUS_INVALID_JSON, model.step_json("{", R"({"customer":"c"})"));
    EXPECT_ERROR(CICLO_STATUS_INVALID_CONFIG, ciclo::model(R"({"preset":"nine_stage"})"));
}

void test_standardize() {
    CHECK(ciclo::phone_normalize("011 15-2345-6789", "AR") == "+5491123456789");
    CHECK(ciclo::phone_normalize("+54 9 11 2345-6789") == "+5491123456789");
    std::string message =
        EXPECT_ERROR(CICLO_STATUS_INVALID_VALUE, ciclo::phone_normalize("0341-6", "AR"));
    CHECK(contains(message, "phone."));
    EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT, ciclo::phone_normalize("612301815", "XX"));
    CHECK(ciclo::id_normalize("ar_cuit", "20123456786") == "20-12345678-6");
    CHECK(ciclo::id_normalize("es_dni", "12345678-z") == "12345678Z");
    message = EXPECT_ERROR(CICLO_STATUS_INVALID_VALUE, ciclo::id_normalize("ar_cuit", "20123456780"));
    CHECK(contains(message, "check digit"));
    EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT, ciclo::id_normalize("xx_id", "1"));

    // Names: UTF-8 in and out.
    std::string record = ciclo::record_standardize_json(
        R"({"given_name": "maría  josé", "surname": "FERNÁNDEZ", "phone": "011 15-2345-6789"})",
        R"({"default_country": "AR", "today": "2026-11-23"})");
    CHECK(contains(record, R"("given_name":"María José")"));
    CHECK(contains(record, R"("surname":"Fernández")"));
    CHECK(contains(record, R"("valid":true)"));
    EXPECT_ERROR(CICLO_STATUS_UNKNOWN_FIELD, ciclo::record_standardize_json(R"({"nombre":"x"})"));
    // Invalid UTF-8 is refused, naming the argument.
    message = EXPECT_ERROR(CICLO_STATUS_INVALID_UTF8,
                           ciclo::record_standardize_json("{\"surname\": \"\xff\"}"));
    CHECK(contains(message, "record_json"));

    std::string keys = ciclo::record_blocking_keys_json(
        R"({"given_name": "Pepe", "surname": "González", "email": "Pepe.Gonzalez@gmail.com"})");
    CHECK(contains(keys, "email:pepegonzalez@gmail.com"));
    std::string score = ciclo::records_score_json(
        R"({"given_name": "Pepe", "surname": "González", "national_id": "20-12345678-6"})",
        R"({"given_name": "José", "surname": "Gonzalez", "national_id": "12.345.678"})",
        R"({"default_country": "AR"})");
    CHECK(contains(score, R"("decision")"));
}

void test_consolidation() {
    ciclo::engine engine;
    engine.configure_consolidation(R"({"default_country": "AR"})");
    std::string first = engine.ingest_json(
        R"({"system": "crm", "id": "C-1042", "updated": "2026-03-01T10:00:00Z", "record": {"given_name": "José Luis", "surname": "García Pérez", "email": "jose.garcia@gmail.com", "phone": "011 15-2345-6789", "national_id": "20-12345678-6", "birth_date": "09/01/1986"}})");
    CHECK(contains(first, R"("decision":"new")"));
    std::string second = engine.ingest_json(
        R"({"system": "erp", "id": "000233", "updated": "2026-05-10T09:00:00Z", "record": {"given_name": "Pepe", "surname": "GARCIA", "email": "josegarcia@gmail.com", "phone": "+54 9 11 2345-6789", "national_id": "12.345.678"}})");
    CHECK(contains(second, R"("decision":"merged")"));
    CHECK(engine.golden_of("erp", "000233") == "G1");
    CHECK(contains(engine.golden_json("G1"), R"("golden_id":"G1")"));
    engine.ingest_json(
        R"({"system": "crm", "id": "C-2001", "record": {"given_name": "Lucía", "surname": "Gómez", "email": "lucia.gomez@hotmail.com"}})");
    CHECK(engine.golden_of("crm", "C-2001") == "G2");

    CHECK(engine.merge("G1", "G2") == "G1");
    CHECK(engine.golden_of("crm", "C-2001") == "G1");
    CHECK(engine.unmerge("crm", "C-2001") == "G2");
    EXPECT_ERROR(CICLO_STATUS_CONFLICT, engine.unmerge("crm", "C-2001"));
    EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT, engine.merge("G2", "G2"));

    engine.link("household", "G1", "G2");
    CHECK(contains(engine.hierarchy_json("household", "G2"), R"("parent":"G1")"));
    CHECK(contains(engine.roll_up_json("household", "G1"), R"("root":"G1")"));
    EXPECT_ERROR(CICLO_STATUS_CONFLICT, engine.link("household", "G2", "G1"));
    engine.unlink("household", "G1", "G2");
    EXPECT_ERROR(CICLO_STATUS_NOT_FOUND, engine.unlink("household", "G1", "G2"));

    CHECK(engine.reviews_json() == "[]");
    EXPECT_ERROR(CICLO_STATUS_NOT_FOUND, engine.dismiss_review("crm", "C-1042"));
    CHECK(contains(engine.match_model_json(), R"("fields")"));
    CHECK(contains(engine.estimate_model_json(R"({"u_sample": 100})"), R"("estimate")"));
    EXPECT_ERROR(CICLO_STATUS_INVALID_CONFIG, engine.set_match_model_json(R"({"prior": 2})"));

    // Erasure: a source record, then the whole customer.
    CHECK(contains(engine.remove_source("erp", "000233"), R"("erased":false)"));
    engine.remove_customer("G1");
    EXPECT_ERROR(CICLO_STATUS_NOT_FOUND, engine.golden_json("G1"));
    EXPECT_ERROR(CICLO_STATUS_NOT_FOUND, engine.golden_of("crm", "C-1042"));

    std::vector<std::string> steps;
    std::string batch = ciclo::dedup_json(
        "{\"id\": \"r1\", \"given_name\": \"María José\", \"surname\": \"Fernández\", \"email\": \"mjf@gmail.com\", \"birth_date\": \"1990-04-02\"}\n"
        "{\"id\": \"r2\", \"given_name\": \"Maria Jose\", \"surname\": \"FERNANDEZ\", \"email\": \"m.j.f@gmail.com\", \"birth_date\": \"02/04/1990\"}\n"
        "{\"id\": \"r3\", \"given_name\": \"Mariano\", \"surname\": \"Fernández\", \"email\": \"mariano@yahoo.com\"}\n",
        R"({"default_country": "AR", "today": "2026-11-23"})",
        [&](std::string_view step, std::size_t, std::size_t) { steps.emplace_back(step); });
    CHECK(contains(batch, R"("golden":["r1","r1","r3"])"));
    CHECK(!steps.empty());
    // An exception in the progress callback comes back to the caller.
    bool thrown = false;
    try {
        ciclo::dedup_json("{\"id\": \"r1\", \"surname\": \"Paz\"}\n", nullptr,
                          [](std::string_view, std::size_t, std::size_t) {
                              throw std::runtime_error("stop");
                          });
    } catch (const std::runtime_error &e) {
        thrown = std::string(e.what()) == "stop";
    }
    CHECK(thrown);
    EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT, ciclo::dedup_json("{\"surname\": \"Paz\"}\n"));
}

void test_retention() {
    ciclo::engine engine;
    const char *events[] = {
        R"({"customer": "ana", "at": "2026-01-05T10:00:00Z", "kind": "purchase", "amount": 5000000, "currency": "ARS"})",
        R"({"customer": "beto", "at": "2026-01-10T10:00:00Z", "kind": "purchase", "amount": 5000000, "currency": "ARS"})",
        R"({"customer": "ana", "at": "2026-02-05T10:00:00Z", "kind": "purchase", "amount": 5000000, "currency": "ARS"})",
        R"({"customer": "beto", "at": "2026-02-10T10:00:00Z", "kind": "purchase", "amount": 5000000, "currency": "ARS"})",
        R"({"customer": "beto", "at": "2026-03-01T10:00:00Z", "kind": "cancellation", "reason": "precio"})",
        R"({"customer": "ana", "at": "2026-04-01T10:00:00Z", "kind": "complaint"})",
        R"({"customer": "ana", "at": "2026-04-02T10:00:00Z", "kind": "complaint"})",
    };
    for (const char *e : events) {
        engine.apply_json(e);
    }
    engine.set_retention_json(
        R"({"rules": [{"name": "complaint_callback", "action": "call_back", "priority": 95, "cooldown_days": 14, "when": {"signal": "complaints_in_window", "op": ">=", "value": 2}}]})");
    CHECK(contains(engine.retention_json(), "complaint_callback"));
    const std::int64_t april3 = INT64_C(1775217600000);
    std::string firings = engine.evaluate_json(nullptr, april3);
    CHECK(contains(firings, R"("rule":"complaint_callback")"));
    CHECK(engine.evaluate_json("ana", april3 + 86400000) == R"({"firings":[]})");
    CHECK(contains(engine.signals_json("ana", april3), R"("complaints_in_window":2.0)"));
    CHECK(contains(engine.churn_json("ana", april3), R"("parts")"));
    CHECK(contains(engine.win_back_json(april3), R"("customer":"beto")"));
    CHECK(contains(engine.win_back_json(april3, 0), R"("candidates":[])"));
    engine.record_win_back("beto", april3, true);
    CHECK(contains(engine.win_back_stats_json(), R"("won":1)"));
    EXPECT_ERROR(CICLO_STATUS_NOT_FOUND, engine.evaluate_json("nobody", april3));
    EXPECT_ERROR(CICLO_STATUS_INVALID_CONFIG,
                 engine.set_retention_json(R"({"rules": [{"name": "x", "action": "discount", "when": {"signal": "mood", "op": ">=", "value": 1}}]})"));
    std::string message = EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT, engine.fit_models_json(april3, R"({"currency": "EUR"})")); // nobody pays in euros
    CHECK(contains(message, "customers"));
    engine.set_retention_json(nullptr);
    CHECK(contains(engine.retention_json(), "discontent"));

    const char *population =
        R"({"customers": [{"id": "c01", "frequency": 2, "recency": 30.43, "T": 38.86, "monetary_value": 22.35},
            {"id": "c02", "frequency": 1, "recency": 1.71, "T": 38.86, "monetary_value": 11.77},
            {"id": "c03", "frequency": 0, "recency": 0, "T": 38.86, "monetary_value": 0},
            {"id": "c04", "frequency": 7, "recency": 29.43, "T": 38.86, "monetary_value": 73.74},
            {"id": "c05", "frequency": 1, "recency": 5, "T": 38.86, "monetary_value": 11.77},
            {"id": "c06", "frequency": 0, "recency": 0, "T": 38.29, "monetary_value": 0},
            {"id": "c07", "frequency": 2, "recency": 35.71, "T": 38.86, "monetary_value": 25.55},
            {"id": "c08", "frequency": 5, "recency": 24.29, "T": 38.29, "monetary_value": 30.01}]})";
    std::string models = ciclo::models_fit_json(population, R"({"penalizer": 0.001})");
    CHECK(contains(models, R"("bgnbd")"));
    std::string predictions = ciclo::models_predict_json(models, population);
    CHECK(contains(predictions, R"("p_alive")"));
    EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT, ciclo::models_fit_json(R"({"customers": []})"));
}

// Many threads, each failing calls with its own customer id: every error must
// carry the message of its own call (the message is per OS thread and read at
// once by the binding).
void test_concurrent_errors() {
    ciclo::engine engine;
    const int threads = 8;
    const int per_thread = 125;
    std::atomic<int> wrong{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; t++) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; i++) {
                std::string id = "missing-" + std::to_string(t) + "-" + std::to_string(i);
                try {
                    engine.customer_json(id);
                } catch (const ciclo::error &e) {
                    failed++;
                    if (e.message() != "customer `" + id + "` not found") {
                        wrong++;
                    }
                    continue;
                }
                wrong++;
            }
        });
    }
    for (std::thread &th : pool) {
        th.join();
    }
    CHECK(failed == threads * per_thread);
    CHECK(wrong == 0);
}

}  // namespace

// Every item of every page, following next_cursor from null to null; an item seen twice fails.
template <typename Page>
std::vector<std::string> all_pages(Page &&page) {
    std::vector<std::string> all;
    std::string cursor;
    bool first = true;
    for (int pages = 0; pages < 100; pages++) {
        std::string json = page(first ? nullptr : cursor.c_str());
        first = false;
        std::size_t open = json.find("\"items\":[");
        CHECK(open != std::string::npos);
        std::size_t close = json.find(']', open);
        std::string items = json.substr(open + 9, close - open - 9);
        for (std::size_t at = items.find('"'); at != std::string::npos; at = items.find('"', at)) {
            std::size_t end = items.find('"', at + 1);
            std::string id = items.substr(at + 1, end - at - 1);
            for (const std::string &seen : all) {
                CHECK(seen != id);
            }
            all.push_back(id);
            at = end + 1;
        }
        const std::string key = "\"next_cursor\":";
        std::size_t next = json.find(key);
        CHECK(next != std::string::npos);
        if (json.compare(next + key.size(), 4, "null") == 0) {
            return all;
        }
        std::size_t start = next + key.size() + 1;
        cursor = json.substr(start, json.find('"', start) - start);
    }
    fail(__LINE__, "more than 100 pages");
    return all;
}

// Seven golden customers with a visit each, paged three at a time.
void test_listing() {
    const char *names[] = {"Ana", "Bruno", "Carla", "Diego", "Elena", "Fabio", "Gina"};
    const char *surnames[] = {"Pérez", "Quiroga", "Ramos", "Sosa", "Torres", "Ugarte", "Vidal"};
    ciclo::engine engine;
    for (int i = 0; i < 7; i++) {
        engine.ingest_json(std::string("{\"system\": \"crm\", \"id\": \"C-") + std::to_string(i) +
                           "\", \"record\": {\"given_name\": \"" + names[i] + "\", \"surname\": \"" +
                           surnames[i] + "\"}}");
        engine.apply_json(std::string("{\"customer\": \"G") + std::to_string(i + 1) +
                          "\", \"at\": \"2026-01-02T00:00:00Z\", \"kind\": \"visit\"}");
    }
    const std::vector<std::string> expected{"G1", "G2", "G3", "G4", "G5", "G6", "G7"};
    CHECK(all_pages([&](const char *cursor) { return engine.list_customers_json(cursor, 3); }) ==
          expected);
    CHECK(all_pages([&](const char *cursor) { return engine.list_golden_ids_json(cursor, 3); }) ==
          expected);
    std::string sources = engine.list_sources_json("G1", nullptr, 3);
    CHECK(sources.find("\"items\":[{\"id\":\"C-0\",\"system\":\"crm\"}]") != std::string::npos);
    CHECK(sources.find("\"next_cursor\":null") != std::string::npos);
    CHECK(engine.list_reviews_json(nullptr, 3) == "{\"items\":[],\"next_cursor\":null}");
    EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT, engine.list_customers_json(nullptr, 0));
    EXPECT_ERROR(CICLO_STATUS_NOT_FOUND, engine.list_sources_json("G99", nullptr, 3));
    ciclo::lead_score_result lead = engine.lead_score("G1", 1767312000000); // one visit: 2 points
    CHECK(lead.score == 2.0 && !lead.qualified);
    EXPECT_ERROR(CICLO_STATUS_NOT_FOUND, engine.lead_score("nadie", 1767312000000));
    CHECK(engine.stage_counts_json().rfind(
              "{\"customers\":7,\"stages\":[{\"customers\":7,\"stage\":\"awareness\"}", 0) == 0);
}

// --- the change feed ------------------------------------------------------

struct change_seen {
    std::uint64_t seq;
    std::string type;
};

// The seq and type of each change in a page or a callback's batch (both are
// written first in every change: {"seq":7,"type":"stage_moved",...}).
std::vector<change_seen> parse_changes(const std::string &json) {
    std::vector<change_seen> out;
    const std::string key = "{\"seq\":";
    for (std::size_t at = json.find(key); at != std::string::npos; at = json.find(key, at + 1)) {
        std::size_t p = at + key.size();
        std::uint64_t seq = std::stoull(json.substr(p, 20));
        std::size_t t = json.find("\"type\":\"", p) + 8;
        out.push_back({seq, json.substr(t, json.find('"', t) - t)});
    }
    return out;
}

std::uint64_t number_after(const std::string &json, const std::string &key) {
    std::size_t at = json.find("\"" + key + "\":");
    if (at == std::string::npos) {
        fail(__LINE__, "no " + key + " in " + json);
    }
    return std::stoull(json.substr(at + key.size() + 3, 20));
}

std::set<std::string> types_of(const std::vector<change_seen> &changes) {
    std::set<std::string> types;
    for (const auto &c : changes) {
        types.insert(c.type);
    }
    return types;
}

void test_change_feed() {
    ciclo::engine engine;
    engine.apply_json(R"({"customer":"ana","at":"2026-03-01T10:00:00Z","kind":"purchase","amount":125000,"currency":"ARS"})");
    engine.apply_json(R"({"customer":"ana","at":"2026-03-02T10:00:00Z","kind":"visit"})");
    engine.apply_json(R"({"customer":"ana","at":"2026-04-01T10:00:00Z","kind":"purchase","amount":99000,"currency":"ARS"})");
    engine.configure_consolidation(R"({"default_country": "AR", "customers_from_events": true})");
    engine.ingest_json(
        R"({"system": "crm", "id": "C-1042", "updated": "2026-03-01T10:00:00Z", "record": {"given_name": "José Luis", "surname": "García Pérez", "email": "jose.garcia@gmail.com", "national_id": "20-12345678-6"}})");
    CHECK(contains(engine.ingest_json(
        R"({"system": "erp", "id": "000233", "updated": "2026-05-10T09:00:00Z", "record": {"given_name": "Pepe", "surname": "GARCIA", "email": "josegarcia@gmail.com", "national_id": "12.345.678"}})"),
        R"("decision":"merged")"));
    engine.ingest_json(
        R"({"system": "crm", "id": "C-2001", "record": {"given_name": "Lucía", "surname": "Gómez", "email": "lucia.gomez@hotmail.com"}})");
    CHECK(engine.merge("G1", "G2") == "G1");

    // Polling from 0, two changes a page (more only to end with a whole call).
    std::vector<change_seen> all;
    std::uint64_t after = 0;
    int pages = 0;
    for (;;) {
        std::string page = engine.changes_json(after, 2);
        std::vector<change_seen> got = parse_changes(page);
        CHECK(!got.empty());
        for (const auto &c : got) {
            CHECK(c.seq == all.size() + 1);  // from 1, only growing, no gap
            all.push_back(c);
        }
        after = number_after(page, "last_seq");
        CHECK(after == all.back().seq);
        ++pages;
        if (!contains(page, R"("more":true)")) {
            CHECK(number_after(page, "head_seq") == after);
            break;
        }
    }
    CHECK(pages >= 3);
    std::set<std::string> types = types_of(all);
    for (const char *t : {"customer_created", "stage_moved", "golden_created", "golden_updated",
                          "source_added", "golden_merged"}) {
        CHECK(types.count(t) == 1);
    }
    std::string empty = engine.changes_json(after, 10);
    CHECK(parse_changes(empty).empty() && contains(empty, R"("more":false)"));
    CHECK(parse_changes(engine.changes_json(0, 0)).empty());  // max 0: the bounds only

    // The callback from where the poll ended: the changes of further calls.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> batches;
    std::vector<change_seen> given;
    std::size_t customers_inside = 0;
    engine.set_change_callback(after, [&](std::uint64_t first, std::uint64_t last,
                                           std::string_view json) {
        batches.emplace_back(first, last);
        for (const auto &c : parse_changes(std::string(json))) {
            given.push_back(c);
        }
        customers_inside = engine.customer_count();  // calling the engine from inside is allowed
    });
    CHECK(batches.empty());
    engine.apply_json(R"({"customer":"beto","at":"2026-04-02T10:00:00Z","kind":"purchase","amount":5000,"currency":"ARS"})");
    CHECK(batches.size() == 1 && batches[0].first == after + 1);
    CHECK(customers_inside == 2);
    engine.remove_customer("G1");  // an erasure: ids only
    engine.apply_json(R"({"customer":"beto","at":"2026-04-03T10:00:00Z","kind":"visit"})");  // moves nobody
    CHECK(batches.size() == 2);
    for (std::size_t i = 0; i < given.size(); ++i) {
        CHECK(given[i].seq == after + 1 + i);
    }
    CHECK(batches[1].first == batches[0].second + 1 && batches[1].second == given.back().seq);
    std::set<std::string> given_types = types_of(given);
    CHECK(given_types.count("customer_created") == 1 && given_types.count("erased") == 1);
    std::uint64_t head = given.back().seq;

    // Registered from 0: every change kept, given from inside the call.
    std::vector<change_seen> replay;
    engine.set_change_callback(0, [&](std::uint64_t, std::uint64_t, std::string_view json) {
        for (const auto &c : parse_changes(std::string(json))) {
            replay.push_back(c);
        }
    });
    CHECK(replay.size() == head && replay.back().seq == head);

    // A callback that throws: the exception comes out of the call that
    // delivered (which did succeed), once; the callback gets nothing more.
    int calls = 0;
    engine.set_change_callback(head, [&](std::uint64_t, std::uint64_t, std::string_view) {
        ++calls;
        throw std::runtime_error("sink down");
    });
    bool thrown = false;
    try {
        engine.apply_json(R"({"customer":"carla","at":"2026-04-04T10:00:00Z","kind":"visit"})");
    } catch (const ciclo::error &) {
        fail(__LINE__, "a ciclo::error instead of the callback's exception");
    } catch (const std::runtime_error &e) {
        thrown = std::string(e.what()) == "sink down";
    }
    CHECK(thrown && calls == 1);
    CHECK(engine.customer_stage("carla").stage == 0);  // the event was applied
    engine.apply_json(R"({"customer":"dora","at":"2026-04-04T10:00:00Z","kind":"visit"})");
    CHECK(calls == 1);

    // Replaced from inside itself, then removed: nothing more is given.
    int inner = 0;
    engine.set_change_callback(0, [&](std::uint64_t, std::uint64_t, std::string_view) {
        engine.set_change_callback(0, [&](std::uint64_t, std::uint64_t, std::string_view) { ++inner; });
    });
    CHECK(inner > 0);  // the new one was given the changes kept, once set
    int before_eva = inner;
    engine.apply_json(R"({"customer":"eva","at":"2026-04-05T10:00:00Z","kind":"visit"})");
    CHECK(inner == before_eva + 1);
    engine.set_change_callback(0, nullptr);
    int before_removal = inner;
    engine.apply_json(R"({"customer":"fede","at":"2026-04-05T10:00:00Z","kind":"visit"})");
    CHECK(inner == before_removal);

    // Retention: keep 3 changes; reading from 0 is CICLO_STATUS_CHANGES_DROPPED.
    CHECK(engine.change_retention_json() == R"({"max_age_ms":null,"max_changes":100000})");
    std::uint64_t before_retention = number_after(engine.changes_json(0, 0), "head_seq");
    engine.set_change_retention_json(R"({"max_changes": 3})");
    CHECK(engine.change_retention_json() == R"({"max_age_ms":null,"max_changes":3})");
    for (const char *who : {"g1", "g2", "g3", "g4"}) {
        engine.apply_json(std::string(R"({"customer":")") + who +
                          R"(","at":"2026-04-06T10:00:00Z","kind":"visit"})");
    }
    std::string page = engine.changes_json(before_retention + 4, 0);  // a visit of a new customer: one change
    std::uint64_t oldest = number_after(page, "oldest_seq"), newest = number_after(page, "head_seq");
    CHECK(newest - oldest + 1 == 3);
    try {
        engine.changes_json(0, 10);
        fail(__LINE__, "no error for dropped changes");
    } catch (const ciclo::error &e) {
        CHECK(e.status() == CICLO_STATUS_CHANGES_DROPPED);
        CHECK(std::string(e.status_name()) == "CICLO_STATUS_CHANGES_DROPPED");
        CHECK(contains(e.message(), "the oldest change the feed keeps is " + std::to_string(oldest)));
    }
    CHECK(parse_changes(engine.changes_json(oldest - 1, 10)).size() == 3);
    EXPECT_ERROR(CICLO_STATUS_CHANGES_DROPPED, engine.set_change_callback(0, [](std::uint64_t, std::uint64_t, std::string_view) {}));
    CHECK(contains(EXPECT_ERROR(CICLO_STATUS_INVALID_ARGUMENT, engine.changes_json(newest + 1, 10)), "after_seq"));
    CHECK(contains(EXPECT_ERROR(CICLO_STATUS_INVALID_CONFIG, engine.set_change_retention_json(R"({"max_changes": 100000001})")), "max_changes"));
    EXPECT_ERROR(CICLO_STATUS_UNKNOWN_FIELD, engine.set_change_retention_json(R"({"max": 3})"));
    EXPECT_ERROR(CICLO_STATUS_INVALID_JSON, engine.set_change_retention_json("{"));
    engine.set_change_retention_json("{}");
    CHECK(engine.change_retention_json() == R"({"max_age_ms":null,"max_changes":100000})");

    // Four threads apply events; the callback gets every change once, in order.
    std::mutex seen_lock;
    std::vector<std::uint64_t> seqs;
    engine.set_change_callback(newest, [&](std::uint64_t first, std::uint64_t last, std::string_view json) {
        std::lock_guard<std::mutex> guard(seen_lock);  // one delivery at a time anyway
        for (const auto &c : parse_changes(std::string(json))) {
            seqs.push_back(c.seq);
        }
        CHECK(seqs.back() == last && last >= first);
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&engine, t] {
            for (int i = 0; i < 25; ++i) {
                engine.apply_json(R"({"customer":"t)" + std::to_string(t) + "-" + std::to_string(i) +
                                  R"(","at":"2026-04-07T10:00:00Z","kind":"visit"})");
            }
        });
    }
    for (auto &t : threads) {
        t.join();
    }
    CHECK(seqs.size() == 100);
    for (std::size_t i = 0; i < seqs.size(); ++i) {
        CHECK(seqs[i] == newest + 1 + i);
    }
    // The engine is destroyed with a callback registered (valgrind: no leak).
}

int main() {
    test_version();
    test_handles_are_move_only();
    test_lifecycle();
    test_model();
    test_standardize();
    test_consolidation();
    test_listing();
    test_retention();
    test_change_feed();
    test_concurrent_errors();
    std::printf("bindings/cpp: %d checks passed\n", checks);
    return 0;
}
