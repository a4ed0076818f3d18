//! Lines of a sales export that are not a product sold: postage, carriage,
//! fees, discounts, manual adjustments, bank charges, samples, gift vouchers,
//! handling, insurance, taxes and coupons.
//!
//! Exports mix such lines with the products (Online Retail writes `POST`
//! "POSTAGE", `C2` "CARRIAGE", `D` "Discount", `M` "Manual", `BANK CHARGES`,
//! `AMAZONFEE` "AMAZON FEE", `ADJUST` "Adjustment by john on ...",
//! `gift_0001_10` "Dotcomgiftshop Gift Voucher £10.00"). They are money the
//! customer paid, so RFM and cohorts count them as spend; but they are never
//! offered, and they do not feed product affinities (a postage line is in
//! almost every order, so it would "go with" everything).
//!
//! [`NotProducts::is_not_product`] is the one rule, used by the transactions
//! reader ([`crate::import::transactions`], which marks such lines with
//! [`Transactions::mark_not_product`](super::transactions::Transactions::mark_not_product)),
//! by [`transaction_offers`](super::transaction_offers) and by the
//! `offer_eval` example. A line is not a product when either:
//!
//! - its **product code** is one of the codes given by hand
//!   ([`NotProducts::add_code`], the commands' repeatable `--not-product
//!   CODE`), compared without case; or
//! - its **description** (the file's description or product name column) is
//!   a service or charge description ([`is_service_description`]): its first
//!   or its last word is one of [`SERVICE_WORDS`] (singular or plural, without
//!   case or accents), or it begins or ends with one of [`SERVICE_PHRASES`].
//!
//! Only the first and last words count because the word names what the line
//! *is* there: English puts the head noun last ("DOTCOM POSTAGE", "Bank
//! Charges", "AMAZON FEE"), Spanish first ("Envío a domicilio", "Descuento
//! 10%"), and a description starting with the word is a label ("Adjustment
//! by john", "POSTAGE"). A product that merely mentions one ("BLACK BAROQUE
//! CARRIAGE CLOCK", "OCCASIONS GIFT CARD ASSORTMENT") stays a product. Words
//! without a letter (prices, dates, `£10.00`) are skipped. The rule names no
//! code and no product of any file; a product whose name begins or ends with
//! such a word (a "MANUAL COFFEE GRINDER", "CARGO PANTS") is taken for a
//! service line, and a service line described otherwise (`TEST001` "This is a
//! test product.") is not caught: name its code with `--not-product`. A file
//! without a description column is judged by the codes given by hand only.
//!
//! ```
//! use ciclo::analytics::not_product::NotProducts;
//!
//! let mut rule = NotProducts::new();
//! assert!(rule.is_not_product(Some("POST"), Some("POSTAGE")));
//! assert!(rule.is_not_product(Some("DOT"), Some("DOTCOM POSTAGE")));
//! assert!(rule.is_not_product(Some("BANK CHARGES"), Some(" Bank Charges")));
//! assert!(rule.is_not_product(Some("X1"), Some("Envío a domicilio")));
//! assert!(rule.is_not_product(Some("gift_0001_10"), Some("Dotcomgiftshop Gift Voucher £10.00")));
//! assert!(!rule.is_not_product(Some("85168B"), Some("BLACK BAROQUE CARRIAGE CLOCK")));
//! assert!(!rule.is_not_product(Some("TEST001"), Some("This is a test product.")));
//! rule.add_code("test001");
//! assert!(rule.is_not_product(Some("TEST001"), Some("This is a test product.")));
//! assert!(!rule.is_not_product(Some("85123A"), None));
//! ```

/// Words that name a service or charge line rather than a product, in
/// English and Spanish, lower case without accents; each also matches with
/// `s` or `es` added (`charges`, `envíos`, `comisiones`).
pub const SERVICE_WORDS: &[&str] = &[
    // English.
    "postage",
    "carriage",
    "delivery",
    "shipping",
    "freight",
    "discount",
    "manual",
    "fee",
    "charge",
    "surcharge",
    "adjust",
    "adjustment",
    "sample",
    "voucher",
    "commission",
    "handling",
    "insurance",
    "tax",
    "vat",
    "coupon",
    // Spanish.
    "envio",
    "flete",
    "descuento",
    "cargo",
    "ajuste",
    "recargo",
    "comision",
    "bonificacion",
    "vale",
    "impuesto",
    "iva",
    "cupon",
];

/// Phrases that name a service or charge line (words as in
/// [`SERVICE_WORDS`], the last one also plural).
pub const SERVICE_PHRASES: &[&[&str]] = &[
    &["gift", "card"],
    &["gift", "voucher"],
    &["gift", "certificate"],
    &["tarjeta", "regalo"],
    &["bad", "debt"],
];

/// The rule that tells service and charge lines from products (see the
/// [module](self)): the description words, plus product codes given by hand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NotProducts {
    /// Codes given by hand, trimmed.
    codes: Vec<String>,
}

impl NotProducts {
    /// The rule with the description words and no code given by hand.
    pub fn new() -> NotProducts {
        NotProducts::default()
    }

    /// Also takes the lines of product `code` for service lines (compared
    /// trimmed and without ASCII case).
    pub fn add_code(&mut self, code: &str) {
        let code = code.trim();
        if !code.is_empty() && !self.codes.iter().any(|c| c.eq_ignore_ascii_case(code)) {
            self.codes.push(code.to_string());
        }
    }

    /// The codes given by hand.
    pub fn codes(&self) -> &[String] {
        &self.codes
    }

    /// Whether a line with this product code and description is a service
    /// or charge line, not a product (see the [module](self)). `None` for a
    /// file without such a column.
    pub fn is_not_product(&self, code: Option<&str>, description: Option<&str>) -> bool {
        if let Some(code) = code {
            let code = code.trim();
            if self.codes.iter().any(|c| c.eq_ignore_ascii_case(code)) {
                return true;
            }
        }
        description.is_some_and(is_service_description)
    }
}

/// Whether a description names a service or charge line: its first or last
/// word (of those with a letter) is one of [`SERVICE_WORDS`], or it begins
/// or ends with one of [`SERVICE_PHRASES`] (see the [module](self)).
///
/// ```
/// use ciclo::analytics::not_product::is_service_description;
/// assert!(is_service_description("CARRIAGE"));
/// assert!(is_service_description("Adjustment by Peter on Jun 25 2010"));
/// assert!(is_service_description("CRUK Commission"));
/// assert!(is_service_description("Cargo por servicio"));
/// assert!(!is_service_description("GOTHIC CARRIAGE LANTERN"));
/// assert!(!is_service_description("FEEDER"));
/// assert!(!is_service_description(""));
/// ```
pub fn is_service_description(description: &str) -> bool {
    let mut words = description
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().any(char::is_alphabetic));
    let Some(first) = words.next() else {
        return false;
    };
    if SERVICE_WORDS.iter().any(|t| matches_word(first, t, true)) {
        return true;
    }
    // The last words, up to the longest phrase, without collecting them all.
    let mut tail: [&str; 2] = ["", first];
    let mut second = None;
    for w in words {
        if second.is_none() {
            second = Some(w);
        }
        tail = [tail[1], w];
    }
    let last = tail[1];
    if second.is_some() && SERVICE_WORDS.iter().any(|t| matches_word(last, t, true)) {
        return true;
    }
    let Some(second) = second else {
        return false;
    };
    SERVICE_PHRASES.iter().any(|phrase| {
        let (a, b) = (phrase[0], phrase[1]);
        (matches_word(first, a, false) && matches_word(second, b, true))
            || (matches_word(tail[0], a, false) && matches_word(last, b, true))
    })
}

/// Whether `word`, lower-cased and without accents, is `target` (ASCII
/// lower case), or with `plural`, `target` followed by `s` or `es`.
fn matches_word(word: &str, target: &str, plural: bool) -> bool {
    let mut folded = word.chars().map(fold);
    for t in target.chars() {
        if folded.next() != Some(t) {
            return false;
        }
    }
    match (folded.next(), folded.next(), folded.next()) {
        (None, _, _) => true,
        (Some('s'), None, _) => plural,
        (Some('e'), Some('s'), None) => plural,
        _ => false,
    }
}

/// A letter lower-cased, without the accents of Spanish, Portuguese and
/// French (`Í` → `i`, `ñ` → `n`); other characters lower-cased.
fn fold(c: char) -> char {
    let c = if c.is_ascii() {
        return c.to_ascii_lowercase();
    } else {
        c.to_lowercase().next().unwrap_or(c)
    };
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_words_and_phrases() {
        for service in [
            "POSTAGE",
            "DOTCOM POSTAGE",
            "Discount",
            "Manual",
            "SAMPLES",
            "AMAZON FEE",
            "Adjust bad debt",
            "amazon adjustment",
            "Bank Charges",
            "Gift Card",
            "Dotcomgiftshop Gift Voucher £10.00",
            "Tarjeta regalo $500",
            "Envíos",
            "COMISIÓN BANCARIA",
            "bonificaciones",
            "next day delivery",
            "Shipping & handling fees",
            "Sales tax",
            "VAT",
            "IVA 21%",
            "Impuesto de sellos",
            "Cupón descuento",
            "Coupon",
            "Shipping insurance",
        ] {
            assert!(is_service_description(service), "{service}");
        }
        for product in [
            "GOTHIC CARRIAGE LANTERN",
            "WHITE BAROQUE CARRIAGE CLOCK",
            "OCCASIONS GIFT CARD ASSORTMENT",
            "This is a test product.",
            "FEEDER BIRD TABLE",
            "DISCOUNTED ITEMS BOX",
            "12 PENCILS",
            "£10.00",
            "",
            "   ",
        ] {
            assert!(!is_service_description(product), "{product}");
        }
    }

    #[test]
    fn codes_by_hand_without_case() {
        let mut rule = NotProducts::new();
        rule.add_code(" cruk ");
        rule.add_code("CRUK");
        rule.add_code("");
        assert_eq!(rule.codes(), ["cruk"]);
        assert!(rule.is_not_product(Some("CRUK"), None));
        assert!(rule.is_not_product(Some("Cruk"), Some("whatever")));
        assert!(!rule.is_not_product(Some("CRUK2"), None));
        assert!(!rule.is_not_product(None, None));
        assert!(rule.is_not_product(None, Some("POSTAGE")));
    }
}
