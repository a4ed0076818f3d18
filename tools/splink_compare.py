#!/usr/bin/env python3
"""Reference numbers: Splink on the records `match_eval --csv` writes.

    pip install splink          # Splink 5 with DuckDB
    cargo run --release --example match_eval -- --population en --csv /tmp/en.csv --examples 0
    python3 tools/splink_compare.py /tmp/en.csv [--threshold-grid]

Splink is set up the way its tutorials do it, not tuned to this data:

- light cleaning first, as an analyst would: names lower case and trimmed;
  birth dates to ISO (`yyyy-mm-dd`; English and Spanish month names),
  numeric dates read month first when the
  record's country is the United States and day first otherwise (a hint
  ciclo's standardiser does not get), two-digit years as 19yy/20yy; postal
  codes upper case without spaces, ZIP codes cut to five digits; emails lower
  case; phones reduced to their last ten digits; identifiers to letters and
  digits;
- blocking on first name, surname, birth date, postal code and email (each
  alone);
- comparisons: `NameComparison` (Jaro-Winkler levels) with term-frequency
  adjustments for first name and surname, `DateOfBirthComparison`,
  `EmailComparison`, exact match with term frequencies for postal code and
  city, Jaro-Winkler for the street, exact match for phone and national id;
- training: the prior from deterministic rules (recall 0.7), `u` by random
  sampling, `m` by EM on two blocking passes (first name and surname, then
  birth date);
- scoring: every blocked pair predicted, then the match-weight threshold
  with the best pairwise F1 chosen with the truth (`cluster_id`): an upper bound on what a
  threshold chosen without labels would give.

Printed: the best threshold with its pairwise precision, recall and F1, both
for the predicted pairs (pairs at or above the threshold) and for the clusters
they make (connected components, as `cluster_pairwise_predictions_at_threshold`
does), and ciclo's numbers on the same file (from `found_cluster`).
"""

import argparse
import csv
import re
import sys
import time
from collections import Counter, defaultdict

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
MONTHS.update(
    {
        m: i + 1
        for i, m in enumerate(
            [
                "enero",
                "febrero",
                "marzo",
                "abril",
                "mayo",
                "junio",
                "julio",
                "agosto",
                "septiembre",
                "octubre",
                "noviembre",
                "diciembre",
            ]
        )
    }
)
US = {"us", "usa", "united states", "u.s.a."}


def iso(y, m, d):
    if y < 100:
        y += 1900 if y >= 30 else 2000
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def clean_date(text, country):
    t = text.strip().lower()
    if not t:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t)
    if m:
        return iso(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"([a-z]+) (\d{1,2}), (\d{4})", t)
    if m and m[1] in MONTHS:
        return iso(int(m[3]), MONTHS[m[1]], int(m[2]))
    m = re.fullmatch(r"(\d{1,2}) (?:de )?([a-z]+) (?:de )?(\d{4})", t)
    if m and m[2] in MONTHS:
        return iso(int(m[3]), MONTHS[m[2]], int(m[1]))
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})", t)
    if m:
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        month_first = country.strip().lower() in US
        if (month_first and a > 12) or (not month_first and b > 12):
            month_first = not month_first
        return iso(y, a, b) if month_first else iso(y, b, a)
    return None


def clean(row):
    def low(k):
        v = row[k].strip().lower()
        return v or None

    postcode = re.sub(r"\s+", "", row["postal_code"]).upper()
    if re.fullmatch(r"\d{5}-\d{4}", postcode):
        postcode = postcode[:5]
    phone = re.sub(r"\D", "", row["phone"])[-10:]
    nid = re.sub(r"[^0-9A-Za-z]", "", row["national_id"]).upper()
    return {
        "unique_id": row["rec_id"],
        "cluster_id": row["cluster_id"],
        "first_name": low("given_name"),
        "surname": low("surname"),
        "dob": clean_date(row["birth_date"], row["country"]),
        "postcode": postcode or None,
        "city": low("city"),
        "street": low("street"),
        "email": low("email"),
        "phone": phone or None,
        "national_id": nid or None,
        "found_cluster": row.get("found_cluster"),
    }


def pairs_of(labels):
    n = Counter(labels)
    return sum(k * (k - 1) // 2 for k in n.values())


def clustered_counts(ids, cluster, found_pairs):
    parent = {i: i for i in ids}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in found_pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    found = [find(i) for i in ids]
    truth = [cluster[i] for i in ids]
    t = pairs_of(truth)
    f = pairs_of(found)
    c = pairs_of(list(zip(truth, found)))
    return t, f, c


def prf(t, f, c):
    p = c / f if f else 1.0
    r = c / t if t else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("csv")
    args = ap.parse_args()

    import duckdb
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    with open(args.csv, newline="", encoding="utf-8") as f:
        rows = [clean(r) for r in csv.DictReader(f)]
    ids = [r["unique_id"] for r in rows]
    cluster = {r["unique_id"]: r["cluster_id"] for r in rows}
    true_pairs = pairs_of(cluster.values())

    con = duckdb.connect()
    cols = [k for k in rows[0] if k != "found_cluster"]
    con.execute(
        "create table records ("
        + ", ".join(f"{c} varchar" for c in cols)
        + ")"
    )
    con.executemany(
        f"insert into records values ({', '.join('?' for _ in cols)})",
        [[r[c] for c in cols] for r in rows],
    )
    db_api = DuckDBAPI(connection=con)
    df = db_api.register("records")

    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.EmailComparison("email"),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("street", [0.95, 0.88]),
            cl.ExactMatch("phone"),
            cl.ExactMatch("national_id"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name"),
            block_on("surname"),
            block_on("dob"),
            block_on("postcode"),
            block_on("email"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    start = time.time()
    linker = Linker(df, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("first_name", "surname", "dob"),
            block_on("email"),
            block_on("national_id"),
        ],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=0.0001)
    table = predictions.physical_name
    # By match weight: probabilities round to 1.0 at the top.
    scored = con.execute(
        f"select unique_id_l, unique_id_r, match_weight from {table} "
        "order by match_weight desc"
    ).fetchall()
    elapsed = time.time() - start

    # The threshold with the best pairwise F1 over the predicted pairs.
    best = (0.0, 1.0, 0, 0)
    correct = 0
    for k, (a, b, p) in enumerate(scored, 1):
        correct += cluster[a] == cluster[b]
        nxt = scored[k][2] if k < len(scored) else -1.0
        if nxt == p:
            continue
        _, _, f1 = prf(true_pairs, k, correct)
        if f1 > best[0]:
            best = (f1, p, k, correct)
    f1, threshold, found, correct = best
    p, r, f1 = prf(true_pairs, found, correct)
    print(f"splink {len(rows)} records, {len(scored)} pairs scored in {elapsed:.1f} s")
    print(
        f"best threshold: match weight >= {threshold:.2f}"
        f" (probability {1 / (1 + 2 ** -threshold):.6f})"
    )
    print(
        f"  pairs:    precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}"
        f"   (true {true_pairs}, found {found}, correct {correct})"
    )
    above = [(a, b) for a, b, q in scored if q >= threshold]
    t, fc, cc = clustered_counts(ids, cluster, above)
    p, r, f1 = prf(t, fc, cc)
    print(
        f"  clusters: precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}"
        f"   (found {fc}, correct {cc})"
    )
    if rows[0]["found_cluster"] is not None:
        found_ciclo = [r["found_cluster"] for r in rows]
        truth = [r["cluster_id"] for r in rows]
        t = pairs_of(truth)
        f = pairs_of(found_ciclo)
        c = pairs_of(list(zip(truth, found_ciclo)))
        p, r, f1 = prf(t, f, c)
        print(f"ciclo (found_cluster): precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}")


if __name__ == "__main__":
    sys.exit(main())
