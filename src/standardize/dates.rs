//! Birth dates in the forms people type.
//!
//! ```
//! use ciclo::standardize::dates;
//! use time::macros::date;
//!
//! let today = date!(2026 - 11 - 23);
//! let (d, problems) = dates::parse_birth_date("9/1/1986", today).unwrap();
//! assert_eq!(d, date!(1986 - 01 - 09)); // day first, as written in Spain and Argentina
//! assert!(problems.is_empty());
//!
//! assert_eq!(dates::parse_birth_date("31/02/1990", today).unwrap_err().code, "date.impossible");
//! assert_eq!(dates::parse_birth_date("2031-01-01", today).unwrap_err().code, "date.future");
//! ```
//!
//! # Forms read
//!
//! | form | example | notes |
//! |---|---|---|
//! | `dd/mm/yyyy` | `09/01/1986`, `9-1-1986`, `09.01.1986` | day first, as in Spanish-speaking countries; any of `/ - .` or spaces between the parts |
//! | `yyyy-mm-dd` | `1986-01-09`, `1986/1/9` | ISO order, recognised by the four-digit first part |
//! | `yyyymmdd` | `19860109` | eight digits read this way when that is a real date from 1800 to today |
//! | `ddmmyyyy` | `09011986` | eight digits otherwise |
//! | `dd/mm/yy` | `09/01/86` | two-digit year: the latest date not after today (an info finding says so) |
//! | month names | `9 de enero de 1986`, `09-ene-1986`, `9 Jan 1986` | Spanish and English names and three-letter abbreviations (`set` too) |
//!
//! # Day first or month first
//!
//! `01/02/1990` is 1 February in Spain and Argentina and 2 January in the
//! United States: a [`DateOrder`] says which (day first, [`DateOrder::Dmy`], by
//! default; [`parse_birth_date_in`] takes it). It decides the `dd/mm/yyyy`
//! forms, two-digit years and the eight digits that are not `yyyymmdd`. A date
//! that is impossible in the order asked but possible in the other
//! (`12/25/1990` with day first: there is no month 25) is read the other way,
//! with a warning (`date.month_first` or `date.day_first`), rather than
//! dropped: one such date in a file usually means a few others were read the
//! wrong way round, which the warning lets the user find. Forms that leave no
//! doubt (`yyyy-mm-dd`, month names) read the same in either order. A
//! standardised date is written `yyyy-mm-dd`, which reads back to itself in
//! either order.

use time::{Date, Month};

use super::Problem;

/// The order of day and month in a date written with numbers only
/// (`01/02/1990`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// Day, month, year (`dd/mm/yyyy`): Spain, Argentina and the rest of Latin
    /// America, and most of the world. The default.
    #[default]
    Dmy,
    /// Month, day, year (`mm/dd/yyyy`): the United States.
    Mdy,
}

impl DateOrder {
    /// Reads `"dmy"` or `"mdy"` (in either case, surrounding whitespace
    /// ignored); `None` for anything else.
    pub fn parse(text: &str) -> Option<DateOrder> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("dmy") {
            Some(DateOrder::Dmy)
        } else if text.eq_ignore_ascii_case("mdy") {
            Some(DateOrder::Mdy)
        } else {
            None
        }
    }

    /// `"dmy"` or `"mdy"`.
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
        }
    }
}

/// Birth dates more than this many years ago are flagged as implausible.
pub const MAX_AGE_YEARS: i32 = 120;

/// Longest input looked at; anything longer is not a date.
const MAX_INPUT: usize = 64;

/// Reads a birth date day first ([`DateOrder::Dmy`]), checking it against
/// `today` (the host's current date, so that the function stays pure and
/// testable): [`parse_birth_date_in`] with the default order.
///
/// # Errors
///
/// As [`parse_birth_date_in`].
pub fn parse_birth_date(input: &str, today: Date) -> Result<(Date, Vec<Problem>), Problem> {
    parse_birth_date_in(input, today, DateOrder::Dmy)
}

/// Reads a birth date with day and month in `order`, checking it against
/// `today`.
///
/// Returns the date and what was noticed: `date.two_digit_year` (info: the
/// century was inferred), `date.month_first` (warning: read as month/day/year
/// because day/month/year, the order asked, is impossible), `date.day_first`
/// (warning: read as day/month/year because month/day/year, the order asked,
/// is impossible), `date.implausible` (warning: more than [`MAX_AGE_YEARS`]
/// years before `today`).
///
/// ```
/// use ciclo::standardize::dates::{parse_birth_date_in, DateOrder};
/// use time::macros::date;
///
/// let today = date!(2026 - 11 - 23);
/// let read = |text, order| parse_birth_date_in(text, today, order).unwrap();
/// assert_eq!(read("01/02/1990", DateOrder::Dmy).0, date!(1990 - 02 - 01));
/// assert_eq!(read("01/02/1990", DateOrder::Mdy).0, date!(1990 - 01 - 02));
/// // Impossible in the order asked: read the other way, with a warning.
/// let (d, problems) = read("25/12/1990", DateOrder::Mdy);
/// assert_eq!(d, date!(1990 - 12 - 25));
/// assert_eq!(problems[0].code, "date.day_first");
/// ```
///
/// # Errors
///
/// An error [`Problem`] with code `date.empty`, `date.unreadable` (not one of the
/// forms above), `date.impossible` (such as 31 February, or month 13, in
/// either order) or `date.future` (after `today`).
pub fn parse_birth_date_in(
    input: &str,
    today: Date,
    order: DateOrder,
) -> Result<(Date, Vec<Problem>), Problem> {
    let text = super::text::trim(input);
    if text.is_empty() {
        return Err(Problem::error("date.empty", "the date is empty"));
    }
    let unreadable = || {
        Problem::error(
            "date.unreadable",
            format!(
                "`{}` is not a date in a known form (dd/mm/yyyy, yyyy-mm-dd, yyyymmdd)",
                text.chars()
                    .take(MAX_INPUT)
                    .collect::<String>()
                    .escape_default()
            ),
        )
    };
    if text.len() > MAX_INPUT {
        return Err(unreadable());
    }
    let (parts, len) = iso_parts(text)
        .or_else(|| split(text))
        .ok_or_else(unreadable)?;
    let mut problems = Vec::new();
    let (year, month, day) = match parts.get(..len).unwrap_or(&[]) {
        [Part::Number(n, 8)] => {
            let (hi, lo) = (n / 10_000, n % 10_000);
            let iso = (hi, (lo / 100) as u8, (lo % 100) as u8);
            // yyyymmdd when that is a real date not after today, else ddmmyyyy
            // (mmddyyyy month first).
            match calendar(iso.0, iso.1, iso.2) {
                Some(d) if hi >= 1800 && d <= today => iso,
                _ => in_order(lo, (hi / 100) as u8, (hi % 100) as u8, order, &mut problems),
            }
        }
        [Part::Number(y, 4), Part::Number(m, 1..=2), Part::Number(d, 1..=2)] => {
            (*y, *m as u8, *d as u8)
        }
        [Part::Number(a, 1..=2), Part::Number(b, 1..=2), Part::Number(y, w @ (2 | 4))] => {
            let year = full_year(*y, *w, today, &mut problems);
            in_order(year, *a as u8, *b as u8, order, &mut problems)
        }
        [Part::Number(d, 1..=2), Part::Month(m), Part::Number(y, w @ (2 | 4))]
        | [Part::Month(m), Part::Number(d, 1..=2), Part::Number(y, w @ (2 | 4))] => {
            (full_year(*y, *w, today, &mut problems), *m, *d as u8)
        }
        _ => return Err(unreadable()),
    };
    let mut date = calendar(year, month, day).ok_or_else(|| {
        Problem::error(
            "date.impossible",
            format!("day {day} of month {month} of year {year} does not exist"),
        )
    })?;
    // A two-digit year later this year than today belongs to the last century.
    let two_digit = problems.iter().any(|p| p.code == "date.two_digit_year");
    if two_digit && date > today {
        if let Some(earlier) = calendar(year - 100, month, day) {
            date = earlier;
            problems.retain(|p| p.code != "date.two_digit_year");
            problems.push(Problem::info(
                "date.two_digit_year",
                format!(
                    "the two-digit year {:02} was read as {}",
                    year % 100,
                    year - 100
                ),
            ));
        }
    }
    if date > today {
        return Err(Problem::error(
            "date.future",
            format!("{date} is after today ({today}): not a birth date"),
        ));
    }
    if today.year() - date.year() > MAX_AGE_YEARS {
        problems.push(Problem::warning(
            "date.implausible",
            format!("{date} is more than {MAX_AGE_YEARS} years ago"),
        ));
    }
    Ok((date, problems))
}

/// Year, month and day of a date whose first two numbers are `a` and `b`, in
/// `order`; in the other order, with a warning, when that is possible and the
/// order asked is not. (The year is checked later: a date impossible either way
/// is reported then.)
fn in_order(
    year: i32,
    a: u8,
    b: u8,
    order: DateOrder,
    problems: &mut Vec<Problem>,
) -> (i32, u8, u8) {
    let (asked, other) = match order {
        DateOrder::Dmy => ((year, b, a), (year, a, b)),
        DateOrder::Mdy => ((year, a, b), (year, b, a)),
    };
    let real = |(y, m, d): (i32, u8, u8)| calendar(y, m, d).is_some();
    if real(asked) || !real(other) {
        return asked;
    }
    problems.push(match order {
        DateOrder::Dmy => Problem::warning(
            "date.month_first",
            format!(
                "read as month/day/year because day {a} of month {b} does not exist \
                 (the date order is day first)"
            ),
        ),
        DateOrder::Mdy => Problem::warning(
            "date.day_first",
            format!(
                "read as day/month/year because month {a} does not have a day {b} \
                 (the date order is month first)"
            ),
        ),
    });
    other
}

/// A date as the standard text `yyyy-mm-dd`.
pub fn format(date: Date) -> String {
    // By hand, on the stack: `format!` costs ten times as much, once per record.
    let year = date.year();
    let (month, day) = (u8::from(date.month()), date.day());
    let Some(year) = u16::try_from(year).ok().filter(|y| *y <= 9999) else {
        return std::format!("{year:04}-{month:02}-{day:02}");
    };
    let digit = |n: u16| b'0' + (n % 10) as u8;
    let text = [
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(u16::from(month / 10)),
        digit(u16::from(month)),
        b'-',
        digit(u16::from(day / 10)),
        digit(u16::from(day)),
    ];
    super::text::ascii_str(&text)
        .map(str::to_owned)
        .unwrap_or_default()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Part {
    /// A number and how many digits it was written with.
    Number(i32, usize),
    /// A month named in words, 1 to 12.
    Month(u8),
}

/// The parts of the usual `yyyy-mm-dd` (any separator of [`split`]), read at
/// once: what `split` gives for it.
fn iso_parts(text: &str) -> Option<([Part; 3], usize)> {
    let b: &[u8; 10] = text.as_bytes().try_into().ok()?;
    let separator = |c: u8| matches!(c, b'/' | b'-' | b'.' | b',' | b' ' | b'\t');
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0i32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i32::from(d - b'0'))
        })
    };
    if !separator(b[4]) || !separator(b[7]) {
        return None;
    }
    let year = number(&b[..4])?;
    let month = number(&b[5..7])?;
    let day = number(&b[8..])?;
    Some((
        [
            Part::Number(year, 4),
            Part::Number(month, 2),
            Part::Number(day, 2),
        ],
        3,
    ))
}

/// Splits on separators into numbers and month names; `de`/`del` are skipped.
/// A date has at most three parts: they are returned on the stack, with how
/// many there are.
fn split(text: &str) -> Option<([Part; 3], usize)> {
    let mut parts = [Part::Month(0); 3];
    let mut len = 0;
    // The separators are ASCII, so splitting the bytes never cuts a character.
    let separator = |b: &u8| matches!(b, b'/' | b'-' | b'.' | b',' | b' ' | b'\t');
    for token in text.as_bytes().split(separator).filter(|t| !t.is_empty()) {
        let slot = parts.get_mut(len)?;
        if token.iter().all(u8::is_ascii_digit) {
            if token.len() > 8 {
                return None;
            }
            let value = token
                .iter()
                .fold(0i32, |n, &d| n * 10 + i32::from(d - b'0'));
            *slot = Part::Number(value, token.len());
        } else {
            let word = super::text::fold(std::str::from_utf8(token).ok()?);
            if word == "de" || word == "del" {
                continue;
            }
            *slot = Part::Month(month_named(&word)?);
        }
        len += 1;
    }
    Some((parts, len))
}

fn month_named(word: &str) -> Option<u8> {
    const NAMES: [&[&str]; 12] = [
        &["enero", "ene", "january", "jan"],
        &["febrero", "feb", "february"],
        &["marzo", "mar", "march"],
        &["abril", "abr", "april", "apr"],
        &["mayo", "may"],
        &["junio", "jun", "june"],
        &["julio", "jul", "july"],
        &["agosto", "ago", "august", "aug"],
        &["septiembre", "setiembre", "sep", "set", "sept", "september"],
        &["octubre", "oct", "october"],
        &["noviembre", "nov", "november"],
        &["diciembre", "dic", "december", "dec"],
    ];
    NAMES
        .iter()
        .position(|names| names.contains(&word))
        .map(|i| i as u8 + 1)
}

/// A two-digit year becomes the latest year ending in those digits that is not
/// after today's year (the caller goes back a century more when the whole date
/// is after today).
fn full_year(year: i32, digits: usize, today: Date, problems: &mut Vec<Problem>) -> i32 {
    if digits == 4 {
        return year;
    }
    let century = today.year() - today.year().rem_euclid(100);
    let full = if century + year > today.year() {
        century - 100 + year
    } else {
        century + year
    };
    problems.push(Problem::info(
        "date.two_digit_year",
        format!("the two-digit year {year:02} was read as {full}"),
    ));
    full
}

fn calendar(year: i32, month: u8, day: u8) -> Option<Date> {
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn ok(input: &str) -> Date {
        parse_birth_date(input, TODAY)
            .unwrap_or_else(|p| panic!("{input:?}: {p}"))
            .0
    }

    fn codes(input: &str) -> Vec<&'static str> {
        match parse_birth_date(input, TODAY) {
            Ok((_, problems)) => problems.iter().map(|p| p.code).collect(),
            Err(p) => vec![p.code],
        }
    }

    #[test]
    fn the_usual_forms() {
        let d = date!(1986 - 01 - 09);
        for input in [
            "09/01/1986",
            "9/1/1986",
            "9-1-1986",
            "09.01.1986",
            " 09 01 1986 ",
            "1986-01-09",
            "1986/1/9",
            "19860109",
            "09011986",
            "9 de enero de 1986",
            "09-ene-1986",
            "9 Jan 1986",
            "Enero 9, 1986",
        ] {
            assert_eq!(ok(input), d, "{input}");
            assert!(codes(input).is_empty(), "{input}");
        }
        assert_eq!(ok("19081209"), date!(1908 - 12 - 09), "FEBRL's form");
        assert_eq!(
            ok("25121990"),
            date!(1990 - 12 - 25),
            "ddmmyyyy, day 18 or more"
        );
        assert_eq!(ok("18011990"), date!(1990 - 01 - 18));
        assert_eq!(ok("31121999"), date!(1999 - 12 - 31));
        assert_eq!(
            ok("20011990"),
            date!(1990 - 01 - 20),
            "2001-19-90 is no date"
        );
        assert_eq!(ok("5 de setiembre de 1970"), date!(1970 - 09 - 05));
    }

    #[test]
    fn two_digit_years_take_the_latest_past_century() {
        assert_eq!(ok("09/01/86"), date!(1986 - 01 - 09));
        assert_eq!(ok("09/01/05"), date!(2005 - 01 - 09));
        assert_eq!(ok("09/01/26"), date!(2026 - 01 - 09));
        assert_eq!(ok("09/01/27"), date!(1927 - 01 - 09));
        assert_eq!(codes("09/01/86"), ["date.two_digit_year"]);
        assert_eq!(
            ok("15/12/26"),
            date!(1926 - 12 - 15),
            "December 2026 is still ahead"
        );
        assert_eq!(codes("15/12/26"), ["date.two_digit_year"]);
    }

    #[test]
    fn month_first_only_when_day_first_is_impossible() {
        assert_eq!(ok("01/31/1986"), date!(1986 - 01 - 31));
        assert_eq!(codes("01/31/1986"), ["date.month_first"]);
        assert_eq!(ok("02/03/1986"), date!(1986 - 03 - 02), "day first wins");
    }

    #[test]
    fn the_date_order_decides_ambiguous_dates() {
        let read = |input: &str, order| {
            let (d, problems) = parse_birth_date_in(input, TODAY, order)
                .unwrap_or_else(|p| panic!("{input:?}: {p}"));
            (d, problems.iter().map(|p| p.code).collect::<Vec<_>>())
        };
        use DateOrder::{Dmy, Mdy};
        assert_eq!(read("01/02/1990", Dmy), (date!(1990 - 02 - 01), vec![]));
        assert_eq!(read("01/02/1990", Mdy), (date!(1990 - 01 - 02), vec![]));
        assert_eq!(read("1-2-90", Mdy).0, date!(1990 - 01 - 02));
        assert_eq!(read("01021990", Mdy).0, date!(1990 - 01 - 02));
        assert_eq!(read("01021990", Dmy).0, date!(1990 - 02 - 01));
        // Impossible in the order asked, possible the other way: read so,
        // with a warning.
        assert_eq!(
            read("12/25/1990", Dmy),
            (date!(1990 - 12 - 25), vec!["date.month_first"])
        );
        assert_eq!(
            read("25/12/1990", Mdy),
            (date!(1990 - 12 - 25), vec!["date.day_first"])
        );
        assert_eq!(
            read("25121990", Mdy),
            (date!(1990 - 12 - 25), vec!["date.day_first"])
        );
        assert_eq!(read("12/25/1990", Mdy), (date!(1990 - 12 - 25), vec![]));
        assert_eq!(read("25/12/1990", Dmy), (date!(1990 - 12 - 25), vec![]));
        // Forms without doubt read the same either way.
        for input in [
            "1990-01-02",
            "19900102",
            "2 de enero de 1990",
            "Jan 2, 1990",
        ] {
            assert_eq!(read(input, Dmy), read(input, Mdy), "{input}");
        }
        // Impossible both ways.
        for order in [Dmy, Mdy] {
            assert_eq!(
                parse_birth_date_in("31/31/1990", TODAY, order)
                    .unwrap_err()
                    .code,
                "date.impossible"
            );
        }
        assert_eq!(DateOrder::parse(" MDY "), Some(Mdy));
        assert_eq!(DateOrder::parse("ymd"), None);
        assert_eq!(DateOrder::default().as_str(), "dmy");
    }

    #[test]
    fn bad_dates_say_why() {
        assert_eq!(codes(""), ["date.empty"]);
        assert_eq!(codes("31/02/1990"), ["date.impossible"]);
        assert_eq!(codes("1990-13-01"), ["date.impossible"]);
        assert_eq!(codes("00/00/0000"), ["date.impossible"]);
        assert_eq!(codes("24/11/2026"), ["date.future"]);
        assert_eq!(codes("2031-01-01"), ["date.future"]);
        assert_eq!(codes("01/01/1890"), ["date.implausible"]);
        for garbage in [
            "ayer",
            "1986",
            "1/2/3/4",
            "12345",
            "9 de nada de 1986",
            "\u{0}\u{1}",
            "١٩٨٦-٠١-٠٩",
            "🎂",
            "999999999999/1/1",
        ] {
            assert_eq!(codes(garbage), ["date.unreadable"], "{garbage:?}");
        }
        assert_eq!(codes(&"1".repeat(1 << 20)), ["date.unreadable"]);
    }

    #[test]
    fn standard_form_reads_back_to_itself() {
        for input in ["9/1/1986", "19081209", "01/31/1986", "9 de enero de 1986"] {
            let d = ok(input);
            assert_eq!(ok(&format(d)), d);
            assert!(codes(&format(d)).is_empty());
            for order in [DateOrder::Dmy, DateOrder::Mdy] {
                let (d, _) = parse_birth_date_in(input, TODAY, order).unwrap();
                let again = parse_birth_date_in(&format(d), TODAY, order).unwrap();
                assert_eq!(again, (d, vec![]), "{input} {order:?}");
            }
        }
        assert_eq!(format(date!(0986 - 01 - 09)), "0986-01-09");
        assert_eq!(format(date!(-0001 - 12 - 31)), "-001-12-31");
    }

    proptest::proptest! {
        #[test]
        fn format_is_the_iso_form(day in -1_930_000i32..5_373_000) {
            let d = Date::from_julian_day(day).unwrap();
            let expected = std::format!(
                "{:04}-{:02}-{:02}",
                d.year(),
                u8::from(d.month()),
                d.day()
            );
            proptest::prop_assert_eq!(format(d), expected);
        }

        #[test]
        fn iso_parts_are_what_split_gives(text in "[0-9a/ .,-]{10}") {
            if let Some(parts) = iso_parts(&text) {
                proptest::prop_assert_eq!(Some(parts), split(&text));
            }
        }
    }
}
