/*
 * How is the base doing? The funnel, drop-off and cohorts through ciclo's C ABI.
 *
 * A shop feeds an engine the first quarter's events of seven customers: some
 * only visit, some buy once, some buy again, one cancels over the price, one
 * complains, one's card fails. It asks for the quarter's funnel (customers
 * entering each stage, conversion rates, times), the same funnel as an SVG
 * picture, why the customers who converted did not buy again within 30 days
 * (drop-off by reason), the cohorts by month of first purchase, and the stage
 * model as Mermaid and Graphviz DOT diagrams. A lender's engine, whose model
 * declares the BCRA credit situation and a segment over it, asks for the
 * funnel of that segment alone and its cohorts split by segment. Then it
 * shows that bad input is refused with a clear error and that an empty base
 * answers zeros. Every status is checked; everything the library returns is
 * freed.
 *
 * Build (after `cargo build`):
 *   cc -std=c99 -Wall -Wextra -Iinclude examples/c/analytics.c \
 *      target/debug/libciclo.a -lpthread -ldl -lm -o analytics && ./analytics
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciclo.h"

static void check(ciclo_status status, const char *what) {
    if (status != CICLO_STATUS_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, ciclo_status_name(status),
                ciclo_last_error_message());
        exit(1);
    }
}

static void expect_error(ciclo_status status, ciclo_status expected, char *out,
                         const char *what) {
    if (status != expected || out != NULL) {
        fprintf(stderr, "%s: expected %s, got %s\n", what, ciclo_status_name(expected),
                ciclo_status_name(status));
        exit(1);
    }
    printf("  rejected %-22s %s: %s\n", what, ciclo_status_name(status),
           ciclo_last_error_message());
}

/* The shop's events, in order of time. */
static const char *EVENTS[] = {
    "{\"customer\": \"ana\", \"at\": \"2026-01-03T10:00:00Z\", \"kind\": \"visit\"}",
    "{\"customer\": \"ana\", \"at\": \"2026-01-05T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 5000000, \"currency\": \"ARS\", \"category\": \"hogar\"}",
    "{\"customer\": \"beto\", \"at\": \"2026-01-10T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 3000000, \"currency\": \"ARS\", \"category\": \"moda\"}",
    "{\"customer\": \"caro\", \"at\": \"2026-01-12T10:00:00Z\", \"kind\": \"visit\"}",
    "{\"customer\": \"ana\", \"at\": \"2026-01-20T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 2000000, \"currency\": \"ARS\", \"category\": \"hogar\"}",
    "{\"customer\": \"beto\", \"at\": \"2026-01-25T10:00:00Z\", \"kind\": \"cancellation\","
    " \"reason\": \"precio\"}",
    "{\"customer\": \"dani\", \"at\": \"2026-02-02T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 4000000, \"currency\": \"ARS\", \"category\": \"deportes\"}",
    "{\"customer\": \"dani\", \"at\": \"2026-02-06T10:00:00Z\", \"kind\": \"complaint\"}",
    "{\"customer\": \"eva\", \"at\": \"2026-02-10T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 6000000, \"currency\": \"ARS\", \"category\": \"hogar\"}",
    "{\"customer\": \"eva\", \"at\": \"2026-02-12T10:00:00Z\", \"kind\": \"payment_failed\","
    " \"reason\": \"tarjeta vencida\"}",
    "{\"customer\": \"fede\", \"at\": \"2026-02-15T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 2500000, \"currency\": \"ARS\", \"category\": \"libros\"}",
    "{\"customer\": \"fede\", \"at\": \"2026-03-01T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 2500000, \"currency\": \"ARS\", \"category\": \"juguetes\"}",
    "{\"customer\": \"gabi\", \"at\": \"2026-03-20T10:00:00Z\", \"kind\": \"visit\"}",
    "{\"customer\": \"ana\", \"at\": \"2026-03-28T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 3500000, \"currency\": \"ARS\", \"category\": \"hogar\"}",
};

static const char *QUARTER =
    "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-04-01T00:00:00Z\"}";

/* A lender's model: a host attribute (the BCRA debtor situation, 1 to 6) and
 * a rule segment over it. */
static const char *LENDER =
    "{\"name\": \"lender\", \"stages\": [{\"name\": \"applicant\"}, {\"name\": \"borrower\"}],"
    " \"rules\": [{\"name\": \"first_loan\", \"to\": \"borrower\", \"on\": \"purchase\"}],"
    " \"attributes\": {\"credit_situation\": {\"type\": \"category\","
    " \"values\": [\"1\", \"2\", \"3\", \"4\", \"5\", \"6\"]}},"
    " \"segments\": [{\"name\": \"non_performing\","
    " \"when\": {\"attribute\": \"credit_situation\", \"in\": [\"3\", \"4\", \"5\", \"6\"]}}]}";

static const char *LENDER_EVENTS[] = {
    "{\"customer\": \"acme\", \"at\": \"2026-01-05T10:00:00Z\", \"kind\": \"visit\","
    " \"attributes\": {\"credit_situation\": \"1\"}}",
    "{\"customer\": \"acme\", \"at\": \"2026-01-09T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 90000000, \"currency\": \"ARS\"}",
    "{\"customer\": \"globex\", \"at\": \"2026-02-01T10:00:00Z\", \"kind\": \"visit\","
    " \"attributes\": {\"credit_situation\": \"4\"}}",
    "{\"customer\": \"globex\", \"at\": \"2026-02-11T10:00:00Z\", \"kind\": \"purchase\","
    " \"amount\": 50000000, \"currency\": \"ARS\"}",
    "{\"customer\": \"initech\", \"at\": \"2026-03-02T10:00:00Z\", \"kind\": \"visit\","
    " \"attributes\": {\"credit_situation\": \"5\"}}",
};

int main(void) {
    ciclo_engine *engine = NULL;
    check(ciclo_engine_new(NULL, &engine), "ciclo_engine_new");
    for (size_t i = 0; i < sizeof EVENTS / sizeof EVENTS[0]; i++) {
        check(ciclo_engine_apply_json(engine, EVENTS[i], NULL), "ciclo_engine_apply_json");
    }

    char *out = NULL;
    check(ciclo_engine_funnel_json(engine, QUARTER, &out), "ciclo_engine_funnel_json");
    printf("funnel: %s\n", out);
    ciclo_string_free(out);

    out = NULL;
    check(ciclo_engine_funnel_svg(engine, QUARTER, &out), "ciclo_engine_funnel_svg");
    printf("funnel.svg: %zu bytes, %s\n", strlen(out),
           strncmp(out, "<?xml", 5) == 0 ? "an XML document" : "not XML?");
    ciclo_string_free(out);

    /* Who converted in the quarter and did not buy again within 30 days, and why. */
    out = NULL;
    check(ciclo_engine_drop_off_json(
              engine,
              "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-04-01T00:00:00Z\","
              " \"stage\": \"conversion\", \"horizon_days\": 30,"
              " \"now\": \"2026-05-01T00:00:00Z\", \"max_examples\": 2}",
              &out),
          "ciclo_engine_drop_off_json");
    printf("drop-off: %s\n", out);
    ciclo_string_free(out);

    out = NULL;
    check(ciclo_engine_cohorts_json(engine, QUARTER, &out), "ciclo_engine_cohorts_json");
    printf("cohorts: %s\n", out);
    ciclo_string_free(out);

    out = NULL;
    check(ciclo_engine_model_diagram(engine, "mermaid", &out), "ciclo_engine_model_diagram");
    printf("mermaid:\n%s", out);
    ciclo_string_free(out);

    ciclo_model *five = NULL;
    check(ciclo_model_new("{\"preset\": \"five_stage\"}", &five), "ciclo_model_new");
    out = NULL;
    check(ciclo_model_diagram(five, "dot", &out), "ciclo_model_diagram");
    printf("dot:\n%s", out);
    ciclo_string_free(out);
    ciclo_model_free(five);

    /* The funnel of one segment: the customers in it now (their state keeps
     * the segments they are in, not those they left). */
    ciclo_engine *lender = NULL;
    check(ciclo_engine_new(LENDER, &lender), "ciclo_engine_new (lender)");
    for (size_t i = 0; i < sizeof LENDER_EVENTS / sizeof LENDER_EVENTS[0]; i++) {
        check(ciclo_engine_apply_json(lender, LENDER_EVENTS[i], NULL),
              "ciclo_engine_apply_json (lender)");
    }
    out = NULL;
    check(ciclo_engine_funnel_json(lender,
                                   "{\"from\": \"2026-01-01T00:00:00Z\","
                                   " \"to\": \"2026-04-01T00:00:00Z\","
                                   " \"segment\": \"non_performing\"}",
                                   &out),
          "ciclo_engine_funnel_json (segment)");
    printf("non_performing funnel: %s\n", out);
    ciclo_string_free(out);
    out = NULL;
    check(ciclo_engine_cohorts_json(lender,
                                    "{\"from\": \"2026-01-01T00:00:00Z\","
                                    " \"to\": \"2026-04-01T00:00:00Z\", \"by_segment\": true}",
                                    &out),
          "ciclo_engine_cohorts_json (by_segment)");
    printf("cohorts by segment: %s\n", out);
    ciclo_string_free(out);

    printf("bad input:\n");
    out = NULL;
    expect_error(ciclo_engine_funnel_json(lender,
                                          "{\"from\": \"2026-01-01T00:00:00Z\","
                                          " \"to\": \"2026-04-01T00:00:00Z\","
                                          " \"segment\": \"vip\"}",
                                          &out),
                 CICLO_STATUS_INVALID_ARGUMENT, out, "unknown segment");
    ciclo_engine_free(lender);
    out = NULL;
    expect_error(ciclo_engine_funnel_json(
                     engine,
                     "{\"from\": \"2026-04-01T00:00:00Z\", \"to\": \"2026-01-01T00:00:00Z\"}",
                     &out),
                 CICLO_STATUS_INVALID_ARGUMENT, out, "backward period");
    expect_error(ciclo_engine_drop_off_json(
                     engine,
                     "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-04-01T00:00:00Z\","
                     " \"stage\": \"limbo\", \"horizon_days\": 30}",
                     &out),
                 CICLO_STATUS_UNKNOWN_STAGE, out, "unknown stage");
    expect_error(ciclo_engine_drop_off_json(
                     engine,
                     "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-04-01T00:00:00Z\","
                     " \"stage\": \"conversion\", \"horizon_days\": -3}",
                     &out),
                 CICLO_STATUS_INVALID_ARGUMENT, out, "negative horizon");
    expect_error(ciclo_engine_cohorts_json(engine, "{\"from\": ", &out),
                 CICLO_STATUS_INVALID_JSON, out, "malformed options");
    expect_error(ciclo_engine_cohorts_json(engine, "{\"from\": \"\xff\"}", &out),
                 CICLO_STATUS_INVALID_UTF8, out, "invalid UTF-8");
    expect_error(ciclo_engine_funnel_svg(engine, NULL, &out), CICLO_STATUS_NULL_ARGUMENT, out,
                 "NULL options");
    expect_error(ciclo_engine_model_diagram(engine, "png", &out),
                 CICLO_STATUS_INVALID_ARGUMENT, out, "unknown format");

    /* An empty base is an empty answer, not an error. */
    ciclo_engine *empty = NULL;
    check(ciclo_engine_new(NULL, &empty), "ciclo_engine_new");
    out = NULL;
    check(ciclo_engine_cohorts_json(empty, QUARTER, &out), "ciclo_engine_cohorts_json (empty)");
    printf("empty base: %.40s...\n", out);
    ciclo_string_free(out);
    ciclo_engine_free(empty);

    ciclo_engine_free(engine);
    printf("done\n");
    return 0;
}
