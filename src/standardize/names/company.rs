//! Companies' names: the legal form at the end of the name, however it is
//! written, read as one [`LegalForm`].

use std::fmt;

use super::*;
use crate::standardize::text::tidy;

/// The legal form of a company, as written at the end of its name.
#[allow(clippy::upper_case_acronyms)] // the forms are written this way
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LegalForm {
    /// Sociedad Anónima (Argentina, Spain): `S.A.`.
    SA,
    /// Sociedad de Responsabilidad Limitada (Argentina): `S.R.L.`.
    SRL,
    /// Sociedad por Acciones Simplificada (Argentina): `S.A.S.`.
    SAS,
    /// Sociedad en Comandita por Acciones (Argentina): `S.C.A.`.
    SCA,
    /// Sociedad de Hecho (Argentina): `S.H.`.
    SH,
    /// Cooperativa Limitada (Argentina): `Coop. Ltda.`.
    CoopLtda,
    /// Sociedad Limitada (Spain): `S.L.`.
    SL,
    /// Sociedad Limitada Unipersonal (Spain): `S.L.U.`.
    SLU,
    /// Sociedad Anónima Unipersonal (Spain): `S.A.U.`.
    SAU,
    /// Sociedad Cooperativa (Spain): `S.Coop.`.
    SCoop,
    /// Sociedad Civil (Spain): `S.C.`.
    SC,
    /// Incorporated: `Inc.`.
    Inc,
    /// Limited liability company: `LLC`.
    LLC,
    /// Limited: `Ltd.`.
    Ltd,
    /// Gesellschaft mit beschränkter Haftung: `GmbH`.
    GmbH,
}

impl LegalForm {
    /// The canonical abbreviation: `S.A.`, `S.R.L.`, `Coop. Ltda.`, `GmbH`.
    pub fn as_str(&self) -> &'static str {
        match self {
            LegalForm::SA => "S.A.",
            LegalForm::SRL => "S.R.L.",
            LegalForm::SAS => "S.A.S.",
            LegalForm::SCA => "S.C.A.",
            LegalForm::SH => "S.H.",
            LegalForm::CoopLtda => "Coop. Ltda.",
            LegalForm::SL => "S.L.",
            LegalForm::SLU => "S.L.U.",
            LegalForm::SAU => "S.A.U.",
            LegalForm::SCoop => "S.Coop.",
            LegalForm::SC => "S.C.",
            LegalForm::Inc => "Inc.",
            LegalForm::LLC => "LLC",
            LegalForm::Ltd => "Ltd.",
            LegalForm::GmbH => "GmbH",
        }
    }
}

impl fmt::Display for LegalForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A company's name in standard form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompanyName {
    /// The name without its legal form, as typed (case kept: `YPF`, `eBay`),
    /// whitespace collapsed, NFC.
    pub name: String,
    /// The legal form found at the end of the name, if any.
    pub legal_form: Option<LegalForm>,
}

impl CompanyName {
    /// The name with its canonical legal form: `Acme S.A.`. A cooperative whose name
    /// starts with `Cooperativa` ends in `Ltda.` rather than `Coop. Ltda.`.
    pub fn display(&self) -> String {
        match self.legal_form {
            None => self.name.clone(),
            Some(form) => {
                let suffix = form_suffix(&self.name, form);
                let mut out = String::with_capacity(self.name.len() + suffix.len() + 1);
                out.push_str(&self.name);
                out.push(' ');
                out.push_str(suffix);
                out
            }
        }
    }

    /// The name folded for matching, legal form left out: lower case, no accents,
    /// punctuation as spaces, the words `y`, `e`, `and`, `the`, `de`, `del`, `la`,
    /// `las`, `los`, `el` dropped, `Hnos.` and `Cía.` written out (`hermanos`,
    /// `compania`). `Pérez & Hnos. S.A.` gives `perez hermanos`.
    pub fn key(&self) -> String {
        let folded = fold(&self.name);
        let mut out = String::with_capacity(folded.len());
        for word in folded.split(' ').filter(|w| !w.is_empty()) {
            let word = match word {
                "y" | "e" | "and" | "the" | "de" | "del" | "la" | "las" | "los" | "el" => continue,
                "hnos" => "hermanos",
                "hno" => "hermano",
                "cia" => "compania",
                other => other,
            };
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        if out.is_empty() {
            folded
        } else {
            out
        }
    }
}

impl fmt::Display for CompanyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Punctuation that ends neither a company's name nor its legal form.
const TRAILING: [char; 7] = [',', ';', ':', '-', '–', '—', ' '];

/// Reads a company's name and the legal form at its end.
///
/// The legal form may be written with or without dots and spaces and in any case
/// (`SA`, `S.A`, `S. A.`, `s.a.`), or in full (`Sociedad Anónima`, `Sociedad de
/// Responsabilidad Limitada`, `Limited Liability Company`); `S. de H.` and
/// `S. de R.L.` are read too. A name starting with `Cooperativa` and ending in
/// `Ltda.` or `Limitada` is a [`LegalForm::CoopLtda`]. When the form was not written
/// canonically, an Info `company.legal_form_normalized` suggests the display form.
/// The name keeps its case; a comma or dash before the form is dropped.
///
/// # Errors
///
/// - `company.empty`: nothing but spaces, or only a legal form.
/// - `company.too_long`: longer than 200 characters.
/// - `company.invalid_characters`: control characters.
///
/// # Example
///
/// ```
/// use ciclo::standardize::names::{parse_company, LegalForm};
///
/// let (c, problems) = parse_company("Acme, Sociedad de Responsabilidad Limitada")?;
/// assert_eq!(c.legal_form, Some(LegalForm::SRL));
/// assert_eq!(c.display(), "Acme S.R.L.");
/// assert_eq!(problems[0].code, "company.legal_form_normalized");
/// assert_eq!(parse_company("ACME S. R. L.")?.0.key(), c.key());
/// # Ok::<(), ciclo::standardize::Problem>(())
/// ```
pub fn parse_company(text: &str) -> Result<(CompanyName, Vec<Problem>), Problem> {
    check_len(text, MAX_FULL, "company.too_long", "company name")?;
    if let Some(c) = text.chars().find(|c| c.is_control() && !c.is_whitespace()) {
        return Err(Problem::error(
            "company.invalid_characters",
            format!("`{}` is not allowed in a company name", c.escape_debug()),
        ));
    }
    // A comma always ends a word: "Acme,S.A." is "Acme, S.A.".
    let spaced;
    let text = if text.contains(',') {
        spaced = text.replace(',', ", ");
        spaced.as_str()
    } else {
        text
    };
    let tidied = tidy(text);
    // Trailing punctuation goes before the legal form is looked for, as it goes
    // from the name after: otherwise `Acme S. .A;` keeps `S. .A` as part of its
    // name and only the second pass reads it as `S.A.` (found by fuzzing).
    let tidied = tidied.trim_end_matches(TRAILING);
    let toks: Vec<&str> = tidied.split(' ').filter(|t| !t.is_empty()).collect();
    if toks.is_empty() {
        return Err(Problem::error("company.empty", "the company name is empty"));
    }
    let found = find_legal_form(&toks);
    let name_len = toks.len() - found.map_or(0, |(_, j)| j);
    let mut name = toks.get(..name_len).unwrap_or(&[]).join(" ");
    let trimmed_len = name.trim_end_matches(TRAILING).len();
    name.truncate(trimmed_len);
    if !name.chars().any(char::is_alphanumeric) {
        return Err(Problem::error(
            "company.empty",
            "the company name is empty or holds only a legal form",
        ));
    }
    let mut problems = Vec::new();
    let legal_form = found.map(|(form, j)| {
        let written = toks.get(toks.len() - j..).unwrap_or(&[]).join(" ");
        if written != form_suffix(&name, form) {
            let company = CompanyName {
                name: name.clone(),
                legal_form: Some(form),
            };
            problems.push(
                Problem::info(
                    "company.legal_form_normalized",
                    format!("wrote the legal form `{written}` as `{}`", form.as_str()),
                )
                .suggest(company.display()),
            );
        }
        form
    });
    Ok((CompanyName { name, legal_form }, problems))
}

/// The text written after the name for `form`.
pub(super) fn form_suffix(name: &str, form: LegalForm) -> &'static str {
    if form == LegalForm::CoopLtda && starts_with_cooperativa(name) {
        "Ltda."
    } else {
        form.as_str()
    }
}

fn starts_with_cooperativa(name: &str) -> bool {
    name.split(' ')
        .next()
        .is_some_and(|w| w.len() == "cooperativa".len() && w.eq_ignore_ascii_case("cooperativa"))
}

/// The legal form at the end of `toks` and how many tokens it takes, longest first.
fn find_legal_form(toks: &[&str]) -> Option<(LegalForm, usize)> {
    const LONGEST: usize = 6;
    let n = toks.len();
    let m = n.min(LONGEST);
    let tail = toks.get(n - m..).unwrap_or(&[]);
    // The last words folded once, and where each starts.
    let mut folded = String::with_capacity(64);
    let mut starts = [0usize; LONGEST];
    for (i, t) in tail.iter().enumerate() {
        let f = key_fold(t);
        if !f.is_empty() && !folded.is_empty() {
            folded.push(' ');
        }
        if let Some(start) = starts.get_mut(i) {
            *start = folded.len();
        }
        folded.push_str(&f);
    }
    for j in (1..=m).rev() {
        let first = m - j;
        let suffix = starts
            .get(first)
            .and_then(|&at| folded.get(at..))
            .unwrap_or("")
            .trim_start();
        if let Some(form) = long_form(suffix) {
            return Some((form, j));
        }
        if tail
            .get(first..)
            .is_some_and(|ts| ts.iter().all(|t| is_abbreviation_token(t)))
        {
            let mut compact = [0u8; 16];
            let mut len = 0;
            for b in suffix.bytes().filter(|&b| b != b' ') {
                match compact.get_mut(len) {
                    Some(slot) => *slot = b,
                    // Longer than any abbreviation.
                    None => {
                        len = 0;
                        break;
                    }
                }
                len += 1;
            }
            let form = std::str::from_utf8(compact.get(..len).unwrap_or(&[]))
                .ok()
                .and_then(abbreviated_form);
            if let Some(form) = form {
                return Some((form, j));
            }
        }
    }
    // "Cooperativa de Trabajo El Progreso Ltda."
    if n >= 3 && toks.first().is_some_and(|t| starts_with_cooperativa(t)) {
        let last = toks.last().map(|t| key_fold(t)).unwrap_or_default();
        if last == "ltda" || last == "limitada" {
            return Some((LegalForm::CoopLtda, 1));
        }
    }
    None
}

/// A short run of letters with dots or slashes (`S.A.`, `SRL`, `Coop.`, `GmbH`).
fn is_abbreviation_token(t: &str) -> bool {
    let mut letters = 0;
    for c in t.chars() {
        if c.is_alphabetic() {
            letters += 1;
        } else if c != '.' && c != '/' {
            return false;
        }
    }
    (1..=5).contains(&letters)
}

fn abbreviated_form(compact: &str) -> Option<LegalForm> {
    Some(match compact {
        "sa" => LegalForm::SA,
        "srl" | "sderl" => LegalForm::SRL,
        "sas" => LegalForm::SAS,
        "sca" => LegalForm::SCA,
        "sh" | "sdeh" => LegalForm::SH,
        "coopltda" => LegalForm::CoopLtda,
        "sl" => LegalForm::SL,
        "slu" => LegalForm::SLU,
        "sau" => LegalForm::SAU,
        "scoop" | "soccoop" => LegalForm::SCoop,
        "sc" => LegalForm::SC,
        "inc" => LegalForm::Inc,
        "llc" => LegalForm::LLC,
        "ltd" => LegalForm::Ltd,
        "gmbh" => LegalForm::GmbH,
        _ => return None,
    })
}

fn long_form(folded: &str) -> Option<LegalForm> {
    Some(match folded {
        "sociedad anonima" => LegalForm::SA,
        "sociedad de responsabilidad limitada" => LegalForm::SRL,
        "sociedad por acciones simplificada" => LegalForm::SAS,
        "sociedad en comandita por acciones" => LegalForm::SCA,
        "sociedad de hecho" => LegalForm::SH,
        "cooperativa limitada" | "cooperativa ltda" | "coop limitada" => LegalForm::CoopLtda,
        "sociedad limitada" => LegalForm::SL,
        "sociedad limitada unipersonal" | "s l unipersonal" | "sl unipersonal" => LegalForm::SLU,
        "sociedad anonima unipersonal" | "s a unipersonal" | "sa unipersonal" => LegalForm::SAU,
        "sociedad cooperativa" => LegalForm::SCoop,
        "sociedad civil" => LegalForm::SC,
        "incorporated" => LegalForm::Inc,
        "limited liability company" => LegalForm::LLC,
        "limited" => LegalForm::Ltd,
        "gesellschaft mit beschrankter haftung" => LegalForm::GmbH,
        _ => return None,
    })
}
