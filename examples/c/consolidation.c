/*
 * One customer, many systems: record consolidation through ciclo's C ABI.
 *
 * A CRM and an ERP of an Argentine retailer both send their customer records
 * to one engine. The engine matches each record at the point of entry: the
 * same person typed differently in the two systems becomes one golden customer,
 * with the value of each field chosen by survivorship rules and every alternate
 * email and phone kept. The program then sends events for golden customers,
 * lets a data steward merge and unmerge (the lifecycle state follows), links a
 * corporate group and rolls its revenue up, lists the reviews, removes a source
 * record and erases a customer (the right to be forgotten), deduplicates a
 * small export in one call with a progress callback, installs the model the
 * batch estimated in an engine (and has the engine estimate its own), shows
 * the stateless path for a host with its own database (blocking keys, a
 * pair's score), and shows that bad input is refused with a clear error. Every status is checked; everything the
 * library returns is freed.
 *
 * Build (after `cargo build`):
 *   cc -std=c99 -Wall -Wextra -Iinclude examples/c/consolidation.c \
 *      target/debug/libciclo.a -lpthread -ldl -lm -o consolidation && ./consolidation
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

static void expect_error(ciclo_status status, ciclo_status expected, const char *what) {
    if (status != expected) {
        fprintf(stderr, "%s: expected %s, got %s\n", what, ciclo_status_name(expected),
                ciclo_status_name(status));
        exit(1);
    }
    printf("  rejected %-30s %s: %s\n", what, ciclo_status_name(status), ciclo_last_error_message());
}

/* Copies the value of the last `"key":"...` in a JSON text (enough for this
   example's fields: keys come sorted, the outcome's own after its candidates'; a
   real host uses its JSON library). */
static void json_field(const char *json, const char *key, char *out, size_t size) {
    char pattern[64];
    const char *start = NULL, *next, *end;
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    for (next = strstr(json, pattern); next != NULL; next = strstr(next + 1, pattern)) {
        start = next;
    }
    out[0] = '\0';
    if (start == NULL) {
        return;
    }
    start += strlen(pattern);
    end = strchr(start, '"');
    if (end != NULL && (size_t)(end - start) < size) {
        memcpy(out, start, (size_t)(end - start));
        out[end - start] = '\0';
    }
}

/* A copy (malloc'd) of the object value of the first `"key":{` in a JSON
   text, or NULL (enough for this example: no brace inside a string; a real
   host uses its JSON library). */
static char *json_object(const char *json, const char *key) {
    char pattern[64];
    const char *start, *end;
    int depth = 0;
    char *copy;
    snprintf(pattern, sizeof pattern, "\"%s\":{", key);
    start = strstr(json, pattern);
    if (start == NULL) {
        return NULL;
    }
    start += strlen(pattern) - 1;
    for (end = start; *end != '\0'; end++) {
        if (*end == '{') {
            depth++;
        } else if (*end == '}' && --depth == 0) {
            break;
        }
    }
    if (*end == '\0') {
        return NULL;
    }
    copy = malloc((size_t)(end - start) + 2);
    if (copy != NULL) {
        memcpy(copy, start, (size_t)(end - start) + 1);
        copy[end - start + 1] = '\0';
    }
    return copy;
}

/* Ingests one record; prints the decision; copies the golden id out. */
static void ingest(const ciclo_engine *engine, const char *request, char *golden, size_t size) {
    char *result = NULL;
    char decision[32];
    check(ciclo_engine_ingest_json(engine, request, &result), "ciclo_engine_ingest_json");
    json_field(result, "golden_id", golden, size);
    json_field(result, "decision", decision, sizeof decision);
    printf("  %-8s -> %s\n", decision, golden);
    ciclo_string_free(result);
}

static void on_progress(void *user, const char *step, size_t done, size_t total) {
    int *calls = (int *)user;
    *calls += 1;
    printf("  progress: %s %zu/%zu\n", step, done, total);
}

int main(void) {
    ciclo_engine *engine = NULL;
    char pepe[32], pepe_erp[32], acme[32], acme_sur[32], lucia[32];
    char *json = NULL, *golden = NULL, *survivor = NULL, *back = NULL, *model = NULL, *config = NULL;
    int progress_calls = 0;

    check(ciclo_engine_new(NULL, &engine), "ciclo_engine_new");
    check(ciclo_engine_configure_consolidation(engine,
              "{\"default_country\": \"AR\","
              " \"survivorship\": {\"source_priority\": [\"erp\", \"crm\"],"
              "                    \"fields\": {\"address\": [\"validated\", \"source_priority\", \"most_recent\"]}}}"),
          "ciclo_engine_configure_consolidation");

    printf("records at the point of entry:\n");
    ingest(engine,
           "{\"system\": \"crm\", \"id\": \"C-1042\", \"updated\": \"2026-03-01T10:00:00Z\","
           " \"record\": {\"given_name\": \"José Luis\", \"surname\": \"García Pérez\","
           " \"email\": \"jose.garcia@gmail.com\", \"phone\": \"011 15-2345-6789\","
           " \"national_id\": \"20-12345678-6\", \"birth_date\": \"09/01/1986\"}}",
           pepe, sizeof pepe);
    /* The ERP types him with his nickname, without accents, with his DNI only. */
    ingest(engine,
           "{\"system\": \"erp\", \"id\": \"000233\", \"updated\": \"2026-05-10T09:00:00Z\","
           " \"record\": {\"given_name\": \"Pepe\", \"surname\": \"GARCIA\","
           " \"email\": \"josegarcia@gmail.com\", \"phone\": \"+54 9 11 2345-6789\","
           " \"national_id\": \"12.345.678\", \"street\": \"Av. Corrientes 1234, 5º B\","
           " \"locality\": \"Buenos Aires\", \"postal_code\": \"C1043AAZ\"}}",
           pepe_erp, sizeof pepe_erp);
    ingest(engine,
           "{\"system\": \"crm\", \"id\": \"C-2001\", \"record\": {\"given_name\": \"Lucía\","
           " \"surname\": \"Gómez\", \"email\": \"lucia.gomez@hotmail.com\"}}",
           lucia, sizeof lucia);
    ingest(engine,
           "{\"system\": \"erp\", \"id\": \"E-10\", \"record\": {\"company\": \"Acme Argentina S.A.\","
           " \"national_id\": \"30-71234567-1\"}}",
           acme, sizeof acme);
    ingest(engine,
           "{\"system\": \"erp\", \"id\": \"E-11\", \"record\": {\"company\": \"Acme Sur SRL\"}}",
           acme_sur, sizeof acme_sur);

    printf("\ngolden record of %s (lineage and alternates):\n", pepe);
    check(ciclo_engine_golden_json(engine, pepe, &json), "ciclo_engine_golden_json");
    printf("  %s\n", json);
    ciclo_string_free(json);

    check(ciclo_engine_golden_of(engine, "erp", "000233", &golden), "ciclo_engine_golden_of");
    printf("\ncross-reference: erp/000233 is %s\n", golden);
    ciclo_string_free(golden);

    printf("\nevents for golden customers:\n");
    {
        char event[256];
        char *outcome = NULL;
        snprintf(event, sizeof event,
                 "{\"customer\": \"%s\", \"at\": \"2026-05-11T10:00:00Z\", \"kind\": \"purchase\","
                 " \"amount\": 2500000, \"currency\": \"ARS\"}", lucia);
        check(ciclo_engine_apply_json(engine, event, &outcome), "ciclo_engine_apply_json");
        printf("  %s\n", outcome);
        ciclo_string_free(outcome);
        snprintf(event, sizeof event,
                 "{\"customer\": \"%s\", \"at\": \"2026-05-12T10:00:00Z\", \"kind\": \"purchase\","
                 " \"amount\": 90000000, \"currency\": \"ARS\"}", acme);
        check(ciclo_engine_apply_json(engine, event, NULL), "ciclo_engine_apply_json");
        snprintf(event, sizeof event,
                 "{\"customer\": \"%s\", \"at\": \"2026-05-13T10:00:00Z\", \"kind\": \"purchase\","
                 " \"amount\": 15000000, \"currency\": \"ARS\"}", acme_sur);
        check(ciclo_engine_apply_json(engine, event, NULL), "ciclo_engine_apply_json");
    }

    printf("\na data steward merges %s into %s, then takes it out again:\n", lucia, pepe);
    check(ciclo_engine_merge(engine, pepe, lucia, &survivor), "ciclo_engine_merge");
    printf("  survivor %s\n", survivor);
    check(ciclo_engine_customer_json(engine, survivor, &json), "ciclo_engine_customer_json");
    printf("  %s\n", json);
    ciclo_string_free(json);
    check(ciclo_engine_unmerge(engine, "crm", "C-2001", &back), "ciclo_engine_unmerge");
    printf("  crm/C-2001 is %s again\n", back);
    ciclo_string_free(survivor);
    ciclo_string_free(back);

    printf("\ncorporate group:\n");
    check(ciclo_engine_link(engine, "corporate", acme, acme_sur), "ciclo_engine_link");
    check(ciclo_engine_hierarchy_json(engine, "corporate", acme_sur, &json), "ciclo_engine_hierarchy_json");
    printf("  %s\n", json);
    ciclo_string_free(json);
    check(ciclo_engine_roll_up_json(engine, "corporate", acme, &json), "ciclo_engine_roll_up_json");
    printf("  revenue: %s\n", json);
    ciclo_string_free(json);

    check(ciclo_engine_reviews_json(engine, &json), "ciclo_engine_reviews_json");
    printf("\nreviews: %s\n", json);
    ciclo_string_free(json);

    printf("\nthe ERP deletes its record, then the customer asks to be forgotten:\n");
    check(ciclo_engine_remove_source(engine, "erp", "000233", &json), "ciclo_engine_remove_source");
    printf("  %s\n", json);
    ciclo_string_free(json);
    check(ciclo_engine_remove_customer(engine, pepe), "ciclo_engine_remove_customer");
    expect_error(ciclo_engine_golden_json(engine, pepe, &json), CICLO_STATUS_NOT_FOUND,
                 "an erased customer's golden record");
    expect_error(ciclo_engine_golden_of(engine, "crm", "C-1042", &json), CICLO_STATUS_NOT_FOUND,
                 "an erased customer's cross-reference");

    printf("\nbad input is refused and changes nothing:\n");
    expect_error(ciclo_engine_ingest_json(engine,
                     "{\"system\": \"crm\", \"id\": \"C-9\", \"record\": {\"email\": \" \"}}", &json),
                 CICLO_STATUS_INVALID_ARGUMENT, "a record with every field empty");
    expect_error(ciclo_engine_merge(engine, acme, acme, NULL), CICLO_STATUS_INVALID_ARGUMENT,
                 "a customer merged with itself");
    expect_error(ciclo_engine_unmerge(engine, "crm", "C-2001", NULL), CICLO_STATUS_CONFLICT,
                 "unmerging what was never merged");
    expect_error(ciclo_engine_golden_json(engine, "G999", &json), CICLO_STATUS_NOT_FOUND,
                 "an unknown golden id");
    expect_error(ciclo_engine_link(engine, "corporate", acme_sur, acme), CICLO_STATUS_CONFLICT,
                 "a cycle in a hierarchy");
    expect_error(ciclo_engine_configure_consolidation(engine,
                     "{\"survivorship\": {\"default\": [\"source_priority\"]}}"),
                 CICLO_STATUS_INVALID_CONFIG, "conflicting survivorship");

    ciclo_engine_free(engine);

    printf("\nbatch deduplication of an export:\n");
    check(ciclo_dedup_json(
              "{\"id\": \"r1\", \"given_name\": \"María José\", \"surname\": \"Fernández\", \"email\": \"mjf@gmail.com\", \"birth_date\": \"1990-04-02\"}\n"
              "{\"id\": \"r2\", \"given_name\": \"Maria Jose\", \"surname\": \"FERNANDEZ\", \"email\": \"m.j.f@gmail.com\", \"birth_date\": \"02/04/1990\"}\n"
              "{\"id\": \"r3\", \"given_name\": \"Mariano\", \"surname\": \"Fernández\", \"email\": \"mariano@yahoo.com\"}\n",
              "{\"default_country\": \"AR\", \"today\": \"2026-11-23\"}", on_progress, &progress_calls,
              &json),
          "ciclo_dedup_json");
    printf("  %s\n", json);
    if (progress_calls == 0) {
        fprintf(stderr, "the progress callback was never called\n");
        return 1;
    }

    /* The batch answers with the match model it estimated from the export: a
       host installs it in an engine, which then scores ingests with it. */
    printf("\nthe batch's model, installed in an engine:\n");
    model = json_object(json, "model");
    ciclo_string_free(json);
    if (model == NULL) {
        fprintf(stderr, "no model in the batch's answer\n");
        return 1;
    }
    config = malloc(strlen(model) + 64);
    if (config == NULL) {
        return 1;
    }
    sprintf(config, "{\"default_country\": \"AR\", \"model\": %s}", model);
    check(ciclo_engine_new(NULL, &engine), "ciclo_engine_new");
    check(ciclo_engine_configure_consolidation(engine, config), "ciclo_engine_configure_consolidation");
    free(config);
    ingest(engine,
           "{\"system\": \"web\", \"id\": \"w1\", \"record\": {\"given_name\": \"María José\","
           " \"surname\": \"Fernández\", \"email\": \"mjf@gmail.com\", \"birth_date\": \"1990-04-02\"}}",
           lucia, sizeof lucia);
    ingest(engine,
           "{\"system\": \"pos\", \"id\": \"p7\", \"record\": {\"given_name\": \"Maria Jose\","
           " \"surname\": \"FERNANDEZ\", \"email\": \"m.j.f@gmail.com\", \"birth_date\": \"02/04/1990\"}}",
           lucia, sizeof lucia);
    check(ciclo_engine_match_model_json(engine, &json), "ciclo_engine_match_model_json");
    printf("  the engine scores with the batch's model: %s\n",
           strcmp(json, model) == 0 ? "yes" : "no");
    ciclo_string_free(json);
    /* Later, the engine estimates a model from the records it holds (two are
       far too few to learn from: it says so, and keeps the model). */
    check(ciclo_engine_estimate_model_json(engine, "{\"u_sample\": 1000, \"seed\": 7}", &json),
          "ciclo_engine_estimate_model_json");
    printf("  estimated again: %.60s...\n", strstr(json, "\"estimate\""));
    ciclo_string_free(json);
    check(ciclo_engine_set_match_model_json(engine, model), "ciclo_engine_set_match_model_json");
    expect_error(ciclo_engine_set_match_model_json(engine, "{\"prior\": 2}"),
                 CICLO_STATUS_INVALID_CONFIG, "an incomplete model");
    ciclo_engine_free(engine);

    /* A host that keeps its records in its own database: it indexes each
       record's blocking keys, fetches the records sharing one with a new
       record, and asks only for the scores. */
    printf("\nwithout an engine: blocking keys and a pair's score:\n");
    check(ciclo_record_blocking_keys_json(
              "{\"given_name\": \"Pepe\", \"surname\": \"González\", \"email\": \"Pepe.Gonzalez@gmail.com\"}",
              "{\"default_country\": \"AR\"}", &json),
          "ciclo_record_blocking_keys_json");
    printf("  keys: %s\n", json);
    ciclo_string_free(json);
    config = malloc(strlen(model) + 64);
    if (config == NULL) {
        return 1;
    }
    sprintf(config, "{\"default_country\": \"AR\", \"model\": %s}", model);
    check(ciclo_records_score_json(
              "{\"given_name\": \"Pepe\", \"surname\": \"González Pérez\", \"national_id\": \"20-12345678-6\","
              " \"birth_date\": \"03/04/1980\"}",
              "{\"given_name\": \"José\", \"surname\": \"Gonzalez\", \"national_id\": \"12.345.678\","
              " \"birth_date\": \"1980-04-03\"}",
              config, &json),
          "ciclo_records_score_json");
    {
        char decision[32];
        json_field(json, "decision", decision, sizeof decision);
        printf("  Pepe González Pérez and José Gonzalez: %s\n  %s\n", decision, json);
    }
    ciclo_string_free(json);
    free(config);
    free(model);
    expect_error(ciclo_records_score_json("{\"email\": \" \"}", "{\"surname\": \"Paz\"}", NULL, &json),
                 CICLO_STATUS_INVALID_ARGUMENT, "scoring an empty record");
    expect_error(ciclo_records_score_json("{\"surname\": \"Paz\"}", "{\"surname\": \"Paz\"}",
                     "{\"model\": {\"prior\": 0.5}}", &json),
                 CICLO_STATUS_INVALID_CONFIG, "scoring with an incomplete model");
    printf("\ndone\n");
    return 0;
}
