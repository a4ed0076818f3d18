#!/usr/bin/env python3
"""RFM and cohorts from a transactions export, with pandas: the oracle for
`examples/analytics.rs` (tests/analytics_transactions.rs compares the two).

    python3 tools/rfm_cohorts_pandas.py TRANSACTIONS.csv[.gz] OUT_DIR [--as-of YYYY-MM-DD]

Writes rfm.csv, cohorts.csv, cohort_revenue.csv and activity.csv into OUT_DIR,
in the formats of `ciclo::export`, and prints the wall time to stderr. The
expected files of the CDNOW sample in tests/data/ are made with

    python3 tools/rfm_cohorts_pandas.py tests/data/cdnow_sample_transactions.csv tests/data/cdnow_expected

The definitions (see src/analytics/rfm.rs and cohorts.rs), done the pandas way:

- columns: the CDNOW (customer_id, date as yyyymmdd, num_cds, dollar_value)
  and Online Retail II (Invoice, StockCode, Quantity, InvoiceDate, Price,
  Customer ID) names; rows without a customer id (guests) are dropped;
- amounts exact in ten-thousandths (Decimal, half to even past four places);
  a line's amount is the amount column, or quantity x price;
- a purchase: quantity > 0, amount >= 0, invoice not `C` or `c` and a digit,
  time strictly before the as-of date (default: the day after the last line);
- recency: days from the last purchase's day to the as-of day; frequency:
  distinct invoices (distinct days for lines without one); monetary: sum;
- scores: pd.qcut(x.rank(method="first"), 5) over the customers in order of
  first purchase (labels 5..1 for recency), checked against the exact integer
  rule; segments from the R x F grid;
- cohorts: month of the first purchase; customers buying in month cohort + k
  for k up to the month of the last instant before as-of; share in
  millionths rounded half up; revenue per cohort and month; activity per month.
"""

import argparse
import os
import sys
import time
from decimal import Decimal, ROUND_HALF_EVEN

import numpy as np
import pandas as pd

CUSTOMER = ["customer_id", "Customer ID", "CustomerID", "customer", "client"]
DATE = ["date", "InvoiceDate", "timestamp"]
AMOUNT = ["amount", "dollar_value", "revenue", "total"]
QUANTITY = ["Quantity", "quantity", "num_cds"]
PRICE = ["Price", "UnitPrice", "price", "unit_price"]
ORDER = ["Invoice", "InvoiceNo", "order_id"]

# R (rows 1..5) x F (columns 1..5): the widely used R x F segment map, its
# hibernating corner split so that R 1 and F 1 is "lost".
GRID = {
    1: ["lost", "hibernating", "at_risk", "at_risk", "cant_lose_them"],
    2: ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose_them"],
    3: ["about_to_sleep", "about_to_sleep", "need_attention", "loyal_customers", "loyal_customers"],
    4: ["promising", "potential_loyalists", "potential_loyalists", "loyal_customers", "loyal_customers"],
    5: ["new_customers", "potential_loyalists", "potential_loyalists", "champions", "champions"],
}


def pick(columns, names):
    for n in names:
        if n in columns:
            return n
    return None


def ten_thousandths(text):
    d = Decimal(text.strip().replace(",", "."))
    return int((d * 10000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def money(v):
    sign = "-" if v < 0 else ""
    v = abs(int(v))
    frac = f"{v % 10000:04d}"
    while len(frac) > 2 and frac.endswith("0"):
        frac = frac[:-1]
    return f"{sign}{v // 10000}.{frac}"


def scores(values, reverse):
    """pd.qcut of the ranks (ties: first appearance), and the exact rule."""
    n = len(values)
    ranks = values.rank(method="first")
    labels = [5, 4, 3, 2, 1] if reverse else [1, 2, 3, 4, 5]
    if n >= 2:
        q = pd.qcut(ranks, 5, labels=labels).astype(int)
    else:
        q = pd.Series([labels[0]] * n, index=values.index)
    k = ranks.astype(np.int64).to_numpy()
    exact = np.where(k <= 1, 1, -(-5 * (k - 1) // max(n - 1, 1))).clip(1, 5)
    if reverse:
        exact = 6 - exact
    if n >= 2 and not (q.to_numpy() == exact).all():
        bad = int((q.to_numpy() != exact).sum())
        sys.exit(f"qcut and the exact quintile rule disagree on {bad} customers")
    return q


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("out_dir")
    ap.add_argument("--as-of")
    args = ap.parse_args()
    started = time.perf_counter()

    df = pd.read_csv(args.input, dtype=str, keep_default_na=False)
    cols = set(df.columns)
    customer, date = pick(cols, CUSTOMER), pick(cols, DATE)
    amount, quantity, price, order = (pick(cols, AMOUNT), pick(cols, QUANTITY),
                                      pick(cols, PRICE), pick(cols, ORDER))
    df = df[df[customer].str.strip() != ""]
    out = pd.DataFrame({"customer": df[customer].str.strip()})
    raw = df[date].str.strip()
    if raw.str.fullmatch(r"\d{8}").all():
        out["at"] = pd.to_datetime(raw, format="%Y%m%d")
    else:
        out["at"] = pd.to_datetime(raw, format="ISO8601")
    out["quantity"] = df[quantity].astype(np.int64) if quantity else 1
    if amount:
        out["amount"] = df[amount].map(ten_thousandths).astype(np.int64)
    else:
        prices = df[price].map(ten_thousandths).astype(np.int64)
        out["amount"] = prices * out["quantity"]
    out["order"] = df[order].str.strip() if order else ""

    as_of = (pd.Timestamp(args.as_of) if args.as_of
             else out["at"].max().normalize() + pd.Timedelta(days=1))
    purchases = out[(out["quantity"] > 0) & (out["amount"] >= 0)
                    & ~out["order"].str.match(r"^[Cc][0-9]") & (out["at"] < as_of)].copy()
    purchases["day"] = purchases["at"].dt.normalize()
    purchases["key"] = np.where(purchases["order"] != "", "o" + purchases["order"],
                                "d" + purchases["day"].dt.strftime("%Y%m%d"))

    g = purchases.groupby("customer", sort=False)
    rfm = pd.DataFrame({
        "recency_days": (as_of.normalize() - g["day"].max()).dt.days,
        "frequency": g["key"].nunique(),
        "monetary": g["amount"].sum(),
    })
    rfm["r"] = scores(rfm["recency_days"], True)
    rfm["f"] = scores(rfm["frequency"], False)
    rfm["m"] = scores(rfm["monetary"], False)
    rfm["segment"] = [GRID[r][f - 1] for r, f in zip(rfm["r"], rfm["f"])]
    rfm["monetary"] = rfm["monetary"].map(money)

    os.makedirs(args.out_dir, exist_ok=True)
    rfm.index.name = "customer_id"
    rfm.to_csv(os.path.join(args.out_dir, "rfm.csv"), lineterminator="\n")

    # Cohorts.
    purchases["month"] = purchases["at"].dt.year * 12 + purchases["at"].dt.month - 1
    last = as_of - pd.Timedelta(milliseconds=1)
    last = last.year * 12 + last.month - 1
    first = purchases.groupby("customer")["month"].min().rename("cohort")
    purchases = purchases.join(first, on="customer")
    active = (purchases.drop_duplicates(["customer", "month"])
              .groupby(["cohort", "month"]).size())
    revenue = purchases.groupby(["cohort", "month"])["amount"].sum()
    label = lambda m: f"{m // 12:04d}-{m % 12 + 1:02d}"
    rows, money_rows = [], []
    for cohort, size in first.value_counts().sort_index().items():
        for m in range(cohort, last + 1):
            n = int(active.get((cohort, m), 0))
            share = (n * 2_000_000 + size) // (2 * size)
            rows.append((label(cohort), m - cohort, n,
                         f"{share // 1_000_000}.{share % 1_000_000:06d}"))
            money_rows.append((label(cohort), m - cohort, "XXX",
                               money(revenue.get((cohort, m), 0))))
    pd.DataFrame(rows, columns=["cohort", "month", "customers", "share"]).to_csv(
        os.path.join(args.out_dir, "cohorts.csv"), index=False, lineterminator="\n")
    pd.DataFrame(money_rows, columns=["cohort", "month", "currency", "revenue"]).to_csv(
        os.path.join(args.out_dir, "cohort_revenue.csv"), index=False, lineterminator="\n")

    # Month by month: active, new, retained, reactivated, churned.
    pairs = purchases[["customer", "month"]].drop_duplicates()
    months = pd.Series(range(int(first.min()), last + 1)) if len(first) else pd.Series([], dtype=int)
    sets = pairs.groupby("month")["customer"].apply(set)
    activity, seen, before = [], set(), set()
    for m in months:
        now = sets.get(m, set())
        new = now - seen
        activity.append((label(m), len(now), len(new), len(now & before),
                         len(now - before - new), len(before - now)))
        seen |= now
        before = now
    pd.DataFrame(activity, columns=["month", "active", "new", "retained", "reactivated",
                                    "churned"]).to_csv(
        os.path.join(args.out_dir, "activity.csv"), index=False, lineterminator="\n")
    print(f"pandas {pd.__version__}: {len(out)} lines, {len(rfm)} customers, "
          f"{time.perf_counter() - started:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
