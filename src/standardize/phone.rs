//! Phone numbers: parsed to E.164 with the numbering plan of their country, and
//! told apart as mobile, fixed line and the rest where the plan allows.
//!
//! The rules are those of Google's libphonenumber, the reference most software
//! agrees with: its numbering plans for the supported regions (see
//! [`supported_regions`]) are copied into this crate, and [`parse`] follows
//! libphonenumber's `parse` and `isValidNumber` step by step. So:
//!
//! * A number in international form (`+54 …`, or after the default region's
//!   international prefix, such as `00` in Spain or Argentina and `011` in the
//!   United States) is read with its own country's plan, whatever the default.
//! * A number in national form is read with the default region's plan: the trunk
//!   prefix (`0` in Argentina) is dropped, and in Argentina the domestic mobile
//!   form, area code then `15` (`011 15-2345-6789`), becomes the international
//!   mobile form with `9` after the country code (`+54 9 11 2345-6789`).
//! * Spaces, dots, dashes, slashes and parentheses are ignored. Letters are not
//!   accepted (no vanity numbers, no extensions).
//!
//! A region's plan is compiled into one DFA the first time it is used (a couple
//! of milliseconds); a parse then takes a few hundred nanoseconds.
//!
//! ```
//! use ciclo::standardize::Country;
//! use ciclo::standardize::phone::{parse, LineType};
//!
//! let phone = parse("011 15-2345-6789", Country::AR).unwrap();
//! assert_eq!(phone.e164, "+5491123456789");
//! assert_eq!(phone.line, LineType::Mobile);
//!
//! // International numbers follow their own country's plan.
//! let phone = parse("0034 612 30 18 15", Country::AR).unwrap();
//! assert_eq!((phone.e164.as_str(), phone.region), ("+34612301815", Country::ES));
//!
//! assert_eq!(parse("0341-6", Country::AR).unwrap_err().code, "phone.too_short");
//! ```

mod metadata;
mod pattern;

use std::sync::OnceLock;

use compact_str::CompactString;

use self::metadata::{RawDesc, RawPlan, COUNTRY_CODES, PLANS};
use self::pattern::{Captures, Pattern, PatternSet};
use super::text::concat;
use super::{Country, Problem};

/// A valid phone number in its standard form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone {
    /// The number in E.164 form: `+`, the country calling code and the national
    /// significant number, digits only (`+5491123456789`). At most 21 bytes, so
    /// always held inline, without an allocation.
    pub e164: CompactString,
    /// The region whose numbering plan the number belongs to.
    pub region: Country,
    /// What kind of line the numbering plan says the number is.
    pub line: LineType,
}

/// The kind of line a number belongs to, as far as the numbering plan tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineType {
    /// A fixed (landline) number.
    FixedLine,
    /// A mobile number.
    Mobile,
    /// A number the plan does not tell apart: fixed or mobile (the United States,
    /// Mexico, Chile).
    FixedLineOrMobile,
    /// Free for the caller (`800` numbers).
    TollFree,
    /// Charged at a premium rate.
    PremiumRate,
    /// Cost shared between caller and called.
    SharedCost,
    /// Voice over IP.
    Voip,
    /// A personal number that follows its owner.
    PersonalNumber,
    /// A pager.
    Pager,
    /// A universal access number (a company's single number).
    Uan,
    /// A voicemail access number.
    Voicemail,
    /// Valid, but of no kind the plan names.
    Unknown,
}

impl LineType {
    /// The name in snake case, as libphonenumber's type names: `"mobile"`,
    /// `"fixed_line"`, `"fixed_line_or_mobile"`, `"toll_free"`, `"premium_rate"`,
    /// `"shared_cost"`, `"voip"`, `"personal_number"`, `"pager"`, `"uan"`,
    /// `"voicemail"`, `"unknown"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            LineType::FixedLine => "fixed_line",
            LineType::Mobile => "mobile",
            LineType::FixedLineOrMobile => "fixed_line_or_mobile",
            LineType::TollFree => "toll_free",
            LineType::PremiumRate => "premium_rate",
            LineType::SharedCost => "shared_cost",
            LineType::Voip => "voip",
            LineType::PersonalNumber => "personal_number",
            LineType::Pager => "pager",
            LineType::Uan => "uan",
            LineType::Voicemail => "voicemail",
            LineType::Unknown => "unknown",
        }
    }
}

/// The regions whose numbering plans are known, sorted by code: Argentina,
/// Brazil, Chile, Colombia, Spain, Mexico, Peru, the United States and Uruguay.
pub fn supported_regions() -> &'static [Country] {
    const REGIONS: [Country; 9] = [
        Country::AR,
        Country::BR,
        Country::CL,
        Country::CO,
        Country::ES,
        Country::MX,
        Country::PE,
        Country::US,
        Country::UY,
    ];
    &REGIONS
}

/// Whether [`parse`] knows `region`'s numbering plan.
pub fn is_supported(region: Country) -> bool {
    supported_regions().binary_search(&region).is_ok()
}

/// Parses a phone number written in any usual way into its E.164 form and line
/// type, reading a number without a country code with `default_region`'s plan.
///
/// # Errors
///
/// A [`Problem`] of severity error, with one of these codes:
///
/// * `phone.empty`: nothing but spaces.
/// * `phone.not_a_number`: letters or other characters that have no place in a
///   phone number, a `+` after the first digit, or no digit at all.
/// * `phone.too_short`, `phone.too_long`: too few or too many digits for the plan.
/// * `phone.missing_area_code`: the length of a local number, dialled without its
///   area code.
/// * `phone.invalid`: a possible length, but no number of the plan looks like it.
/// * `phone.unsupported_country_code`: an international number whose country code
///   does not exist or belongs to a country whose plan is not known here.
/// * `phone.unsupported_region`: a national number, and `default_region` is not
///   one of [`supported_regions`].
///
/// ```
/// use ciclo::standardize::Country;
/// use ciclo::standardize::phone::parse;
///
/// assert_eq!(parse("(0291) 15 675-7491", Country::AR).unwrap().e164, "+5492916757491");
/// assert_eq!(parse("612 30 18 15", Country::ES).unwrap().line.as_str(), "mobile");
/// assert_eq!(parse("+44 20 7946 0000", Country::ES).unwrap_err().code, "phone.unsupported_country_code");
/// assert_eq!(parse("tel. 612", Country::ES).unwrap_err().code, "phone.not_a_number");
/// ```
pub fn parse(input: &str, default_region: Country) -> Result<Phone, Problem> {
    parse_in(input, Some(default_region))
}

/// [`parse`] with the default region optional: without one, only a number
/// written with `+` and its country code can be read.
///
/// # Errors
///
/// As [`parse`], and `phone.no_region` for a number without `+` when
/// `default_region` is `None`.
///
/// ```
/// use ciclo::standardize::phone::parse_in;
///
/// assert_eq!(parse_in("+34 612 30 18 15", None).unwrap().e164, "+34612301815");
/// assert_eq!(parse_in("612 30 18 15", None).unwrap_err().code, "phone.no_region");
/// ```
pub fn parse_in(input: &str, default_region: Option<Country>) -> Result<Phone, Problem> {
    let written = scan(input)?;
    let default = default_region.and_then(|region| plan_for(|raw| raw.region == region));

    // The country code: after a `+` or an international prefix, or the default
    // region's own code written without either.
    let (country_code, mut national) = match extract_country_code(&written, default) {
        Err(Failure::UnknownCountryCode) if written.plus => {
            let again = Written {
                digits: written.digits,
                plus: false,
            };
            match extract_country_code(&again, default)? {
                (0, _) => return Err(Failure::UnknownCountryCode.into()),
                found => found,
            }
        }
        other => other?,
    };
    let plan = if country_code == 0 {
        let Some(default_region) = default_region else {
            return Err(Problem::error(
                "phone.no_region",
                "a number without + and its country code needs a region whose numbering plan is known",
            ));
        };
        let Some(plan) = default else {
            return Err(Problem::error(
                "phone.unsupported_region",
                format!(
                    "the numbering plan of {default_region} is not known: write the number with + and its country code"
                ),
            ));
        };
        national = written.digits;
        plan
    } else {
        match plan_for(|raw| raw.country_code == country_code) {
            Some(plan) => plan,
            None => return Err(Failure::UnsupportedCountryCode(country_code).into()),
        }
    };
    if national.len() < MIN_NATIONAL {
        return Err(Failure::TooShort.into());
    }
    let stripped = plan.strip_national_prefix(national);
    if !matches!(
        plan.test_length(stripped.len()),
        Length::TooShort | Length::LocalOnly | Length::Invalid
    ) {
        national = stripped;
    }
    if national.len() < MIN_NATIONAL {
        return Err(Failure::TooShort.into());
    }
    if national.len() > MAX_NATIONAL {
        return Err(Failure::TooLong.into());
    }

    let line = plan.line_type(national.as_slice());
    if line == LineType::Unknown {
        // Judge the length after the trunk prefix is gone: `011 15-2` is too
        // short, not a local number of six digits.
        return Err(match plan.test_length(stripped.len()) {
            Length::TooShort => Failure::TooShort,
            Length::TooLong => Failure::TooLong,
            Length::LocalOnly => Failure::LocalOnly,
            Length::Possible | Length::Invalid => Failure::Invalid(plan.raw.region),
        }
        .into());
    }
    // Put together on the stack, then copied once (inline: no allocation).
    let mut e164 = Digits::from_slice(b"+");
    e164.extend(plan.code_digits.as_slice());
    e164.extend(national.as_slice());
    let e164 = CompactString::new(e164.as_str());
    Ok(Phone {
        e164,
        region: plan.raw.region,
        line,
    })
}

/// libphonenumber's bounds on a national significant number.
const MIN_NATIONAL: usize = 2;
const MAX_NATIONAL: usize = 17;
/// The longest input libphonenumber reads, in characters.
const MAX_INPUT_CHARS: usize = 250;
/// More digits than any prefix and national number add up to.
const MAX_DIGITS: usize = 48;

/// Why a number was refused; turned into a [`Problem`].
enum Failure {
    TooShort,
    TooLong,
    LocalOnly,
    Invalid(Country),
    UnknownCountryCode,
    UnsupportedCountryCode(u16),
}

impl From<Failure> for Problem {
    fn from(failure: Failure) -> Problem {
        match failure {
            Failure::TooShort => {
                Problem::error("phone.too_short", "too few digits for a phone number")
            }
            Failure::TooLong => {
                Problem::error("phone.too_long", "too many digits for a phone number")
            }
            Failure::LocalOnly => Problem::error(
                "phone.missing_area_code",
                "a local number: write it with its area code",
            ),
            Failure::Invalid(region) => Problem::error(
                "phone.invalid",
                concat(&["not a number of the ", region.as_str(), " numbering plan"]),
            ),
            Failure::UnknownCountryCode => Problem::error(
                "phone.unsupported_country_code",
                "the country calling code does not exist",
            ),
            Failure::UnsupportedCountryCode(code) => Problem::error(
                "phone.unsupported_country_code",
                format!("numbers of country code +{code} are not supported"),
            ),
        }
    }
}

/// Up to [`MAX_DIGITS`] ASCII digits, on the stack.
#[derive(Clone, Copy)]
struct Digits {
    buf: [u8; MAX_DIGITS],
    len: usize,
}

impl Digits {
    const EMPTY: Digits = Digits {
        buf: [0; MAX_DIGITS],
        len: 0,
    };

    fn from_slice(digits: &[u8]) -> Digits {
        let mut out = Digits::EMPTY;
        out.extend(digits);
        out
    }

    /// Appends as many of `digits` as there is room for.
    fn extend(&mut self, digits: &[u8]) {
        let n = digits.len().min(MAX_DIGITS - self.len);
        if let (Some(slot), Some(digits)) =
            (self.buf.get_mut(self.len..self.len + n), digits.get(..n))
        {
            slot.copy_from_slice(digits);
            self.len += n;
        }
    }

    /// Appends a digit if there is room.
    fn push(&mut self, d: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = d;
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// The digits as text (they are ASCII digits, and a `+`).
    fn as_str(&self) -> &str {
        super::text::ascii_str(self.as_slice()).unwrap_or("")
    }

    fn len(&self) -> usize {
        self.len
    }

    fn tail(&self, from: usize) -> Digits {
        Digits::from_slice(self.as_slice().get(from..).unwrap_or(&[]))
    }
}

/// The digits of the input and whether a `+` came before them.
struct Written {
    digits: Digits,
    plus: bool,
}

/// Punctuation that may separate the digits (libphonenumber's list, without the
/// letter `x`, which starts extensions).
fn is_punctuation(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '.'
                | '('
                | ')'
                | '['
                | ']'
                | '/'
                | '~'
                | '\u{AD}'
                | '\u{200B}'
                | '\u{2060}'
                | '\u{2010}'..='\u{2015}'
                | '\u{2212}'
                | '\u{2053}'
                | '\u{223C}'
                | '\u{30FC}'
                | '\u{FF08}'
                | '\u{FF09}'
                | '\u{FF0D}'..='\u{FF0F}'
                | '\u{FF3B}'
                | '\u{FF3D}'
                | '\u{FF5E}'
        )
}

/// Reads the digits, the leading plus and nothing else.
fn scan(input: &str) -> Result<Written, Problem> {
    if input.len() > MAX_INPUT_CHARS && input.chars().count() > MAX_INPUT_CHARS {
        return Err(Failure::TooLong.into());
    }
    let mut digits = Digits::EMPTY;
    let mut count = 0usize;
    let mut plus = false;
    let mut previous_plus = false;
    let mut blank = true;
    for c in input.chars() {
        if c.is_ascii_digit() {
            count += 1;
            digits.push(c as u8);
            blank = false;
            previous_plus = false;
            continue;
        }
        let is_plus = c == '+' || c == '\u{FF0B}';
        if is_plus {
            // Only one run of plus signs, before the first digit.
            if count > 0 || (plus && !previous_plus) {
                return Err(Problem::error(
                    "phone.not_a_number",
                    "a `+` can only come once, before the country code",
                ));
            }
            plus = true;
        } else if !is_punctuation(c) {
            return Err(Problem::error(
                "phone.not_a_number",
                format!("`{}` has no place in a phone number", c.escape_debug()),
            ));
        }
        blank &= c.is_whitespace();
        previous_plus = is_plus;
    }
    if blank {
        return Err(Problem::error("phone.empty", "no phone number"));
    }
    match count {
        0 => Err(Problem::error(
            "phone.not_a_number",
            "there are no digits in it",
        )),
        1 => Err(Failure::TooShort.into()),
        n if n > MAX_DIGITS => Err(Failure::TooLong.into()),
        _ => Ok(Written { digits, plus }),
    }
}

/// libphonenumber's `maybeExtractCountryCode`: the country code (0 for none) and
/// the rest of the number.
fn extract_country_code(
    written: &Written,
    default: Option<&Plan>,
) -> Result<(u16, Digits), Failure> {
    let digits = written.digits.as_slice();
    let after_prefix = if written.plus {
        Some(written.digits)
    } else {
        default.and_then(|plan| {
            let (end, _) = plan.idd.match_prefix(digits)?;
            // A country code never starts with 0.
            match digits.get(end) {
                Some(b'0') => None,
                _ => Some(written.digits.tail(end)),
            }
        })
    };
    if let Some(full) = after_prefix {
        if full.len() <= MIN_NATIONAL {
            return Err(Failure::TooShort);
        }
        let full = full.as_slice();
        if full.first() == Some(&b'0') {
            return Err(Failure::UnknownCountryCode);
        }
        let mut code = 0u16;
        for (i, &d) in full.iter().take(3).enumerate() {
            code = code * 10 + u16::from(d - b'0');
            if COUNTRY_CODES.binary_search(&code).is_ok() {
                return Ok((code, Digits::from_slice(full.get(i + 1..).unwrap_or(&[]))));
            }
        }
        return Err(Failure::UnknownCountryCode);
    }
    if let Some(plan) = default {
        // The default region's country code written without + or prefix: taken
        // as such when the rest fits the plan better than the whole does.
        let code = plan.code_digits.as_slice();
        if let Some(rest) = digits.strip_prefix(code) {
            let rest = plan.strip_national_prefix(Digits::from_slice(rest));
            if (!plan.fits(digits) && plan.fits(rest.as_slice()))
                || plan.test_length(digits.len()) == Length::TooLong
            {
                return Ok((plan.raw.country_code, rest));
            }
        }
    }
    Ok((0, Digits::EMPTY))
}

/// libphonenumber's `ValidationResult`, on lengths alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Length {
    Possible,
    LocalOnly,
    TooShort,
    TooLong,
    Invalid,
}

/// One kind of number of a plan: the bit of its pattern in the plan's
/// [`PatternSet`], and its possible lengths.
#[derive(Clone, Copy)]
struct Desc {
    bit: u32,
    /// Bit `n` set for each possible length `n`; 0 when the plan gives none.
    lengths: u32,
}

impl Desc {
    /// libphonenumber's `isNumberMatchingDesc`, given the patterns that matched.
    fn matches(&self, len: usize, matched: u32) -> bool {
        let len_ok = self.lengths == 0 || self.lengths & length_bit(len) != 0;
        len_ok && matched & self.bit != 0
    }
}

/// Bit `len` (none past 31).
fn length_bit(len: usize) -> u32 {
    u32::try_from(len)
        .ok()
        .and_then(|n| 1u32.checked_shl(n))
        .unwrap_or(0)
}

fn mask(lengths: &[u8]) -> u32 {
    lengths
        .iter()
        .fold(0, |m, &n| m | length_bit(usize::from(n)))
}

/// One region's numbering plan, compiled.
struct Plan {
    raw: &'static RawPlan,
    code_digits: Digits,
    idd: Pattern,
    national_prefix: Option<Pattern>,
    /// The general pattern, then the special ones, fixed line and mobile.
    patterns: PatternSet,
    general: Desc,
    local_lengths: u32,
    special: Vec<(LineType, Desc)>,
    fixed_line: Option<Desc>,
    mobile: Option<Desc>,
    same_fixed_and_mobile: bool,
}

impl Plan {
    /// Compiles a plan. Its patterns are all in the supported subset (a unit
    /// test compiles every one); were one not, it would match nothing.
    fn new(raw: &'static RawPlan) -> Plan {
        let mut sources = Vec::new();
        let mut desc = |d: &RawDesc| {
            sources.push(d.pattern);
            Desc {
                bit: 1u32.checked_shl((sources.len() - 1) as u32).unwrap_or(0),
                lengths: mask(d.lengths),
            }
        };
        let general = desc(&raw.general);
        let special = raw.special.iter().map(|(t, d)| (*t, desc(d))).collect();
        let fixed_line = raw.fixed_line.as_ref().map(&mut desc);
        let mobile = raw.mobile.as_ref().map(&mut desc);
        let compile = |source: &str| Pattern::new(source).unwrap_or_else(|_| Pattern::never());
        Plan {
            raw,
            code_digits: Digits::from_slice(raw.country_code.to_string().as_bytes()),
            idd: compile(raw.international_prefix),
            national_prefix: raw.national_prefix_for_parsing.map(compile),
            patterns: PatternSet::new(&sources).unwrap_or_else(|_| PatternSet::empty()),
            general,
            local_lengths: mask(raw.general.local_lengths),
            special,
            fixed_line,
            mobile,
            same_fixed_and_mobile: match (&raw.fixed_line, &raw.mobile) {
                (Some(f), Some(m)) => f.pattern == m.pattern,
                _ => false,
            },
        }
    }

    /// Whether the general pattern matches (libphonenumber's
    /// `matchNationalNumber`, which does not look at lengths).
    fn fits(&self, digits: &[u8]) -> bool {
        self.patterns.matches(digits) & self.general.bit != 0
    }

    /// libphonenumber's `testNumberLength` against the general description.
    fn test_length(&self, len: usize) -> Length {
        let lengths = self.raw.general.lengths;
        let (Some(&min), Some(&max)) = (lengths.first(), lengths.last()) else {
            return Length::Invalid;
        };
        let bit = length_bit(len);
        if self.local_lengths & bit != 0 {
            Length::LocalOnly
        } else if len == usize::from(min) {
            Length::Possible
        } else if len < usize::from(min) {
            Length::TooShort
        } else if len > usize::from(max) {
            Length::TooLong
        } else if self.general.lengths & bit != 0 {
            Length::Possible
        } else {
            Length::Invalid
        }
    }

    /// libphonenumber's `maybeStripNationalPrefixAndCarrierCode`: the trunk
    /// prefix and carrier codes removed, and the plan's transformation applied
    /// (Argentina's area code + `15` to `9` + area code), unless that would turn
    /// a number that fits the plan into one that does not.
    fn strip_national_prefix(&self, number: Digits) -> Digits {
        let Some(prefix) = &self.national_prefix else {
            return number;
        };
        let digits = number.as_slice();
        if digits.is_empty() {
            return number;
        }
        let Some((end, caps)) = prefix.match_prefix(digits) else {
            return number;
        };
        let groups = prefix.groups();
        let last_group = caps.get(groups).copied().flatten();
        let transforms = self.raw.transform_rule.is_some() && groups > 0 && last_group.is_some();
        if end == 0 && !transforms {
            // Nothing to strip (a mobile `9 11 …` in Argentina): the number as
            // it is, without matching it against the plan twice.
            return number;
        }
        let viable = self.fits(digits);
        let result = match self.raw.transform_rule {
            Some(rule) if groups > 0 && last_group.is_some() => {
                let mut out = transform(rule, digits, &caps);
                out.extend(digits.get(end..).unwrap_or(&[]));
                out
            }
            _ => number.tail(end),
        };
        if viable && !self.fits(result.as_slice()) {
            number
        } else {
            result
        }
    }

    /// libphonenumber's `getNumberTypeHelper`.
    fn line_type(&self, national: &[u8]) -> LineType {
        let matched = self.patterns.matches(national);
        let len = national.len();
        if !self.general.matches(len, matched) {
            return LineType::Unknown;
        }
        for (line, desc) in &self.special {
            if desc.matches(len, matched) {
                return *line;
            }
        }
        let is = |desc: &Option<Desc>| desc.is_some_and(|d| d.matches(len, matched));
        if is(&self.fixed_line) {
            if self.same_fixed_and_mobile || is(&self.mobile) {
                return LineType::FixedLineOrMobile;
            }
            return LineType::FixedLine;
        }
        if !self.same_fixed_and_mobile && is(&self.mobile) {
            return LineType::Mobile;
        }
        LineType::Unknown
    }
}

/// Applies a transformation rule such as `9\1`: literal digits, and `\n` for
/// what group `n` captured.
fn transform(rule: &str, digits: &[u8], caps: &Captures) -> Digits {
    let mut out = Digits::EMPTY;
    let mut bytes = rule.bytes();
    while let Some(b) = bytes.next() {
        if b == b'\\' {
            let group = bytes
                .next()
                .map_or(0, |g| usize::from(g.wrapping_sub(b'0')));
            if let Some(Some((from, to))) = caps.get(group) {
                out.extend(digits.get(*from..*to).unwrap_or(&[]));
            }
        } else if b.is_ascii_digit() {
            out.push(b);
        }
    }
    out
}

/// The compiled plan of the first region that `wanted` picks, compiled on first
/// use (a few milliseconds per region).
fn plan_for(wanted: impl Fn(&RawPlan) -> bool) -> Option<&'static Plan> {
    static COMPILED: [OnceLock<Plan>; PLANS.len()] = [const { OnceLock::new() }; PLANS.len()];
    let index = PLANS.iter().position(wanted)?;
    let raw = PLANS.get(index)?;
    Some(COMPILED.get(index)?.get_or_init(|| Plan::new(raw)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(input: &str, region: Country) -> String {
        match parse(input, region) {
            Ok(p) => p.e164.into_string(),
            Err(e) => format!("error {}", e.code),
        }
    }

    fn line(input: &str, region: Country) -> &'static str {
        parse(input, region).map_or("error", |p| p.line.as_str())
    }

    fn code(input: &str, region: Country) -> &'static str {
        parse(input, region).err().map_or("ok", |e| e.code)
    }

    #[test]
    fn every_pattern_compiles() {
        for plan in PLANS.iter() {
            let mut prefixes = vec![plan.international_prefix];
            prefixes.extend(plan.national_prefix_for_parsing);
            for source in prefixes {
                Pattern::new(source).unwrap_or_else(|e| panic!("{source}: {e}"));
            }
            let mut sources = vec![plan.general.pattern];
            sources.extend(plan.special.iter().map(|(_, d)| d.pattern));
            sources.extend(plan.fixed_line.as_ref().map(|d| d.pattern));
            sources.extend(plan.mobile.as_ref().map(|d| d.pattern));
            for source in &sources {
                PatternSet::new(&[source]).unwrap_or_else(|e| panic!("{source}: {e}"));
            }
            let set = PatternSet::new(&sources).unwrap();
            assert!(
                set.states() < 5000,
                "{}: {} states",
                plan.region,
                set.states()
            );
        }
        assert_eq!(PLANS.len(), supported_regions().len());
        for (plan, region) in PLANS.iter().zip(supported_regions()) {
            assert_eq!(plan.region, *region);
            assert!(is_supported(*region));
            assert!(plan_for(|raw| raw.region == *region).is_some());
        }
        assert!(!is_supported(Country::AU));
        assert!(COUNTRY_CODES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn argentina() {
        let ar = Country::AR;
        assert_eq!(e164("011 15-2345-6789", ar), "+5491123456789");
        assert_eq!(line("011 15-2345-6789", ar), "mobile");
        assert_eq!(e164("(0291) 15 675-7491", ar), "+5492916757491");
        assert_eq!(e164("0291.15-675-7491", ar), "+5492916757491");
        assert_eq!(e164("+54 9 11 2345-6789", ar), "+5491123456789");
        assert_eq!(e164("+54 11 15 2345-6789", ar), "+5491123456789");
        assert_eq!(e164("0054 9 11 2345 6789", ar), "+5491123456789");
        assert_eq!(e164("5491123456789", ar), "+5491123456789");
        assert_eq!(e164("011 4321-0000", ar), "+541143210000");
        assert_eq!(line("011 4321-0000", ar), "fixed_line");
        assert_eq!(e164("(0341) 601-0928", ar), "+543416010928");
        assert_eq!(e164("(+54) 2954 28-9555", ar), "+542954289555");
        assert_eq!(e164("0800 222 1234", ar), "+548002221234");
        assert_eq!(line("0800 222 1234", ar), "toll_free");
        assert_eq!(code("4321-0000", ar), "phone.missing_area_code");
        assert_eq!(code("011 15-2", ar), "phone.too_short");
        assert_eq!(code("011 4321-00001234", ar), "phone.too_long");
        // From Spain, an Argentine number needs the international prefix.
        assert_eq!(e164("0054 11 4321-0000", Country::ES), "+541143210000");
    }

    #[test]
    fn spain() {
        let es = Country::ES;
        assert_eq!(e164("612 30 18 15", es), "+34612301815");
        assert_eq!(line("612 30 18 15", es), "mobile");
        assert_eq!(e164("91 123 45 67", es), "+34911234567");
        assert_eq!(line("91 123 45 67", es), "fixed_line");
        assert_eq!(e164("+34 612 30 18 15", es), "+34612301815");
        assert_eq!(e164("0034 612301815", es), "+34612301815");
        assert_eq!(e164("34612301815", es), "+34612301815");
        assert_eq!(line("900 123 456", es), "toll_free");
        assert_eq!(code("112", es), "phone.too_short");
        assert_eq!(code("412 30 18 15", es), "phone.invalid");
        assert_eq!(line("512 30 18 15", es), "uan");
    }

    #[test]
    fn other_regions() {
        assert_eq!(e164("(55) 1234 5678", Country::MX), "+525512345678");
        assert_eq!(
            line("+52 222 123 4026", Country::MX),
            "fixed_line_or_mobile"
        );
        assert_eq!(e164("0056 2 2123 4852", Country::CL), "+56221234852");
        assert_eq!(e164("9 6123 4567", Country::CL), "+56961234567");
        assert_eq!(e164("321 1234567", Country::CO), "+573211234567");
        assert_eq!(line("321 1234567", Country::CO), "mobile");
        assert_eq!(e164("601 2345678", Country::CO), "+576012345678");
        assert_eq!(line("601 2345678", Country::CO), "fixed_line");
        assert_eq!(e164("094 231 234", Country::UY), "+59894231234");
        assert_eq!(line("094 231 234", Country::UY), "mobile");
        assert_eq!(e164("2123 1234", Country::UY), "+59821231234");
        assert_eq!(e164("(01) 123 4567", Country::PE), "+5111234567");
        assert_eq!(e164("912 345 678", Country::PE), "+51912345678");
        assert_eq!(e164("(11) 96123-4567", Country::BR), "+5511961234567");
        assert_eq!(line("(11) 96123-4567", Country::BR), "mobile");
        assert_eq!(e164("0 15 11 2345-6789", Country::BR), "+551123456789");
        assert_eq!(e164("(201) 555-0123", Country::US), "+12015550123");
        assert_eq!(e164("1 201 555 0123", Country::US), "+12015550123");
        assert_eq!(e164("011 54 9 11 2345 6789", Country::US), "+5491123456789");
        assert_eq!(code("001 201-555-7104", Country::US), "phone.too_long");
        assert_eq!(code("(201) 055-0123", Country::US), "phone.invalid");
    }

    #[test]
    fn regions_and_country_codes() {
        assert_eq!(e164("+54 11 4321-0000", Country::AU), "+541143210000");
        assert_eq!(
            code("11 4321-0000", Country::AU),
            "phone.unsupported_region"
        );
        assert_eq!(
            code("+61 2 9876 5432", Country::AR),
            "phone.unsupported_country_code"
        );
        assert_eq!(
            code("+999 1234 5678", Country::AR),
            "phone.unsupported_country_code"
        );
        assert_eq!(
            code("0061 2 9876 5432", Country::ES),
            "phone.unsupported_country_code"
        );
        assert_eq!(
            parse("+34 612 30 18 15", Country::AR).map(|p| p.region),
            Ok(Country::ES)
        );
    }

    #[test]
    fn garbage_gives_problems_not_panics() {
        let long_digits = "1".repeat(1_000_000);
        let long_spaces = " ".repeat(1_000_000);
        let many_digits = "9".repeat(200);
        let inputs = [
            "",
            "   ",
            "\t\n",
            "+",
            "++",
            "()",
            "0",
            "00",
            "000000000000000000000000",
            "+0",
            "+00 11",
            "+54",
            "+54 ",
            "0054",
            "abc",
            "612 30 18 15 ext 3",
            "6l2 30 18 15",
            "612\u{0}301815",
            "☎ 612 30 18 15",
            "612 30 18 15 😀",
            "٦١٢٣٠١٨١٥",
            "１２３",
            "54+11",
            "+ +54 11 4321 0000",
            "++54 11 4321 0000",
            long_digits.as_str(),
            long_spaces.as_str(),
            many_digits.as_str(),
        ];
        for input in inputs {
            for &region in supported_regions().iter().chain(&[Country::AU]) {
                if let Err(p) = parse(input, region) {
                    assert_eq!(p.severity, super::super::Severity::Error);
                    assert!(p.code.starts_with("phone."));
                }
            }
        }
        assert_eq!(code("", Country::AR), "phone.empty");
        assert_eq!(code(" \t ", Country::AR), "phone.empty");
        assert_eq!(code("abc", Country::AR), "phone.not_a_number");
        assert_eq!(code("()", Country::AR), "phone.not_a_number");
        assert_eq!(code("54+11", Country::AR), "phone.not_a_number");
        assert_eq!(
            code("+ +54 11 4321 0000", Country::AR),
            "phone.not_a_number"
        );
        assert_eq!(e164("++54 11 4321 0000", Country::AR), "+541143210000");
        assert_eq!(code("0", Country::AR), "phone.too_short");
        assert_eq!(code(&long_digits, Country::AR), "phone.too_long");
        assert_eq!(code(&many_digits, Country::AR), "phone.too_long");
    }

    fn assert_idempotent(input: &str, region: Country) {
        if let Ok(first) = parse(input, region) {
            for &other in supported_regions().iter().chain(&[Country::AU]) {
                assert_eq!(
                    parse(&first.e164, other).as_ref(),
                    Ok(&first),
                    "{input} ({region}) then from {other}"
                );
            }
        }
    }

    #[test]
    fn idempotent_on_examples() {
        for (input, region) in [
            ("011 15-2345-6789", Country::AR),
            ("+541115123456", Country::AR),
            ("011 4321-0000", Country::AR),
            ("612 30 18 15", Country::ES),
            ("(11) 96123-4567", Country::BR),
            ("(201) 555-0123", Country::US),
            ("2123", Country::UY),
        ] {
            assert!(parse(input, region).is_ok(), "{input}");
            assert_idempotent(input, region);
        }
    }

    proptest::proptest! {
        #[test]
        fn idempotent_on_random_numbers(
            digits in "[0-9]{6,13}",
            index in 0usize..9,
            plus in proptest::bool::ANY,
        ) {
            let region = supported_regions()[index % supported_regions().len()];
            let input = if plus { format!("+{digits}") } else { digits };
            assert_idempotent(&input, region);
        }

        #[test]
        fn never_panics(input in "\\PC{0,40}", index in 0usize..10) {
            let region = supported_regions().get(index).copied().unwrap_or(Country::AU);
            let _ = parse(&input, region);
        }
    }
}
