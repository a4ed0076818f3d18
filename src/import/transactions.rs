//! Reading a transactions export: one purchase line per row, the columns
//! recognised by name.
//!
//! The header names the columns; each is recognised without case, accents,
//! spaces or punctuation (`Customer ID`, `CustomerID`, `customer_id` and
//! `customer-id` are one name):
//!
//! | field | column names |
//! |---|---|
//! | `customer` (required) | customer id, customer, client, client id, cust id, user id, buyer id, cliente, ... |
//! | `date` (required) | date, invoice date, timestamp, order date, purchase date, transaction date, datetime, fecha, created at |
//! | `amount` | amount, dollar value, revenue, total, sales, line total, total price, value, importe, monto |
//! | `quantity` | quantity, qty, num cds, units, cantidad |
//! | `unit_price` | price, unit price, item price, precio, precio unitario |
//! | `order` | invoice, invoice no, invoice id, order id, order, order number, transaction id, receipt, factura, pedido |
//! | `product` | stock code, product, product id, sku, item, item id, article, producto |
//! | `category` | category, product category, department, family, categoria |
//! | `description` (of several such columns the first, unless mapped; read leniently) | description, product name, product description, item name, item description, descripcion, nombre producto, detalle |
//! | `currency` | currency, currency code, moneda, divisa |
//!
//! A line's amount is the `amount` column, or `quantity` × `unit_price`; one
//! of the two is required. Columns can be mapped by hand (`column=field`, or
//! `column=ignore`). Dates are `yyyymmdd`, `yyyy-mm-dd` or `yyyy/mm/dd`,
//! optionally followed by a time (`2009-12-01 07:45:00`, `T07:45`, seconds
//! and fractions optional) and an offset (`Z`, `-03:00`); without an offset
//! the time is read as UTC, so the day written is the day counted.
//!
//! Lines that are not a product sold (postage, fees, discounts, adjustments,
//! vouchers: [`crate::analytics::not_product`], by their description or by
//! the codes of [`TransactionsCsvOptions::not_products`]) are read as the
//! others and marked ([`Transactions::is_not_product`]).

use std::io::Read;

use crate::analytics::not_product::NotProducts;
use crate::analytics::transactions::{Amount, Transaction, Transactions};
use crate::error::{Error, Result};
use crate::model::{Currency, Timestamp};

use super::{CsvFormat, Delimiter};

/// A field of a transaction line that a column can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TransactionField {
    /// The customer id (required; an empty cell is a guest's line, skipped).
    Customer,
    /// The date or timestamp (required).
    Date,
    /// The line's total.
    Amount,
    /// How many units (negative: a return).
    Quantity,
    /// The price of one unit.
    UnitPrice,
    /// The order or invoice id (`C` and a digit: a cancellation).
    Order,
    /// The product.
    Product,
    /// The product's category.
    Category,
    /// The currency code of the line (default: the reader's option).
    Currency,
    /// The product's description or name, read only to tell service and
    /// charge lines from products ([`crate::analytics::not_product`]).
    Description,
}

/// Each field with the column names that mean it, compared folded and
/// without `_`.
const NAMES: &[(TransactionField, &[&str])] = &[
    (
        TransactionField::Customer,
        &[
            "customer_id",
            "customer",
            "client",
            "client_id",
            "cust_id",
            "customer_number",
            "customer_no",
            "customer_code",
            "user_id",
            "buyer_id",
            "member_id",
            "account_id",
            "cliente",
            "id_cliente",
            "cliente_id",
            "codigo_cliente",
            "nro_cliente",
        ],
    ),
    (
        TransactionField::Date,
        &[
            "date",
            "invoice_date",
            "timestamp",
            "order_date",
            "purchase_date",
            "transaction_date",
            "sale_date",
            "datetime",
            "date_time",
            "created_at",
            "ordered_at",
            "purchased_at",
            "fecha",
            "fecha_compra",
            "fecha_factura",
        ],
    ),
    (
        TransactionField::Amount,
        &[
            "amount",
            "dollar_value",
            "revenue",
            "total",
            "sales",
            "sale_amount",
            "line_total",
            "total_price",
            "total_amount",
            "value",
            "importe",
            "monto",
        ],
    ),
    (
        TransactionField::Quantity,
        &["quantity", "qty", "num_cds", "units", "cantidad"],
    ),
    (
        TransactionField::UnitPrice,
        &[
            "price",
            "unit_price",
            "item_price",
            "precio",
            "precio_unitario",
        ],
    ),
    (
        TransactionField::Order,
        &[
            "invoice",
            "invoice_no",
            "invoice_id",
            "invoice_number",
            "order_id",
            "order",
            "order_no",
            "order_number",
            "transaction_id",
            "receipt",
            "factura",
            "pedido",
        ],
    ),
    (
        TransactionField::Product,
        &[
            "stock_code",
            "product",
            "product_id",
            "product_code",
            "sku",
            "item",
            "item_id",
            "article",
            "producto",
            "articulo",
        ],
    ),
    (
        TransactionField::Category,
        &[
            "category",
            "product_category",
            "department",
            "family",
            "categoria",
            "familia",
        ],
    ),
    (
        TransactionField::Currency,
        &["currency", "currency_code", "moneda", "divisa"],
    ),
    (
        TransactionField::Description,
        &[
            "description",
            "product_description",
            "product_name",
            "item_description",
            "item_name",
            "descripcion",
            "nombre_producto",
            "detalle",
        ],
    ),
];

impl TransactionField {
    /// Every field.
    pub const ALL: [TransactionField; 10] = [
        TransactionField::Customer,
        TransactionField::Date,
        TransactionField::Amount,
        TransactionField::Quantity,
        TransactionField::UnitPrice,
        TransactionField::Order,
        TransactionField::Product,
        TransactionField::Category,
        TransactionField::Currency,
        TransactionField::Description,
    ];

    /// The field's name in mappings and errors: `customer`, `date`,
    /// `amount`, `quantity`, `unit_price`, `order`, `product`, `category`,
    /// `currency`, `description`.
    pub fn name(self) -> &'static str {
        match self {
            TransactionField::Customer => "customer",
            TransactionField::Date => "date",
            TransactionField::Amount => "amount",
            TransactionField::Quantity => "quantity",
            TransactionField::UnitPrice => "unit_price",
            TransactionField::Order => "order",
            TransactionField::Product => "product",
            TransactionField::Category => "category",
            TransactionField::Currency => "currency",
            TransactionField::Description => "description",
        }
    }

    /// The field a column name means, if any (see the [module](self)).
    ///
    /// ```
    /// use ciclo::import::transactions::TransactionField;
    /// assert_eq!(TransactionField::recognise("Customer ID"), Some(TransactionField::Customer));
    /// assert_eq!(TransactionField::recognise("CustomerID"), Some(TransactionField::Customer));
    /// assert_eq!(TransactionField::recognise("InvoiceDate"), Some(TransactionField::Date));
    /// assert_eq!(TransactionField::recognise("num_cds"), Some(TransactionField::Quantity));
    /// assert_eq!(TransactionField::recognise("master_customer_id"), None);
    /// ```
    pub fn recognise(header: &str) -> Option<TransactionField> {
        let key = squash(&super::fold_header(header));
        NAMES
            .iter()
            .find(|(_, names)| names.iter().any(|n| squash(n) == key))
            .map(|(f, _)| *f)
    }

    /// The field of a name given by [`TransactionField::name`].
    pub fn from_name(name: &str) -> Option<TransactionField> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

fn squash(name: &str) -> String {
    name.chars().filter(|c| *c != '_').collect()
}

/// How to read a transactions export.
#[derive(Clone, Debug)]
pub struct TransactionsCsvOptions {
    /// Columns mapped by hand, as `(column, field)`: `field` is a
    /// [`TransactionField::name`] or `ignore`. A mapping wins over the name.
    pub mapping: Vec<(String, String)>,
    /// The currency of lines without a currency column or cell (default
    /// `XXX`, ISO 4217's "no currency").
    pub currency: Currency,
    /// The delimiter; `None` to detect it ([`Delimiter::detect`]).
    pub delimiter: Option<Delimiter>,
    /// Which lines are not products (default: by the description words
    /// only, no code by hand): such lines are read and marked
    /// ([`Transactions::mark_not_product`]).
    pub not_products: NotProducts,
}

impl Default for TransactionsCsvOptions {
    fn default() -> Self {
        TransactionsCsvOptions {
            mapping: Vec::new(),
            currency: Currency::parse("XXX", "currency").expect("XXX is a code"),
            delimiter: None,
            not_products: NotProducts::new(),
        }
    }
}

/// A transactions export read: the lines, and what was made of the file.
#[derive(Clone, Debug)]
pub struct TransactionsFile {
    /// Every line with a customer, in file order (returns and cancellations
    /// included: see [`Transaction::is_purchase`]).
    pub transactions: Transactions,
    /// Each column with the field it fills (`None`: ignored).
    pub columns: Vec<(String, Option<TransactionField>)>,
    /// Data lines read (after the header).
    pub rows: u64,
    /// Lines skipped for an empty customer id (guests).
    pub guests: u64,
    /// The delimiter, and whether it was detected.
    pub csv: CsvFormat,
    /// The line with the earliest date (the first such line on a tie), for
    /// errors about it; `None` when no line was kept.
    pub earliest: Option<DatedLine>,
    /// The line with the latest date (the first such line on a tie).
    pub latest: Option<DatedLine>,
}

/// A line of the file and its date, to name it in an error
/// ([`DatedLine::field`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatedLine {
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// Its date.
    pub at: Timestamp,
    /// The name of the date column in the header.
    pub column: String,
}

impl DatedLine {
    /// The line and column as errors name them: `csv line 7.InvoiceDate`.
    pub fn field(&self) -> String {
        format!("csv line {}.{}", self.line, self.column)
    }
}

/// Reads a transactions export (see the [module](self) for the columns).
/// Rows with an empty customer cell (guests) are skipped and counted; every
/// other row must have a date and an amount (or quantity and unit price).
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming `csv header` for a missing customer,
/// date or amount column (the message lists the columns seen and the names
/// known), two columns filling one field (but the description: of several
/// description-like columns the first is read and the others ignored, unless
/// the mapping names one), or a mapping naming an unknown column or field;
/// naming the line for an unreadable row or text that is not UTF-8 (but in
/// the description, read with U+FFFD for such bytes). [`Error::InvalidTimestamp`] and [`Error::InvalidAmount`] name
/// the line and the column (`csv line 7.InvoiceDate`) of a date, amount,
/// quantity, price or currency that does not read.
///
/// ```
/// use ciclo::import::transactions::{read_transactions_csv, TransactionsCsvOptions};
///
/// let csv = "Invoice,StockCode,Quantity,InvoiceDate,Price,Customer ID\n\
///            489434,85048,12,2009-12-01 07:45:00,6.95,13085\n\
///            489435,22041,2,2009-12-01 07:46:00,2.10,\n\
///            C489449,85048,-12,2009-12-02 10:00:00,6.95,13085\n";
/// let file = read_transactions_csv(csv.as_bytes(), &TransactionsCsvOptions::default())?;
/// assert_eq!((file.rows, file.guests, file.transactions.len()), (3, 1, 2));
/// let line = file.transactions.get(0);
/// assert_eq!((line.customer, line.amount.to_string()), ("13085", "83.40".to_string()));
/// assert!(!file.transactions.get(1).is_purchase());
///
/// let err = read_transactions_csv("client,total\n1,5\n".as_bytes(), &TransactionsCsvOptions::default())
///     .unwrap_err();
/// assert!(err.to_string().starts_with("invalid argument csv header: no date column"));
/// # Ok::<(), ciclo::Error>(())
/// ```
pub fn read_transactions_csv<R: Read>(
    reader: R,
    options: &TransactionsCsvOptions,
) -> Result<TransactionsFile> {
    let (mut reader, header, csv) = super::open_csv(reader, options.delimiter)?;
    let columns = columns(&header, &options.mapping)?;
    let at = |field: TransactionField| columns.iter().position(|(_, f)| *f == Some(field));
    let missing = |field: TransactionField, what: &str| {
        let seen: Vec<String> = header
            .iter()
            .take(20)
            .map(|h| format!("\"{}\"", crate::model::time::clip(h).escape_debug()))
            .collect();
        Error::invalid(
            "csv header",
            format!(
                "no {} column ({what}); columns seen: {} (split at {}); name one so, or map it \
                 by hand as column={}",
                field.name(),
                seen.join(", "),
                csv.delimiter,
                field.name()
            ),
        )
    };
    let customer = at(TransactionField::Customer).ok_or_else(|| {
        missing(
            TransactionField::Customer,
            "customer_id, Customer ID, CustomerID, customer, client, ...",
        )
    })?;
    let date = at(TransactionField::Date).ok_or_else(|| {
        missing(
            TransactionField::Date,
            "date, InvoiceDate, timestamp, order_date, ...",
        )
    })?;
    let amount = at(TransactionField::Amount);
    let quantity = at(TransactionField::Quantity);
    let price = at(TransactionField::UnitPrice);
    if amount.is_none() && (quantity.is_none() || price.is_none()) {
        return Err(missing(
            TransactionField::Amount,
            "amount, dollar_value, revenue, total, ...; or both a quantity and a unit price \
             column: Quantity, num_cds and Price, UnitPrice, ...",
        ));
    }
    let (order, product, category, currency, description) = (
        at(TransactionField::Order),
        at(TransactionField::Product),
        at(TransactionField::Category),
        at(TransactionField::Currency),
        at(TransactionField::Description),
    );
    let mut out = TransactionsFile {
        transactions: Transactions::default(),
        columns,
        rows: 0,
        guests: 0,
        csv,
        earliest: None,
        latest: None,
    };
    let mut row = csv::ByteRecord::new();
    // The last currency cell read, and its code: files hold one or few.
    let mut last_currency: Option<(Vec<u8>, Currency)> = None;
    // Each product's last description and whether it names a service line.
    let mut verdicts: Vec<Option<(Box<str>, bool)>> = Vec::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(Error::invalid(format!("csv line {line}"), e)),
        }
        out.rows += 1;
        let text = |at: usize| -> Result<&str> {
            std::str::from_utf8(row.get(at).unwrap_or_default()).map_err(|_| {
                super::text_record(row.clone(), line, Some(&header))
                    .err()
                    .unwrap_or_else(|| Error::invalid(format!("csv line {line}"), "not UTF-8"))
            })
        };
        let cell = |at: Option<usize>| -> Result<Option<&str>> {
            Ok(match at {
                Some(at) => Some(text(at)?.trim()).filter(|s| !s.is_empty()),
                None => None,
            })
        };
        let name = |at: usize| format!("csv line {line}.{}", &header[at]);
        let Some(customer) = cell(Some(customer))? else {
            out.guests += 1;
            continue;
        };
        let when = text(date)?;
        let when = parse_date(when).ok_or_else(|| Error::InvalidTimestamp {
            field: name(date),
            message: format!(
                "`{}` is not a date (yyyymmdd, yyyy-mm-dd, or yyyy-mm-dd hh:mm[:ss] with an \
                 optional offset)",
                crate::model::time::clip(when.trim())
            ),
        })?;
        let line_currency = match cell(currency)? {
            None => options.currency,
            Some(code) => match &last_currency {
                Some((bytes, c)) if bytes == code.as_bytes() => *c,
                _ => {
                    let c = Currency::parse(code, &name(currency.unwrap_or(0)))?;
                    last_currency = Some((code.as_bytes().to_vec(), c));
                    c
                }
            },
        };
        let bad_amount = |at: usize, what: &str, cell: &str| Error::InvalidAmount {
            field: name(at),
            message: format!("`{}` is not {what}", crate::model::time::clip(cell)),
        };
        let units = match quantity {
            Some(at) => {
                let cell = text(at)?;
                parse_quantity(cell).ok_or_else(|| bad_amount(at, "a whole quantity", cell))?
            }
            None => 1,
        };
        let total = match amount {
            Some(at) => {
                let cell = text(at)?;
                Amount::parse(cell, line_currency)
                    .ok_or_else(|| bad_amount(at, "an amount (such as 29.33 or -1.5)", cell))?
            }
            None => {
                let at = price.expect("checked above");
                let cell = text(at)?;
                Amount::parse(cell, line_currency)
                    .ok_or_else(|| bad_amount(at, "a price (such as 6.95)", cell))?
                    .times(units)
                    .ok_or_else(|| bad_amount(at, "a price whose line total fits", cell))?
            }
        };
        let dated = || DatedLine {
            line,
            at: when,
            column: header[date].to_string(),
        };
        if out.earliest.as_ref().is_none_or(|e| when < e.at) {
            out.earliest = Some(dated());
        }
        if out.latest.as_ref().is_none_or(|e| when > e.at) {
            out.latest = Some(dated());
        }
        let product = cell(product)?;
        out.transactions.push(&Transaction {
            customer,
            at: when,
            amount: total,
            order: cell(order)?,
            product,
            category: cell(category)?,
            quantity: units,
        });
        let i = out.transactions.len() - 1;
        // A description is free text and only helps: a byte that is not
        // UTF-8 in it (a Windows-1252 `É`) does not refuse the file, it is
        // read as U+FFFD.
        let described_text = description
            .and_then(|at| row.get(at))
            .map(String::from_utf8_lossy);
        let described = described_text
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let not_product = match (out.transactions.product_of(i), described) {
            // A product's lines repeat its description: judge it once.
            (Some(p), Some(d)) => {
                let p = p as usize;
                if verdicts.len() <= p {
                    verdicts.resize(p + 1, None);
                }
                match &verdicts[p] {
                    Some((seen, verdict)) if **seen == *d => *verdict,
                    _ => {
                        let verdict = options.not_products.is_not_product(product, Some(d));
                        verdicts[p] = Some((d.into(), verdict));
                        verdict
                    }
                }
            }
            _ => options.not_products.is_not_product(product, described),
        };
        if not_product {
            out.transactions.mark_not_product(i);
        }
    }
    Ok(out)
}

/// The columns and their fields: recognised by name, then mapped by hand.
fn columns(
    header: &csv::StringRecord,
    mapping: &[(String, String)],
) -> Result<Vec<(String, Option<TransactionField>)>> {
    let mut columns: Vec<(String, Option<TransactionField>)> = header
        .iter()
        .map(|h| (h.to_string(), TransactionField::recognise(h)))
        .collect();
    // The columns a mapping names (the first of that name).
    let mut mapped = vec![false; columns.len()];
    for (column, field) in mapping {
        let at = columns
            .iter()
            .position(|(h, _)| h.trim() == column.trim())
            .ok_or_else(|| {
                Error::invalid("mapping", format!("no column `{column}` in the header"))
            })?;
        mapped[at] = true;
        let slot = &mut columns[at];
        slot.1 = if field == "ignore" {
            None
        } else {
            Some(TransactionField::from_name(field).ok_or_else(|| {
                let known: Vec<&str> = TransactionField::ALL.iter().map(|f| f.name()).collect();
                Error::invalid(
                    "mapping",
                    format!(
                        "unknown field `{field}` (fields: {}, or ignore)",
                        known.join(", ")
                    ),
                )
            })?)
        };
    }
    // A description only helps tell service lines: of several columns named
    // like one (`Product Name` and `Description`), the first is read and the
    // others ignored, unless the mapping names one.
    let described = (0..columns.len())
        .find(|&i| columns[i].1 == Some(TransactionField::Description) && mapped[i])
        .or_else(|| {
            columns
                .iter()
                .position(|(_, f)| *f == Some(TransactionField::Description))
        });
    for (i, (_, f)) in columns.iter_mut().enumerate() {
        if *f == Some(TransactionField::Description) && described != Some(i) && !mapped[i] {
            *f = None;
        }
    }
    for (i, (h, f)) in columns.iter().enumerate() {
        if let Some(f) = f {
            if let Some((other, _)) = columns[..i].iter().find(|(_, g)| g == &Some(*f)) {
                return Err(Error::invalid(
                    "csv header",
                    format!(
                        "columns `{other}` and `{h}` both fill `{}`; map one with `{h}=ignore` \
                         or to another field",
                        f.name()
                    ),
                ));
            }
        }
    }
    Ok(columns)
}

/// A whole quantity: digits with an optional sign, or a decimal whose
/// fraction is zeros (`12.0`).
fn parse_quantity(text: &str) -> Option<i64> {
    let text = text.trim();
    let whole = match text.split_once(['.', ',']) {
        Some((whole, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => whole,
        Some(_) => return None,
        None => text,
    };
    let digits = whole.strip_prefix(['-', '+']).unwrap_or(whole);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    whole.parse().ok()
}

/// Reads `yyyymmdd`, `yyyy-mm-dd` or `yyyy/mm/dd`, optionally followed by
/// ` ` or `T`, `hh:mm`, `:ss`, `.fff` and `Z` or `±hh:mm`.
pub fn parse_date(text: &str) -> Option<Timestamp> {
    let b = text.trim().as_bytes();
    let num = |s: &[u8]| -> Option<i64> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(s.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (y, m, d, rest) = if b.len() >= 10 && (b[4] == b'-' || b[4] == b'/') && b[7] == b[4] {
        (num(&b[..4])?, num(&b[5..7])?, num(&b[8..10])?, &b[10..])
    } else if b.len() == 8 {
        (num(&b[..4])?, num(&b[4..6])?, num(&b[6..8])?, &b[8..])
    } else {
        return None;
    };
    if !(1..=9999).contains(&y) || !(1..=12).contains(&m) || d < 1 {
        return None;
    }
    let days_in_month = match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if d > days_in_month {
        return None;
    }
    let day = crate::analytics::cohorts::days_from_civil(y, m as u8, d as u8);
    let mut ms = 0i64;
    let mut rest = rest;
    if !rest.is_empty() {
        if rest[0] != b' ' && rest[0] != b'T' && rest[0] != b't' {
            return None;
        }
        rest = &rest[1..];
        if rest.len() < 5 || rest[2] != b':' {
            return None;
        }
        let (hh, mm) = (num(&rest[..2])?, num(&rest[3..5])?);
        rest = &rest[5..];
        let mut ss = 0;
        if rest.first() == Some(&b':') {
            ss = num(rest.get(1..3)?)?;
            rest = &rest[3..];
            if rest.first() == Some(&b'.') {
                let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits == 0 {
                    return None;
                }
                let frac = &rest[1..1 + digits];
                let mut millis = 0;
                for (i, c) in frac.iter().take(3).enumerate() {
                    millis += i64::from(c - b'0') * [100, 10, 1][i];
                }
                ms += millis;
                rest = &rest[1 + digits..];
            }
        }
        if hh > 23 || mm > 59 || ss > 59 {
            return None;
        }
        ms += ((hh * 60 + mm) * 60 + ss) * 1000;
        match rest {
            [] | [b'Z'] | [b'z'] => {}
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let offset = (num(&[*h1, *h2])? * 60 + num(&[*m1, *m2])?) * 60_000;
                ms += if *sign == b'+' { -offset } else { offset };
            }
            _ => return None,
        }
    }
    Timestamp::from_millis(day * crate::model::time::MS_PER_DAY + ms, "date").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_accepted_form() {
        let ms = |s: &str| parse_date(s).map(|t| t.as_millis());
        let day = 14_579 * 86_400_000; // 2009-12-01
        assert_eq!(ms("20091201"), Some(day));
        assert_eq!(ms("2009-12-01"), Some(day));
        assert_eq!(ms("2009/12/01"), Some(day));
        assert_eq!(ms("2009-12-01 07:45:00"), Some(day + 27_900_000));
        assert_eq!(ms("2009-12-01T07:45"), Some(day + 27_900_000));
        assert_eq!(ms("2009-12-01T07:45:00.5Z"), Some(day + 27_900_500));
        assert_eq!(ms("2009-12-01T07:45:00-03:00"), Some(day + 38_700_000));
        for bad in [
            "",
            "2009-13-01",
            "2009-02-29",
            "2009-12-32",
            "12/1/2009",
            "2009-12-01 7:45",
            "2009-12-01 24:00",
            "2009-12-01X07:45",
            "2009-12-01 07:45:00+3",
            "2009121",
            "2009-12-0100:00",
        ] {
            assert_eq!(ms(bad), None, "{bad}");
        }
        assert!(ms("2008-02-29").is_some());
    }

    #[test]
    fn quantities_are_whole() {
        assert_eq!(parse_quantity("12"), Some(12));
        assert_eq!(parse_quantity("-3"), Some(-3));
        assert_eq!(parse_quantity("2.0"), Some(2));
        assert_eq!(parse_quantity("2.5"), None);
        assert_eq!(parse_quantity("2."), None);
        assert_eq!(parse_quantity(""), None);
        assert_eq!(parse_quantity("-"), None);
        assert_eq!(parse_quantity("1e3"), None);
    }

    #[test]
    fn names_fold_case_and_punctuation() {
        for (name, field) in [
            ("customer-id", TransactionField::Customer),
            ("CUSTOMER_ID", TransactionField::Customer),
            ("customerid", TransactionField::Customer),
            ("InvoiceNo", TransactionField::Order),
            ("Invoice", TransactionField::Order),
            ("StockCode", TransactionField::Product),
            ("UnitPrice", TransactionField::UnitPrice),
            ("dollar_value", TransactionField::Amount),
        ] {
            assert_eq!(TransactionField::recognise(name), Some(field), "{name}");
        }
        assert_eq!(
            TransactionField::recognise("Description"),
            Some(TransactionField::Description)
        );
        assert_eq!(TransactionField::recognise("Country"), None);
    }
}
