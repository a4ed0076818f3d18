/*
 * What to offer each customer, and who they are: product affinities, next
 * best offers and RFM through ciclo's C ABI.
 *
 * A yerba shop feeds an engine its purchases: six customers buy a mate with
 * a bombilla, four of them come back for yerba; ana bought only a mate,
 * beto pays in euros. The shop learns product affinities from the purchase
 * histories the engine keeps (products, then categories), asks for ana's
 * next best offers (each valued and explained), scores the base by RFM as
 * of a date (per currency, scores 1 to 5 and named segments) a page at a
 * time, then shows that bad input is refused with a clear error, the out
 * pointer untouched, and that an empty base answers an empty result. Every
 * status is checked; everything the library returns is freed.
 *
 * Build (after `cargo build`):
 *   cc -std=c99 -Wall -Wextra -Iinclude examples/c/offers.c \
 *      target/debug/libciclo.a -lpthread -ldl -lm -o offers && ./offers
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

/* One purchase line: who, when (day of January 2026), order, product,
 * category, amount in centavos, currency. */
static void buy(ciclo_engine *engine, const char *customer, int day, const char *order,
                const char *product, const char *category, long amount,
                const char *currency) {
    char event[512];
    int n = snprintf(event, sizeof event,
                     "{\"customer\": \"%s\", \"at\": \"2026-01-%02dT10:00:00Z\","
                     " \"kind\": \"purchase\", \"amount\": %ld, \"currency\": \"%s\","
                     " \"category\": \"%s\","
                     " \"attributes\": {\"product\": \"%s\", \"order\": \"%s\"}}",
                     customer, day, amount, currency, category, product, order);
    if (n < 0 || (size_t)n >= sizeof event) {
        fprintf(stderr, "event too long\n");
        exit(1);
    }
    check(ciclo_engine_apply_json(engine, event, NULL), "ciclo_engine_apply_json");
}

int main(void) {
    ciclo_engine *engine = NULL;
    check(ciclo_engine_new(NULL, &engine), "ciclo_engine_new");
    const char *customers[] = {"c1", "c2", "c3", "c4", "c5", "c6"};
    for (int i = 0; i < 6; i++) {
        char order[32];
        snprintf(order, sizeof order, "%s-1", customers[i]);
        buy(engine, customers[i], 2 + i, order, "mate imperial", "mates", 1800000 + 10000 * i,
            "ARS");
        buy(engine, customers[i], 2 + i, order, "bombilla alpaca", "bombillas", 900000, "ARS");
        if (i < 4) {
            snprintf(order, sizeof order, "%s-2", customers[i]);
            buy(engine, customers[i], 12 + i, order, "yerba 1kg", "yerbas", 450000, "ARS");
        }
    }
    buy(engine, "ana", 20, "ana-1", "mate imperial", "mates", 1800000, "ARS");
    buy(engine, "beto", 21, "beto-1", "termo acero", "termos", 5500, "EUR");

    /* Affinities between products (defaults), then between categories. */
    char *out = NULL;
    check(ciclo_engine_learn_affinities_json(engine, NULL, &out),
          "ciclo_engine_learn_affinities_json");
    printf("affinities: %s\n", out);
    ciclo_string_free(out);

    out = NULL;
    check(ciclo_engine_next_best_offers_json(engine, "ana", 3, &out),
          "ciclo_engine_next_best_offers_json");
    printf("ana's offers: %s\n", out);
    ciclo_string_free(out);

    out = NULL;
    check(ciclo_engine_learn_affinities_json(engine, "{\"level\": \"category\"}", &out),
          "ciclo_engine_learn_affinities_json (category)");
    printf("category affinities: %s\n", out);
    ciclo_string_free(out);

    out = NULL;
    check(ciclo_engine_next_best_offers_json(engine, "ana", 2, &out),
          "ciclo_engine_next_best_offers_json (category)");
    printf("ana's category offers: %s\n", out);
    ciclo_string_free(out);

    /* RFM as of February 1st, three customers of the listing a page. */
    char options[256];
    char cursor[128] = "";
    int page = 0;
    for (;;) {
        if (cursor[0] == '\0') {
            snprintf(options, sizeof options,
                     "{\"as_of\": \"2026-02-01T00:00:00Z\", \"limit\": 3}");
        } else {
            snprintf(options, sizeof options,
                     "{\"as_of\": \"2026-02-01T00:00:00Z\", \"limit\": 3, \"cursor\": \"%s\"}",
                     cursor);
        }
        out = NULL;
        check(ciclo_engine_rfm_json(engine, options, &out), "ciclo_engine_rfm_json");
        page++;
        if (page == 1) {
            printf("rfm: %s\n", out);
        } else {
            const char *rows = strstr(out, "\"customers\":[{");
            printf("rfm page %d: %.200s\n", page, rows != NULL ? rows : out);
        }
        /* The next cursor is the id the page ended at: `"next_cursor":"c2"`,
         * or null after the last page (ids here need no JSON escaping). */
        const char *next = strstr(out, "\"next_cursor\":\"");
        if (next == NULL) {
            ciclo_string_free(out);
            break;
        }
        next += strlen("\"next_cursor\":\"");
        size_t len = strcspn(next, "\"");
        if (len >= sizeof cursor) {
            fprintf(stderr, "cursor too long\n");
            exit(1);
        }
        memcpy(cursor, next, len);
        cursor[len] = '\0';
        ciclo_string_free(out);
    }
    printf("rfm: %d pages\n", page);

    printf("bad input:\n");
    out = NULL;
    expect_error(ciclo_engine_learn_affinities_json(engine, "{\"top_k\": 0}", &out),
                 CICLO_STATUS_INVALID_ARGUMENT, out, "top_k 0");
    expect_error(ciclo_engine_learn_affinities_json(engine, "{\"level\": \"brand\"}", &out),
                 CICLO_STATUS_INVALID_JSON, out, "unknown level");
    expect_error(ciclo_engine_next_best_offers_json(engine, "ana", 0, &out),
                 CICLO_STATUS_INVALID_ARGUMENT, out, "max 0");
    expect_error(ciclo_engine_next_best_offers_json(engine, "nadie", 3, &out),
                 CICLO_STATUS_NOT_FOUND, out, "unknown customer");
    expect_error(ciclo_engine_next_best_offers_json(engine, NULL, 3, &out),
                 CICLO_STATUS_NULL_ARGUMENT, out, "NULL customer");
    expect_error(ciclo_engine_rfm_json(engine, "{\"as_of\": \"2026-01-10T00:00:00Z\"}", &out),
                 CICLO_STATUS_INVALID_ARGUMENT, out, "as_of before a buy");
    expect_error(ciclo_engine_rfm_json(engine, "{\"as_of\": \"ayer\"}", &out),
                 CICLO_STATUS_INVALID_JSON, out, "bad as_of");
    expect_error(ciclo_engine_rfm_json(engine, "{\"as_of\": ", &out),
                 CICLO_STATUS_INVALID_JSON, out, "malformed options");
    expect_error(ciclo_engine_rfm_json(engine, "{\"as_of\": \"\xff\"}", &out),
                 CICLO_STATUS_INVALID_UTF8, out, "invalid UTF-8");
    expect_error(ciclo_engine_rfm_json(engine, "{\"limit\": 0}", &out),
                 CICLO_STATUS_INVALID_ARGUMENT, out, "limit 0");
    expect_error(ciclo_engine_rfm_json(NULL, NULL, &out), CICLO_STATUS_NULL_ARGUMENT, out,
                 "NULL engine");

    /* An empty base is an empty answer, not an error. */
    ciclo_engine *empty = NULL;
    check(ciclo_engine_new(NULL, &empty), "ciclo_engine_new");
    out = NULL;
    check(ciclo_engine_learn_affinities_json(empty, NULL, &out),
          "ciclo_engine_learn_affinities_json (empty)");
    ciclo_string_free(out);
    out = NULL;
    check(ciclo_engine_rfm_json(empty, NULL, &out), "ciclo_engine_rfm_json (empty)");
    printf("empty base: %s\n", out);
    ciclo_string_free(out);
    ciclo_engine_free(empty);

    ciclo_engine_free(engine);
    printf("done\n");
    return 0;
}
