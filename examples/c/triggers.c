/*
 * Who needs a call today? Retention triggers through ciclo's C ABI.
 *
 * A shop feeds an engine the events of three customers: ana buys every month
 * and complains twice, beto cancels over the price, caro bought three times
 * in January and stopped. It sets a trigger configuration with a rule of its
 * own (a call back for customers who complained twice, with a cooldown and a
 * cap) next to a win-back rule, evaluates every customer, prints what fired
 * and why, shows that the cooldown keeps the next evaluation quiet, reads a
 * customer's signals and churn risk, lists the lapsed customers worth
 * winning back, records an outcome, and shows that bad input is refused with
 * a clear error. Every status is checked; everything the library returns is
 * freed.
 *
 * Build (after `cargo build`):
 *   cc -std=c99 -Wall -Wextra -Iinclude examples/c/triggers.c \
 *      target/debug/libciclo.a -lpthread -ldl -lm -o triggers && ./triggers
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ciclo.h"

static void check(ciclo_status status, const char *what) {
    if (status != CICLO_STATUS_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, ciclo_status_name(status),
                ciclo_last_error_message());
        exit(1);
    }
}

static void expect_error(ciclo_status status, ciclo_status expected, const char *what) {
    if (status != expected) {
        fprintf(stderr, "%s: expected %s, got %s\n", what, ciclo_status_name(expected),
                ciclo_status_name(status));
        exit(1);
    }
    printf("  rejected %-16s %s: %s\n", what, ciclo_status_name(status),
           ciclo_last_error_message());
}

/* The shop's events, in order of time. */
static const char *EVENTS[] = {
    "{\"customer\": \"caro\", \"at\": \"2026-01-01T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 5000000, \"currency\": \"ARS\"}",
    "{\"customer\": \"ana\", \"at\": \"2026-01-05T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 5000000, \"currency\": \"ARS\"}",
    "{\"customer\": \"beto\", \"at\": \"2026-01-10T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 5000000, \"currency\": \"ARS\"}",
    "{\"customer\": \"caro\", \"at\": \"2026-01-11T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 5000000, \"currency\": \"ARS\"}",
    "{\"customer\": \"caro\", \"at\": \"2026-01-21T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 5000000, \"currency\": \"ARS\"}",
    "{\"customer\": \"ana\", \"at\": \"2026-02-05T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 5000000, \"currency\": \"ARS\"}",
    "{\"customer\": \"beto\", \"at\": \"2026-02-10T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 5000000, \"currency\": \"ARS\"}",
    "{\"customer\": \"beto\", \"at\": \"2026-03-01T10:00:00Z\", \"kind\": \"cancellation\","
    " \"reason\": \"precio\"}",
    "{\"customer\": \"ana\", \"at\": \"2026-03-05T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 5000000, \"currency\": \"ARS\"}",
    "{\"customer\": \"ana\", \"at\": \"2026-04-01T10:00:00Z\", \"kind\": \"complaint\"}",
    "{\"customer\": \"ana\", \"at\": \"2026-04-02T10:00:00Z\", \"kind\": \"complaint\"}",
};

/* A rule of the shop's own, `complaint_callback` (a custom action, a
   stage filter, a cooldown and a cap), and a win-back rule with a built-in
   action; the rest of the settings keep their defaults. */
static const char *TRIGGERS =
    "{\"rules\": ["
    "  {\"name\": \"complaint_callback\", \"stages\": [\"conversion\", \"growth\"],"
    "   \"action\": \"call_back\", \"priority\": 95, \"cooldown_days\": 14,"
    "   \"cap\": {\"count\": 2, \"period_days\": 90},"
    "   \"when\": {\"signal\": \"complaints_in_window\", \"op\": \">=\", \"value\": 2}},"
    "  {\"name\": \"win_back\", \"action\": \"win_back_offer\", \"priority\": 40,"
    "   \"cooldown_days\": 90,"
    "   \"when\": {\"any\": ["
    "     {\"all\": [{\"signal\": \"cancelled\", \"op\": \"==\", \"value\": 1},"
    "               {\"signal\": \"days_since_cancellation\", \"op\": \">=\", \"value\": 30}]},"
    "     {\"all\": [{\"signal\": \"purchase_count\", \"op\": \">=\", \"value\": 2},"
    "               {\"signal\": \"recency_ratio\", \"op\": \">=\", \"value\": 4}]}]}}"
    "]}";

/* 2026-04-03T12:00:00Z and a day later, in milliseconds since the epoch. */
static const int64_t APRIL_3 = INT64_C(1775217600000);
static const int64_t APRIL_4 = INT64_C(1775304000000);

int main(void) {
    ciclo_engine *engine = NULL;
    char *out = NULL;
    char *never = NULL;
    size_t i;

    check(ciclo_engine_new(NULL, &engine), "ciclo_engine_new");
    for (i = 0; i < sizeof EVENTS / sizeof EVENTS[0]; i++) {
        check(ciclo_engine_apply_json(engine, EVENTS[i], NULL), "ciclo_engine_apply_json");
    }

    check(ciclo_engine_set_retention_json(engine, TRIGGERS), "ciclo_engine_set_retention_json");
    printf("triggers set\n");

    printf("evaluate everyone on April 3rd:\n");
    check(ciclo_engine_evaluate_json(engine, NULL, APRIL_3, &out), "ciclo_engine_evaluate_json");
    printf("  %s\n", out);
    ciclo_string_free(out);
    out = NULL;

    printf("again the next day (cooldowns):\n");
    check(ciclo_engine_evaluate_json(engine, NULL, APRIL_4, &out), "ciclo_engine_evaluate_json");
    printf("  %s\n", out);
    ciclo_string_free(out);
    out = NULL;

    printf("ana's churn risk:\n");
    check(ciclo_engine_churn_json(engine, "ana", APRIL_4, &out), "ciclo_engine_churn_json");
    printf("  %s\n", out);
    ciclo_string_free(out);
    out = NULL;

    printf("win-back candidates, most valuable first:\n");
    check(ciclo_engine_win_back_json(engine, APRIL_4, 10, &out), "ciclo_engine_win_back_json");
    printf("  %s\n", out);
    ciclo_string_free(out);
    out = NULL;

    /* beto took the offer: the measured rate for `precio` goes up. */
    check(ciclo_engine_record_win_back(engine, "beto", APRIL_4, 1),
          "ciclo_engine_record_win_back");
    check(ciclo_engine_win_back_stats_json(engine, &out), "ciclo_engine_win_back_stats_json");
    printf("win-back outcomes: %s\n", out);
    ciclo_string_free(out);
    out = NULL;

    printf("bad input:\n");
    expect_error(ciclo_engine_set_retention_json(
                     engine, "{\"rules\": [{\"name\": \"r\", \"action\": \"discount\","
                             " \"when\": {\"signal\": \"mood\", \"op\": \">\", \"value\": 1}}]}"),
                 CICLO_STATUS_INVALID_CONFIG, "unknown signal");
    expect_error(ciclo_engine_set_retention_json(
                     engine, "{\"rules\": [{\"name\": \"r\", \"action\": \"discount\","
                             " \"stages\": [\"limbo\"]}]}"),
                 CICLO_STATUS_UNKNOWN_STAGE, "unknown stage");
    expect_error(ciclo_engine_evaluate_json(engine, "nobody", APRIL_4, &never),
                 CICLO_STATUS_NOT_FOUND, "unknown customer");
    expect_error(ciclo_engine_record_win_back(engine, "beto", APRIL_4, 7),
                 CICLO_STATUS_INVALID_ARGUMENT, "won of 7");
    expect_error(ciclo_engine_evaluate_json(engine, NULL, APRIL_4, NULL),
                 CICLO_STATUS_NULL_ARGUMENT, "NULL out");
    if (never != NULL) {
        fprintf(stderr, "an out-parameter was written on error\n");
        return 1;
    }

    ciclo_engine_free(engine);
    printf("done\n");
    return 0;
}
