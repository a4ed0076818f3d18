#!/usr/bin/env python3
"""Writes the JSON seed corpora under fuzz/corpus/ (valid inputs from the README and
the tests, plus a few near-misses). Snapshot seeds come from
`cargo +nightly run --example seed_snapshots`. Run from fuzz/: python3 seeds.py"""
import json, os

RS = "\x1e"
C = {}

def add(target, name, text):
    C.setdefault(target, []).append((name, text))

# --- stage model configuration -------------------------------------------------
README_MODEL = {
    "name": "mi_ciclo",
    "stages": [{"name": "prospecto", "description": "Conoce la marca"},
               {"name": "cliente"}, {"name": "perdido"}],
    "initial": "prospecto", "forward_only": True, "custom_events": ["webinar"],
    "lead_scoring": {"points": {"webinar": 5, "contact_captured": 10}, "half_life_days": 30, "threshold": 15},
    "metrics": {"window_days": 90, "usage_recent_half_life_days": 14, "usage_trailing_half_life_days": 90},
    "rules": [
        {"name": "compra", "from": ["prospecto"], "to": "cliente", "on": ["purchase"], "priority": 10},
        {"name": "inactivo", "from": ["cliente"], "to": "perdido", "on": "tick",
         "when": {"any": [{"metric": "days_since_last_purchase", "op": ">=", "value": 365},
                          {"all": [{"metric": "purchase_count", "op": ">=", "value": 2},
                                   {"metric": "purchase_interval_ratio", "op": ">=", "value": 3}]}]}},
        {"name": "recuperado", "from": ["perdido"], "to": "cliente", "on": ["purchase"], "allow_backward": True},
    ],
}
MINI = {"name": "mini", "stages": [{"name": "a"}, {"name": "b"}],
        "rules": [{"name": "r", "to": "b", "on": "purchase"}]}
NOT_RULE = {"name": "n", "stages": [{"name": "a"}, {"name": "b"}],
            "rules": [{"name": "r", "to": "b", "on": "any_event",
                       "when": {"not": {"metric": "event.amount", "op": "!=", "value": 0}}}]}
for name, text in [
    ("empty", ""), ("spaces", "   "), ("five", '{"preset": "five_stage"}'),
    ("six", '{"preset": "six_stage"}'), ("seven", '{"preset": "seven_stage"}'),
    ("readme", json.dumps(README_MODEL)), ("mini", json.dumps(MINI)), ("not_rule", json.dumps(NOT_RULE)),
    ("bad_number", json.dumps(MINI).replace('"priority"', '"x"')[:-1] + ', "lead_scoring": {"threshold": 1e400}}'),
    ("dup_key", '{"preset": "five_stage", "preset": "six_stage"}'),
    ("deep", "[" * 200 + "]" * 200),
]:
    add("config_engine", name, text)

# --- consolidation configuration ----------------------------------------------
for name, obj in [
    ("survivorship", {"survivorship": {"source_priority": ["erp", "crm"], "default": ["validated", "most_recent"],
                                       "fields": {"email": ["source_priority", "most_recent"]}}}),
    ("country", {"default_country": "AR"}),
    ("blocks", {"max_block": 200, "refine_block": 24}),
    ("thresholds", {"merge_threshold": 0.99, "review_threshold": 0.5}),
    ("zero_block", {"max_block": 0, "refine_block": 0}),
    ("all", {"survivorship": {"default": ["most_complete", "most_frequent"]}, "default_country": "ES",
             "merge_threshold": 0.9, "review_threshold": 0.1}),
    ("empty_obj", {}),
]:
    add("config_consolidation", name, json.dumps(obj))
add("config_consolidation", "empty", "")

# --- retention configuration ----------------------------------------------------
RET = {"rules": [{"name": "vip_complaint", "stages": ["growth", "retention"],
                  "when": {"all": [{"signal": "complaints_in_window", "op": ">=", "value": 1},
                                   {"signal": "revenue", "op": ">=", "value": 50000000}]},
                  "action": "personal_outreach", "priority": 95, "cooldown_days": 30,
                  "cap": {"count": 3, "period_days": 365}}],
       "contract_term_days": 365, "contact_cap": {"count": 2, "period_days": 30}}
RET2 = {"rules": [{"name": "vip_at_risk", "stages": ["growth", "retention"], "action": "call_from_manager",
                   "priority": 95, "cooldown_days": 14, "cap": {"count": 2, "period_days": 90},
                   "when": {"all": [{"signal": "revenue", "op": ">=", "value": 500000},
                                    {"signal": "churn_risk", "op": ">=", "value": 0.4}]}},
                  {"name": "any", "action": "discount", "when": {"not": {"any": [{"signal": "p_alive", "op": "<", "value": 0.5}]}}}],
        "max_per_evaluation": 2}
for name, text in [("readme", json.dumps(RET)), ("vip", json.dumps(RET2)), ("empty", ""),
                   ("no_rules", '{"rules": []}'), ("missing_rules", '{"contract_term_days": 30}')]:
    add("config_retention", name, text)

# --- events -------------------------------------------------------------------------
EV = [
    '{"id": "e1", "customer": "c-42", "at": "2026-01-03T17:00:00Z", "kind": "visit"}',
    '{"customer": "c-42", "at": "2026-01-05T10:00:00Z", "kind": "contact_captured"}',
    '{"customer": "c-42", "at": "2026-01-06T10:00:00Z", "kind": "trial_requested"}',
    '{"id": "evt-981", "customer": "c-42", "at": "2026-03-01T10:00:00-03:00", "kind": "purchase", "amount": 1250000, "currency": "ARS", "category": "hogar", "attributes": {"canal": "web"}}',
    '{"customer": "c-42", "at": "2026-03-05T10:00:00Z", "kind": "delivery"}',
    '{"customer": "c-42", "at": "2026-03-06T10:00:00Z", "kind": "support_ticket", "category": "envio"}',
    '{"customer": "c-42", "at": "2026-03-07T10:00:00Z", "kind": "ticket_resolved"}',
    '{"customer": "c-42", "at": "2026-03-08T10:00:00Z", "kind": "complaint", "reason": "late"}',
    '{"customer": "c-42", "at": "2026-03-09T10:00:00Z", "kind": "survey", "score": 40}',
    '{"customer": "c-42", "at": "2026-03-10T10:00:00Z", "kind": "usage", "quantity": 3.5}',
    '{"customer": "c-42", "at": "2026-03-11T10:00:00Z", "kind": "payment_failed"}',
    '{"customer": "c-42", "at": "2026-04-01T10:00:00Z", "kind": "purchase", "amount": 990000, "currency": "ARS", "category": "ropa"}',
    '{"customer": "c-42", "at": "2026-05-01T10:00:00Z", "kind": "renewal", "amount": 5000, "currency": "ARS"}',
    '{"customer": "c-42", "at": "2026-06-01T10:00:00Z", "kind": "outreach"}',
    '{"customer": "c-42", "at": "2026-06-02T10:00:00Z", "kind": "offer_declined"}',
    '{"customer": "c-42", "at": "2026-06-03T10:00:00Z", "kind": "offer_accepted"}',
    '{"customer": "c-42", "at": "2026-07-01T10:00:00Z", "kind": "cancellation", "reason": "price"}',
    '{"customer": "c-42", "at": "2026-07-02T10:00:00Z", "kind": "unsubscribe"}',
    '{"customer": "c-42", "at": "2026-07-03T10:00:00Z", "kind": "demo_requested"}',
]
add("event_json", "lifecycle", "\n".join(EV))
add("event_json", "two_customers", "\n".join([EV[0], EV[3], EV[3],
    '{"customer": "ana", "at": "2026-03-10T10:00:00Z", "kind": "visit"}',
    '{"customer": "ana", "at": "2026-03-01T10:00:00Z", "kind": "visit"}',
    '{"customer": "ana", "at": "2026-03-11T10:00:00Z", "kind": "purchase", "amount": 1, "currency": "USD"}',
    '{"customer": "ana", "at": "2026-03-12T10:00:00Z", "kind": "purchase", "amount": 1, "currency": "EUR"}']))
add("event_json", "custom_model", "#" + json.dumps(README_MODEL) + "\n" + "\n".join([
    '{"customer": "p", "at": "2026-01-01T00:00:00Z", "kind": "webinar"}',
    '{"customer": "p", "at": "2026-01-02T00:00:00Z", "kind": "contact_captured"}',
    '{"customer": "p", "at": "2026-01-03T00:00:00Z", "kind": "purchase", "amount": 10, "currency": "EUR"}']))
add("event_json", "five_stage", '#{"preset": "five_stage"}\n' + "\n".join(EV[:6]))
for i, e in enumerate(['{"customer": "ana", "at": "2026-02-30T10:00:00Z", "kind": "visit"}',
                       '{"customer": "ana", "at": "2026-03-10T10:00:00Z", "kind": "purchase", "amount": 9223372036854775807, "currency": "ARS"}\n{"customer": "ana", "at": "2026-03-11T10:00:00Z", "kind": "purchase", "amount": 9223372036854775807, "currency": "ARS"}',
                       '{"customer": "ana", "at": "2026-03-10T10:00:00Z", "kind": "visit", "kind": "visit"}',
                       '{"customer": "x", "at": "9999-12-31T23:59:59Z", "kind": "usage", "quantity": 1e308}',
                       '{"customer": "x", "at": "0001-01-01T00:00:00Z", "kind": "survey", "score": 100}']):
    add("event_json", f"edge{i}", e)

# --- events for the struct target: raw bytes, generated from a few patterns ----
def ev_struct(flags, kind, cust=1, eid=0, hours=0, custom=0, amount=100, cur=1, cat=0, reason=0, score=0, qty=0, has=0):
    b = bytes([flags, kind, cust, eid]) + int(hours).to_bytes(2, "little", signed=True)
    b += bytes([custom]) + int(amount).to_bytes(2, "little") + bytes([cur, cat, reason, score, qty, has])
    return b
add("event_struct", "visit_purchase", ev_struct(0, 1) + ev_struct(0, 5, hours=5, amount=500) + ev_struct(0, 5, hours=900, amount=20))
add("event_struct", "survey_usage", ev_struct(0, 1) + ev_struct(0, 10, hours=2, score=40, has=1) + ev_struct(0, 11, hours=3, qty=7, has=2))
add("event_struct", "custom", ev_struct(0, 20, custom=1) + ev_struct(0, 14, hours=10, reason=1, cur=0))
add("event_struct", "no_outcome", ev_struct(32, 1, cust=2) + ev_struct(32, 9, cust=2, hours=1))

# --- state JSON + events for the pure step ----------------------------------------
STATE = {"stage": "growth", "stage_entered": "2026-02-20T19:00:00Z", "watermark": "2026-02-20T19:00:00Z",
 "history": [{"from": None, "to": "awareness", "at": "2026-01-03T17:00:00Z", "rule": None,
              "cause": "visit", "event_id": "e1", "attributes": {}},
             {"from": "awareness", "to": "conversion", "at": "2026-01-12T14:00:00Z",
              "rule": "first_purchase", "cause": "purchase", "event_id": "e5",
              "attributes": {"canal": "web"}}],
 "metrics": {"first_seen": "2026-01-03T17:00:00Z", "last_activity": "2026-02-20T19:00:00Z",
             "event_count": 6, "contact_captured": True, "trial_requested": True,
             "unsubscribed": False, "lead_score": 31.2, "lead_score_at": "2026-01-09T21:00:00Z",
             "purchases": {"count": 2, "revenue": 10249000, "currency": "ARS",
                           "first": "2026-01-12T14:00:00Z", "last": "2026-02-20T19:00:00Z",
                           "interval_mean_days": 39.2, "interval_m2": 0.0,
                           "categories": [282092757, 4258877042]},
             "service": None, "relationship": None},
 "recent_event_ids": ["088e7d07b539bbe9", "088e7e07b539bd9c", "088e7f07b539bf4f", "088e8007b539c102"],
 "ids_at_watermark": 1}
add("model_step", "new_customer", RS + "\n".join(EV[:8]))
add("model_step", "readme_state", json.dumps(STATE) + RS + "\n".join(EV[11:17]))
add("model_step", "state_only", json.dumps(STATE))
for p in ["tests/snapshots/json_shapes__state_json.snap"]:
    path = os.path.join("..", p)
    if os.path.exists(path):
        body = open(path).read().split("---", 2)[-1].strip()
        try:
            json.loads(body)
            add("model_step", "snapshot_state", body + RS + EV[16])
        except ValueError:
            pass

# --- ingest script -------------------------------------------------------------------
R1 = {"system": "crm", "id": "C-1042", "updated": "2026-03-01T10:00:00Z", "record": {
    "given_name": "José Luis", "surname": "García Pérez", "email": "jose.garcia@gmail.com",
    "phone": "+54 9 11 2345-6789", "national_id": "20-12345678-6", "birth_date": "09/01/1986"}}
R2 = {"system": "erp", "id": "000233", "updated": "2026-05-10T09:00:00Z", "record": {
    "given_name": "Pepe", "surname": "Garcia", "email": "JOSE.GARCIA@gmail.com", "phone": "011 15-2345-6789",
    "birth_date": "1986-01-09", "street": "Av. Corrientes 1234, Piso 5, Dpto. B", "locality": "CABA",
    "postal_code": "C1043AAZ", "country": "AR"}}
R3 = {"system": "web", "id": "w-1", "updated": "2026-05-11T09:00:00Z", "record": {
    "full_name": "Ana María López", "company": "Acme S. A.", "email": "ana@gmial.com", "mobile": "+34 612 345 678",
    "country": "ES", "national_id": "12345678Z", "province": "Madrid", "postal_code": "28001"}}
R4 = {"system": "crm", "id": "C-2", "updated": "2026-05-12T09:00:00Z", "record": {
    "title": "Dra.", "given_name": "pepa", "surname": "GARCÍA  márquez", "birth_date": "31/02/1986",
    "national_id": "27-12345678-0", "street_number": "12", "address_extra": "PB"}}
j = json.dumps
add("ingest_json", "merge", "\n".join([j(R1), j(R2), "of crm C-1042", "golden G1", "unmerge erp 000233", "golden G2"]))
add("ingest_json", "erase", "\n".join([j(R1), j(R2), "remove erp 000233", "golden G1", "erase G1", "golden G1", "of crm C-1042", "erase G9"]))
add("ingest_json", "hier", "\n".join([j(R1), j(R3), j(R4), "link household G1 G2", "link corporate G2 G3",
    "link household G2 G1", "hier household G2", "event " + '{"customer": "G1", "at": "2026-06-01T10:00:00Z", "kind": "purchase", "amount": 500, "currency": "ARS"}',
    "rollup household G1", "unlink household G1 G2", "merge G1 G3", "merge G1 G1", "dismiss web w-1"]))
add("ingest_json", "update", "\n".join([j(R1), j(dict(R1, updated="2026-04-01T10:00:00Z")), j(dict(R1, updated="2026-01-01T10:00:00Z")), j(dict(R1, record={}))]))
add("ingest_json", "three", "\n".join([j(R1), j(R2), j(R3), j(R4)]))

# --- dedup -------------------------------------------------------------------------
def rec(i, r):
    d = {"id": f"r{i}"}
    d.update(r["record"])
    return j(d)
add("dedup_json", "four", "\n".join(rec(i, r) for i, r in enumerate([R1, R2, R3, R4])))
add("dedup_json", "options", "\n".join(rec(i, r) for i, r in enumerate([R1, R2])) + RS + j({"default_country": "AR", "today": "2026-11-23", "golden_records": True}))
add("dedup_json", "no_progress", rec(0, R1) + RS + "" + RS)
add("dedup_json", "dup_id", rec(0, R1) + "\n" + rec(0, R2))
if os.path.exists("../tests/data/febrl1.csv"):
    import csv
    rows = list(csv.DictReader(open("../tests/data/febrl1.csv")))[:12]
    out = []
    for row in rows:
        d = {"id": row.get("rec_id", str(len(out)))}
        for src, dst in [("given_name", "given_name"), ("surname", "surname"), ("postcode", "postal_code"),
                         ("suburb", "locality"), ("state", "province"), ("date_of_birth", "birth_date"),
                         ("phone_number", "phone")]:
            if row.get(src):
                d[dst] = row[src]
        out.append(j(d))
    add("dedup_json", "febrl12", "\n".join(out) + RS + j({"default_country": "AU"}))

# --- phones, ids, records --------------------------------------------------------------
for i, (num, region) in enumerate([("+54 9 11 2345-6789", None), ("011 15-2345-6789", "AR"), ("0054 9 11 2345 6789", "AR"),
                                   ("612 345 678", "ES"), ("+34 912 345 678", ""), ("55 1234 5678", "MX"),
                                   ("(201) 555-0123", "US"), ("9 8765 4321", "CL"), ("300 1234567", "CO"),
                                   ("094 123 456", "UY"), ("987 654 321", "PE"), ("(11) 91234-5678", "BR"),
                                   ("123", "AR"), ("+1", None), ("611", "XX")]):
    add("phone_normalize", f"p{i}", num if region is None else num + RS + region)
if os.path.exists("../tests/data/phones.csv"):
    lines = open("../tests/data/phones.csv").read().splitlines()[1:]
    for k, line in enumerate(lines[::max(1, len(lines) // 10)][:10]):
        add("phone_normalize", f"csv{k}", line.split(",")[0])
for i, (kind, value) in enumerate([("ar_cuit", "20-12345678-6"), ("ar_cuit", "20123456786"), ("ar_dni", "12.345.678"),
                                   ("es_dni", "12345678Z"), ("es_nie", "X1234567L"), ("es_nif", "K1234567L"),
                                   ("es_cif", "B12345674"), ("es_cif", "A58818501"), ("ar_cuit", "27-12345678-0"),
                                   ("es_dni", "12345678A"), ("xx", "1")]):
    add("id_normalize", f"i{i}", kind + RS + value)
add("id_normalize", "any_kind", "20-12345678-6")
add("record_standardize", "readme", j({"title": None, "given_name": "Dra. pepa", "surname": "GARCÍA  márquez",
    "phone": "011 15-2345-6789", "email": "Pepa.Garcia@GMIAL.com", "street": "Av. Corrientes 1234 5º B",
    "locality": "CABA", "postal_code": "C1043AAZ", "birth_date": "31/02/1986", "national_id": "27-12345678-0"}).replace('"title": null, ', ''))
for name, r in [("r1", R1), ("r2", R2), ("r3", R3), ("r4", R4)]:
    add("record_standardize", name, j(r["record"]))
add("record_standardize", "es_options", j(R3["record"]) + RS + j({"default_country": "ES", "today": "2026-11-23"}))
add("record_standardize", "null_options", j(R1["record"]) + RS)
add("record_standardize", "febrl_addr", j({"street": "17 Warrego St", "address_extra": "Unit 4", "locality": "Canberra",
    "province": "ACT", "postal_code": "2600", "country": "AU"}))

# --- the stateless matching path: a pair of records and options ----------------
# The built-in match model as `ciclo_engine_match_model_json` wrote it.
MODEL = json.loads('{"fields":{"area":{"levels":{"both":{"m":0.8,"u":0.005},"different":{"m":0.05,"u":0.945},"locality":{"m":0.05,"u":0.02},"postal_code":{"m":0.05,"u":0.01},"postal_typo":{"m":0.05,"u":0.02}},"vetoes":[]},"birth_date":{"levels":{"day_month_swapped":{"m":0.02,"u":0.0001},"different":{"m":0.01,"u":0.9754},"exact":{"m":0.9,"u":0.0005},"one_typo":{"m":0.05,"u":0.004},"two_typos":{"m":0.02,"u":0.02}},"vetoes":["different"]},"company":{"levels":{"different":{"m":0.05,"u":0.98},"exact":{"m":0.85,"u":0.01},"fuzzy":{"m":0.1,"u":0.01}},"vetoes":[]},"email":{"levels":{"different":{"m":0.15,"u":0.9975},"exact":{"m":0.75,"u":0.001},"fuzzy":{"m":0.05,"u":0.001},"same_user":{"m":0.05,"u":0.0005}},"vetoes":[]},"given_name":{"levels":{"different":{"m":0.02,"u":0.954},"exact":{"m":0.86,"u":0.01},"fuzzy":{"m":0.05,"u":0.004},"initial":{"m":0.02,"u":0.03},"nickname":{"m":0.05,"u":0.002}},"vetoes":["different"]},"national_id":{"levels":{"different":{"m":0.01,"u":0.6996},"exact":{"m":0.89,"u":0.0001},"one_typo":{"m":0.07,"u":0.0002},"two_typos":{"m":0.01,"u":0.0001},"unverified":{"m":0.02,"u":0.3}},"vetoes":["different"]},"phone":{"levels":{"different":{"m":0.25,"u":0.998},"exact":{"m":0.7,"u":0.001},"last_digits":{"m":0.05,"u":0.001}},"vetoes":[]},"street":{"levels":{"different":{"m":0.1,"u":0.993},"exact":{"m":0.75,"u":0.001},"fuzzy":{"m":0.1,"u":0.001},"same_street":{"m":0.05,"u":0.005}},"vetoes":[]},"surname":{"levels":{"different":{"m":0.03,"u":0.9666},"exact":{"m":0.8,"u":0.004},"fuzzy":{"m":0.05,"u":0.003},"one_in_common":{"m":0.08,"u":0.02},"phonetic":{"m":0.01,"u":0.006},"swapped":{"m":0.03,"u":0.0004}},"vetoes":[]}},"merge_threshold":0.99,"prior":0.0001,"review_threshold":0.5,"veto_lifters":[{"field":"national_id","level":"exact"},{"field":"national_id","level":"one_typo"}]}')
PAIR_A = {"given_name": "Pepe", "surname": "González Pérez", "birth_date": "03/04/1980",
          "national_id": "20-12345678-6", "email": "Pepe.Gonzalez@gmail.com", "country": "AR"}
PAIR_B = {"given_name": "José", "surname": "Gonzalez", "birth_date": "1980-04-03",
          "national_id": "12.345.678", "email": "pepegonzalez@gmail.com"}
add("records_score_json", "pepe_jose", j(PAIR_A) + RS + j(PAIR_B))
add("records_score_json", "with_model", j(PAIR_A) + RS + j(PAIR_B) + RS
    + j({"default_country": "AR", "today": "2026-11-23", "model": MODEL}))
add("records_score_json", "thresholds", j(PAIR_A) + RS + j(R1["record"]) + RS
    + j({"model": dict(MODEL, merge_threshold=1.0, review_threshold=0.9)}))
add("records_score_json", "no_email_field", j(PAIR_A) + RS + j(PAIR_B) + RS
    + j({"model": dict(MODEL, fields={k: v for k, v in MODEL["fields"].items() if k != "email"})}))
add("records_score_json", "empty_a", j({"email": " "}) + RS + j(PAIR_B))
add("records_score_json", "nothing_in_common", j({"email": "a@b.es"}) + RS + j({"phone": "+34 612 345 678"}))
add("records_score_json", "bad_level", j(PAIR_A) + RS + j(PAIR_B) + RS + json.dumps({"model": MODEL}).replace('"two_typos"', '"tres"', 1))

for target, seeds in C.items():
    os.makedirs(f"corpus/{target}", exist_ok=True)
    for name, text in seeds:
        data = text if isinstance(text, bytes) else text.encode()
        open(f"corpus/{target}/{name}", "wb").write(data)
    print(target, len(seeds))
