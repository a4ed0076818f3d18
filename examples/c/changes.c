/*
 * Keeping another system in sync: ciclo's change feed through the C ABI.
 *
 * An ERP mirrors an engine. It registers a callback that counts what the
 * engine changes, feeds the engine events and customer records, and polls
 * the feed from the last sequence number it applied, a few changes a page,
 * as a host applying each page in one database transaction would. It erases a
 * customer and shows that the feed keeps ids only (golden ids and the
 * erased records' keys, for the host to delete its rows by), shrinks the
 * retention and
 * gets the clear error a host that fell too far behind gets. Every status is
 * checked; everything the library returns is freed.
 *
 * Build (after `cargo build`):
 *   cc -std=c99 -Wall -Wextra -Iinclude examples/c/changes.c \
 *      target/debug/libciclo.a -lpthread -ldl -lm -o changes && ./changes
 */
#include <stdint.h>
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

/* What the callback keeps: deliveries and changes seen. */
struct seen {
    int deliveries;
    uint64_t changes;
};

/* Called after each engine call that changed something, with its changes. */
static void on_changes(void *user_data, uint64_t first_seq, uint64_t last_seq,
                       const char *changes_json) {
    struct seen *seen = user_data;
    seen->deliveries += 1;
    seen->changes += last_seq - first_seq + 1;
    (void)changes_json; /* borrowed: copy what you keep */
}

static void apply(ciclo_engine *engine, const char *event_json) {
    check(ciclo_engine_apply_json(engine, event_json, NULL), "apply");
}

/* Reads every change after `*after`, `max` a page, printing each page. */
static void poll(ciclo_engine *engine, uint64_t *after, size_t max) {
    for (;;) {
        char *page = NULL;
        check(ciclo_engine_changes_json(engine, *after, max, &page), "changes");
        printf("after %llu: %s\n", (unsigned long long)*after, page);
        /* A host parses the page with its JSON library; here, the two
           numbers it needs. */
        const char *last = strstr(page, "\"last_seq\":");
        *after = strtoull(last + strlen("\"last_seq\":"), NULL, 10);
        int more = strstr(page, "\"more\":true") != NULL;
        ciclo_string_free(page);
        if (!more) {
            return;
        }
    }
}

int main(void) {
    ciclo_engine *engine = NULL;
    check(ciclo_engine_new(NULL, &engine), "engine");
    struct seen seen = {0, 0};
    check(ciclo_engine_set_change_callback(engine, 0, on_changes, &seen), "callback");

    apply(engine, "{\"customer\": \"ana\", \"at\": \"2026-03-01T10:00:00Z\","
                  " \"kind\": \"purchase\", \"amount\": 125000, \"currency\": \"ARS\"}");
    apply(engine, "{\"customer\": \"ana\", \"at\": \"2026-03-02T10:00:00Z\","
                  " \"kind\": \"visit\"}"); /* moves nobody: no change */
    apply(engine, "{\"customer\": \"ana\", \"at\": \"2026-04-01T10:00:00Z\","
                  " \"kind\": \"purchase\", \"amount\": 99000, \"currency\": \"ARS\"}");
    uint64_t after = 0;
    poll(engine, &after, 2);

    /* Records: the second is the same person, merged into the first. */
    ciclo_engine *crm = NULL;
    char *ingested = NULL;
    check(ciclo_engine_new(NULL, &crm), "second engine");
    check(ciclo_engine_set_change_callback(crm, 0, on_changes, &seen), "callback");
    check(ciclo_engine_ingest_json(
              crm,
              "{\"system\": \"crm\", \"id\": \"C-1\", \"updated\": \"2026-03-01T10:00:00Z\","
              " \"record\": {\"given_name\": \"Dolores\", \"surname\": \"Fuentes\","
              " \"email\": \"dolores.fuentes@example.com\", \"country\": \"AR\"}}",
              &ingested),
          "ingest");
    ciclo_string_free(ingested);
    check(ciclo_engine_ingest_json(
              crm,
              "{\"system\": \"erp\", \"id\": \"E-9\", \"updated\": \"2026-03-02T10:00:00Z\","
              " \"record\": {\"given_name\": \"Dolores\", \"surname\": \"Fuentes\","
              " \"email\": \"dolores.fuentes@example.com\", \"phone\": \"+54 11 4777-6655\","
              " \"country\": \"AR\"}}",
              &ingested),
          "ingest");
    ciclo_string_free(ingested);
    uint64_t crm_after = 0;
    poll(crm, &crm_after, 10);
    /* Erased: the feed keeps ids only. */
    check(ciclo_engine_remove_customer(crm, "G1"), "erase");
    printf("erased G1; the whole feed now:\n");
    crm_after = 0;
    poll(crm, &crm_after, 100);
    printf("callback: %d deliveries, %llu changes\n", seen.deliveries,
           (unsigned long long)seen.changes);

    /* The retention: keep 2 changes; reading from 0 is a clear error. */
    check(ciclo_engine_set_change_callback(engine, 0, NULL, NULL), "remove callback");
    check(ciclo_engine_set_change_retention_json(engine, "{\"max_changes\": 2}"), "retention");
    apply(engine, "{\"customer\": \"beto\", \"at\": \"2026-04-02T10:00:00Z\","
                  " \"kind\": \"visit\"}");
    char *page = NULL;
    ciclo_status status = ciclo_engine_changes_json(engine, 0, 10, &page);
    printf("from 0: %s: %s\n", ciclo_status_name(status), ciclo_last_error_message());
    if (status != CICLO_STATUS_CHANGES_DROPPED) {
        return 1;
    }

    ciclo_engine_free(crm);
    ciclo_engine_free(engine);
    printf("done\n");
    return 0;
}
