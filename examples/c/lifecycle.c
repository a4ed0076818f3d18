/*
 * A CRM's view of ciclo through its C ABI.
 *
 * Runs a realistic event stream for a handful of customers of an Argentine
 * retailer through an engine on the default six-stage model, printing every stage
 * transition with the rule that fired and why; then ticks the clock so that
 * inactive customers lapse, shows a customer's state as JSON, recovers from bad
 * input, snapshots and restores the engine, and uses the stateless step for a host
 * that keeps states in its own database; finally standardises a customer record
 * at the point of entry (phones to E.164, identifiers, a whole record with its
 * findings). Every status is checked; everything the library returns is freed.
 *
 * Build (after `cargo build`):
 *   cc -std=c99 -Wall -Wextra -Iinclude examples/c/lifecycle.c \
 *      target/debug/libciclo.a -lpthread -ldl -lm -o lifecycle && ./lifecycle
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciclo.h"

/* Aborts the program with the library's message when a call fails. */
static void check(ciclo_status status, const char *what) {
    if (status != CICLO_STATUS_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, ciclo_status_name(status),
                ciclo_last_error_message());
        exit(1);
    }
}

/* Expects a call to fail with a given status; prints the message a CRM would log. */
static void expect_error(ciclo_status status, ciclo_status expected, const char *what) {
    if (status != expected) {
        fprintf(stderr, "%s: expected %s, got %s\n", what, ciclo_status_name(expected),
                ciclo_status_name(status));
        exit(1);
    }
    printf("  rejected %-28s %s: %s\n", what, ciclo_status_name(status), ciclo_last_error_message());
}

static const char *stage_name(const ciclo_engine *engine, int32_t stage) {
    const char *name = NULL;
    if (stage < 0) {
        return "(new)";
    }
    check(ciclo_engine_stage_name(engine, (uint32_t)stage, &name), "ciclo_engine_stage_name");
    return name;
}

/* Applies a JSON event and prints the transition it caused, if any. */
static void apply_json(const ciclo_engine *engine, const char *event_json) {
    char *outcome = NULL;
    check(ciclo_engine_apply_json(engine, event_json, &outcome), "ciclo_engine_apply_json");
    if (strstr(outcome, "\"transition\":null") == NULL) {
        printf("  %s\n", outcome);
    }
    ciclo_string_free(outcome);
}

/* 2026-01-01T00:00:00Z plus a number of days, in epoch milliseconds. */
static int64_t day(int64_t n) {
    return (INT64_C(1767225600) + n * 86400) * 1000;
}

/* Applies a struct event (the fast path) and prints the transition it caused. */
static void apply_struct(const ciclo_engine *engine, ciclo_event *event) {
    ciclo_outcome outcome;
    const char *rule = NULL;
    check(ciclo_engine_apply(engine, event, &outcome), "ciclo_engine_apply");
    if (outcome.transitioned) {
        check(ciclo_engine_rule_name(engine, (uint32_t)outcome.rule, &rule), "ciclo_engine_rule_name");
        printf("  %-10s %-12s -> %-12s rule %s\n", event->customer_id,
               stage_name(engine, outcome.from_stage), stage_name(engine, outcome.stage), rule);
    }
}

static ciclo_event event_of(const char *customer, const char *id, int64_t at_ms, uint32_t kind) {
    ciclo_event e;
    memset(&e, 0, sizeof e);
    e.customer_id = customer;
    e.event_id = id;
    e.at_ms = at_ms;
    e.kind = kind;
    return e;
}

/* The CRM's entry form: single-field checks as the user types, then the whole
   record on save, showing each finding to the user. */
static void standardize_at_entry(void) {
    printf("\nstandardising at the point of entry:\n");
    static const char *phones[][2] = {
        {"011 15-2345-6789", "AR"},     /* Buenos Aires mobile, domestic form */
        {"(0291) 15 675-7491", "AR"},   /* Bahia Blanca mobile */
        {"+54 9 11 2345-6789", NULL},   /* international form needs no region */
        {"612 30 18 15", "ES"},
    };
    for (size_t i = 0; i < sizeof phones / sizeof phones[0]; i++) {
        char *e164 = NULL;
        check(ciclo_phone_normalize(phones[i][0], phones[i][1], &e164), "ciclo_phone_normalize");
        printf("  phone %-22s -> %s\n", phones[i][0], e164);
        ciclo_string_free(e164);
    }
    char *e164 = NULL;
    expect_error(ciclo_phone_normalize("0341-6", "AR", &e164), CICLO_STATUS_INVALID_VALUE,
                 "a short phone");
    expect_error(ciclo_phone_normalize("612301815", "XX", &e164), CICLO_STATUS_INVALID_ARGUMENT,
                 "an unknown region");

    static const char *ids[][2] = {
        {"ar_cuit", "20123456786"},
        {"ar_dni", "12345678"},
        {"es_dni", "12345678-z"},
        {"es_nie", "x1234567l"},
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char *canonical = NULL;
        check(ciclo_id_normalize(ids[i][0], ids[i][1], &canonical), "ciclo_id_normalize");
        printf("  %-7s %-12s -> %s\n", ids[i][0], ids[i][1], canonical);
        ciclo_string_free(canonical);
    }
    char *canonical = NULL;
    expect_error(ciclo_id_normalize("ar_cuit", "20123456780", &canonical),
                 CICLO_STATUS_INVALID_VALUE, "a CUIT check digit");

    const char *record =
        "{\"given_name\": \"Dra. pepa\", \"surname\": \"GARCÍA  márquez\","
        " \"email\": \"Pepa.Garcia@GMIAL.com\", \"phone\": \"011 15-2345-6789\","
        " \"street\": \"Av. Corrientes 1234, 5º B\", \"province\": \"Capital Federal\","
        " \"postal_code\": \"c1043aaz\", \"birth_date\": \"31/02/1986\","
        " \"national_id\": \"27-12345678-0\"}";
    char *result = NULL;
    check(ciclo_record_standardize_json(record, "{\"default_country\": \"AR\"}", &result),
          "ciclo_record_standardize_json");
    printf("  record: %s\n", result);
    ciclo_string_free(result);
    expect_error(ciclo_record_standardize_json("{\"nombre\": \"x\"}", NULL, &result),
                 CICLO_STATUS_UNKNOWN_FIELD, "an unknown record field");
}

int main(void) {
    ciclo_engine *engine = NULL;
    ciclo_engine *restored = NULL;
    ciclo_model *model = NULL;
    uint32_t stages = 0, i;
    size_t count = 0, moved = 0, snapshot_len = 0;
    uint8_t *snapshot = NULL;
    char *json = NULL, *report = NULL, *state = NULL, *next_state = NULL, *outcome = NULL;
    ciclo_event e;

    printf("ciclo %s (ABI %u)\n", ciclo_version(), ciclo_abi_version());
    if (ciclo_abi_version() != CICLO_ABI_VERSION) {
        fprintf(stderr, "library ABI %u, header ABI %u\n", ciclo_abi_version(), CICLO_ABI_VERSION);
        return 1;
    }

    check(ciclo_engine_new(NULL, &engine), "ciclo_engine_new");
    check(ciclo_engine_stage_count(engine, &stages), "ciclo_engine_stage_count");
    printf("stages:");
    for (i = 0; i < stages; i++) {
        printf(" %s", stage_name(engine, (int32_t)i));
    }
    printf("\n\nevents (JSON path):\n");

    /* María Fernández: a lead who reads content, leaves her data, buys twice. */
    apply_json(engine, "{\"id\":\"e1\",\"customer\":\"maria.fernandez\",\"at\":\"2026-01-03T14:00:00-03:00\",\"kind\":\"visit\"}");
    apply_json(engine, "{\"id\":\"e2\",\"customer\":\"maria.fernandez\",\"at\":\"2026-01-05T10:30:00-03:00\",\"kind\":\"visit\"}");
    apply_json(engine, "{\"id\":\"e3\",\"customer\":\"maria.fernandez\",\"at\":\"2026-01-05T10:35:00-03:00\",\"kind\":\"contact_captured\",\"attributes\":{\"canal\":\"formulario web\"}}");
    apply_json(engine, "{\"id\":\"e4\",\"customer\":\"maria.fernandez\",\"at\":\"2026-01-09T18:00:00-03:00\",\"kind\":\"demo_requested\"}");
    apply_json(engine, "{\"id\":\"e5\",\"customer\":\"maria.fernandez\",\"at\":\"2026-01-12T11:00:00-03:00\",\"kind\":\"purchase\",\"amount\":8999000,\"currency\":\"ARS\",\"category\":\"electrónica\"}");
    apply_json(engine, "{\"id\":\"e6\",\"customer\":\"maria.fernandez\",\"at\":\"2026-02-20T16:00:00-03:00\",\"kind\":\"purchase\",\"amount\":1250000,\"currency\":\"ARS\",\"category\":\"hogar\"}");
    /* The CRM redelivers e6: recognised, nothing counted twice. */
    apply_json(engine, "{\"id\":\"e6\",\"customer\":\"maria.fernandez\",\"at\":\"2026-02-20T16:00:00-03:00\",\"kind\":\"purchase\",\"amount\":1250000,\"currency\":\"ARS\",\"category\":\"hogar\"}");

    /* José Pérez: buys three times, then cancels. */
    apply_json(engine, "{\"customer\":\"jose.perez\",\"at\":\"2026-01-10T09:00:00Z\",\"kind\":\"purchase\",\"amount\":450000,\"currency\":\"ARS\",\"category\":\"librería\"}");
    apply_json(engine, "{\"customer\":\"jose.perez\",\"at\":\"2026-01-24T09:00:00Z\",\"kind\":\"purchase\",\"amount\":380000,\"currency\":\"ARS\",\"category\":\"librería\"}");
    apply_json(engine, "{\"customer\":\"jose.perez\",\"at\":\"2026-02-02T12:00:00Z\",\"kind\":\"complaint\",\"reason\":\"demora en la entrega\"}");
    apply_json(engine, "{\"customer\":\"jose.perez\",\"at\":\"2026-02-03T12:00:00Z\",\"kind\":\"cancellation\",\"reason\":\"mala atención\"}");

    printf("\nevents (struct fast path):\n");
    /* Lucía Gómez: buys every ten days, then stops. Each purchase carries the
       host's attributes, typed as in JSON: {"canal": "web", "cuotas": 3}. */
    for (i = 0; i < 4; i++) {
        char id[32];
        ciclo_attribute attributes[2];
        memset(attributes, 0, sizeof attributes);
        attributes[0].key = "canal";
        attributes[0].kind = CICLO_ATTRIBUTE_TEXT;
        attributes[0].text = "web";
        attributes[1].key = "cuotas";
        attributes[1].kind = CICLO_ATTRIBUTE_INTEGER;
        attributes[1].integer = 3;
        snprintf(id, sizeof id, "lg-%u", i);
        e = event_of("lucia.gomez", id, day(10 * (int64_t)i), CICLO_EVENT_KIND_PURCHASE);
        e.amount_minor = 2100000;
        e.currency = "ARS";
        e.category = "moda";
        e.attributes = attributes;
        e.attribute_count = 2;
        apply_struct(engine, &e);
    }
    /* Juan Martín Rodríguez: surveys and usage, no purchase. */
    e = event_of("jm.rodriguez", NULL, day(2), CICLO_EVENT_KIND_SURVEY);
    e.score = 9;
    e.has_score = 1;
    apply_struct(engine, &e);
    e = event_of("jm.rodriguez", NULL, day(3), CICLO_EVENT_KIND_USAGE);
    e.quantity = 12.5;
    e.has_quantity = 1;
    apply_struct(engine, &e);

    printf("\ntick at 2026-04-01 (monthly job):\n");
    check(ciclo_engine_tick(engine, day(90), &moved, &report), "ciclo_engine_tick");
    printf("  %zu transitions: %s\n", moved, report);
    ciclo_string_free(report);

    /* Lucía comes back: the win-back rule moves her back to conversion. */
    e = event_of("lucia.gomez", "lg-back", day(95), CICLO_EVENT_KIND_PURCHASE);
    e.amount_minor = 1800000;
    e.currency = "ARS";
    apply_struct(engine, &e);

    printf("\ncustomer maria.fernandez:\n");
    check(ciclo_engine_customer_json(engine, "maria.fernandez", &json), "ciclo_engine_customer_json");
    printf("  %s\n", json);
    ciclo_string_free(json);
    json = NULL;

    printf("\nbad input is rejected and changes nothing:\n");
    expect_error(ciclo_engine_apply_json(engine, "{\"customer\":\"jose.perez\",\"at\":\"2025-12-01T00:00:00Z\",\"kind\":\"visit\"}", NULL),
                 CICLO_STATUS_OUT_OF_ORDER, "late event");
    expect_error(ciclo_engine_apply_json(engine, "{\"customer\":\"x\",\"at\":\"2026-01-01T00:00:00Z\",\"kind\":\"teleport\"}", NULL),
                 CICLO_STATUS_UNKNOWN_EVENT_KIND, "unknown kind");
    expect_error(ciclo_engine_apply_json(engine, "{\"customer\":\"x\",\"at\":\"2026-01-01T00:00:00Z\",\"kind\":\"purchase\",\"amount\":-5,\"currency\":\"ARS\"}", NULL),
                 CICLO_STATUS_INVALID_AMOUNT, "negative amount");
    expect_error(ciclo_engine_apply_json(engine, "{\"customer\":", NULL), CICLO_STATUS_INVALID_JSON, "malformed JSON");
    expect_error(ciclo_engine_apply_json(engine, NULL, NULL), CICLO_STATUS_NULL_ARGUMENT, "NULL event");
    expect_error(ciclo_engine_customer_json(engine, "nadie", &json), CICLO_STATUS_NOT_FOUND, "unknown customer");
    expect_error(ciclo_engine_new("{\"name\":\"x\",\"stages\":[{\"name\":\"a\"}],\"rules\":[{\"name\":\"r\",\"to\":\"b\",\"on\":\"tick\"}]}", &restored),
                 CICLO_STATUS_UNKNOWN_STAGE, "rule to unknown stage");

    printf("\nsnapshot and restore:\n");
    check(ciclo_engine_snapshot(engine, &snapshot, &snapshot_len), "ciclo_engine_snapshot");
    check(ciclo_engine_restore(snapshot, snapshot_len, &restored), "ciclo_engine_restore");
    check(ciclo_engine_customer_count(restored, &count), "ciclo_engine_customer_count");
    printf("  %zu bytes, %zu customers restored\n", snapshot_len, count);
    snapshot[snapshot_len / 2] ^= 0x40;
    ciclo_engine_free(restored);
    restored = NULL;
    expect_error(ciclo_engine_restore(snapshot, snapshot_len, &restored), CICLO_STATUS_CORRUPT_SNAPSHOT, "corrupt snapshot");
    ciclo_bytes_free(snapshot, snapshot_len);

    printf("\nstateless step (state kept by the host):\n");
    check(ciclo_model_new("{\"preset\":\"five_stage\"}", &model), "ciclo_model_new");
    check(ciclo_model_step_json(model, NULL, "{\"customer\":\"c-9\",\"at\":\"2026-03-01T10:00:00Z\",\"kind\":\"purchase\",\"amount\":99000,\"currency\":\"EUR\"}", &state, &outcome), "ciclo_model_step_json");
    printf("  %s\n", outcome);
    ciclo_string_free(outcome);
    check(ciclo_model_step_json(model, state, "{\"customer\":\"c-9\",\"at\":\"2026-03-04T10:00:00Z\",\"kind\":\"delivery\"}", &next_state, &outcome), "ciclo_model_step_json");
    printf("  %s\n", outcome);
    ciclo_string_free(outcome);
    ciclo_string_free(state);
    /* The host's nightly job ticks each stored state: 40 days after the delivery the
       after-sales period has begun. */
    check(ciclo_model_tick_json(model, next_state, (INT64_C(1772618400) + 40 * 86400) * 1000, &state, &report),
          "ciclo_model_tick_json");
    printf("  tick: %s\n", report);
    ciclo_string_free(report);
    ciclo_string_free(state);
    ciclo_string_free(next_state);
    ciclo_model_free(model);

    printf("\nerasure request for jm.rodriguez:\n");
    check(ciclo_engine_remove_customer(engine, "jm.rodriguez"), "ciclo_engine_remove_customer");
    check(ciclo_engine_customer_count(engine, &count), "ciclo_engine_customer_count");
    printf("  removed; %zu customers left\n", count);

    ciclo_engine_free(engine);
    ciclo_engine_free(NULL); /* a no-op, like free(NULL) */

    standardize_at_entry();
    printf("\ndone\n");
    return 0;
}
