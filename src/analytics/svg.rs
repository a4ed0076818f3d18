//! Pictures a manager reads: the cohort heat map, the RFM grid and the top
//! product affinities as standalone SVG, and an HTML report that holds them.
//!
//! Plain string building: every SVG is a complete document (with its
//! `xmlns`, width, height and a `<title>`), draws with any browser or
//! `rsvg-convert`, and every text from the data is escaped
//! ([`escape`]). Nothing here reads or writes files.

use std::fmt::Write as _;

use super::affinity::AffinityKind;
use super::cohorts::Cohorts;
use super::rfm::{RfmTable, Segment};
use super::transactions::format_ten_thousandths;

/// Text escaped for XML and HTML content and attribute values.
///
/// ```
/// assert_eq!(ciclo::analytics::svg::escape(r#"<a & "b">"#), "&lt;a &amp; &quot;b&quot;&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A colour from white (0) to deep blue (1), as `#rrggbb`.
fn blue(share: f64) -> String {
    let t = share.clamp(0.0, 1.0);
    let mix = |from: f64, to: f64| (from + (to - from) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(247.0, 8.0),
        mix(251.0, 48.0),
        mix(255.0, 107.0)
    )
}

/// The colour of a segment's cells in the RFM grid.
pub fn segment_colour(segment: Segment) -> &'static str {
    match segment {
        Segment::Champions => "#1a9850",
        Segment::LoyalCustomers => "#66bd63",
        Segment::PotentialLoyalists => "#a6d96a",
        Segment::NewCustomers => "#4393c3",
        Segment::Promising => "#92c5de",
        Segment::NeedAttention => "#fee08b",
        Segment::AboutToSleep => "#fdae61",
        Segment::AtRisk => "#f46d43",
        Segment::CantLoseThem => "#d73027",
        Segment::Hibernating => "#bababa",
        Segment::Lost => "#878787",
    }
}

fn svg_open(out: &mut String, width: u32, height: u32, title: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" \
         font-size=\"11\" role=\"img\">\n<title>{}</title>\n\
         <rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n\
         <text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{}</text>\n",
        escape(title),
        escape(title)
    );
}

/// The cohort matrix as a heat map: one row per acquisition month (with its
/// size), one column per month since acquisition, each cell the share of the
/// cohort buying that month, written as a percentage and shaded from white
/// (0%) to blue (100%).
///
/// ```
/// use ciclo::analytics::cohorts::{Cohort, Cohorts, Month};
/// let c = Cohorts {
///     cohorts: vec![Cohort { month: Month(2010 * 12), active: vec![4, 1], revenue: vec![] }],
///     activity: vec![],
/// };
/// let svg = ciclo::analytics::svg::cohort_heatmap(&c, "Cohorts");
/// assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
/// assert!(svg.contains(">25%</text>"));
/// ```
pub fn cohort_heatmap(cohorts: &Cohorts, title: &str) -> String {
    const CELL_W: u32 = 38;
    const CELL_H: u32 = 20;
    const LEFT: u32 = 120;
    const TOP: u32 = 58;
    let months = cohorts
        .cohorts
        .iter()
        .map(|c| c.active.len())
        .max()
        .unwrap_or(0) as u32;
    let rows = cohorts.cohorts.len() as u32;
    let width = (LEFT + months * CELL_W + 20).max(360);
    let height = TOP + rows * CELL_H + 40;
    let mut out = String::with_capacity(256 + (rows * months) as usize * 160);
    svg_open(&mut out, width, height, title);
    if rows == 0 {
        let _ = writeln!(
            out,
            "<text x=\"10\" y=\"{}\">No purchases before the as-of date.</text>",
            TOP
        );
        out.push_str("</svg>\n");
        return out;
    }
    let _ = writeln!(
        out,
        "<text x=\"10\" y=\"{}\">cohort (customers)</text>\n\
         <text x=\"{LEFT}\" y=\"38\">months since the first purchase: share of the cohort buying</text>",
        TOP - 6
    );
    for k in 0..months {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{k}</text>",
            LEFT + k * CELL_W + CELL_W / 2,
            TOP - 6
        );
    }
    for (row, cohort) in cohorts.cohorts.iter().enumerate() {
        let y = TOP + row as u32 * CELL_H;
        let _ = writeln!(
            out,
            "<text x=\"10\" y=\"{}\">{} ({})</text>",
            y + 14,
            cohort.month,
            cohort.size()
        );
        for k in 0..cohort.active.len() {
            let share = cohort.share(k);
            let x = LEFT + k as u32 * CELL_W;
            let percent = (share * 100.0).round() as u32;
            let ink = if share > 0.5 { "#ffffff" } else { "#1a1a1a" };
            let _ = writeln!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{CELL_W}\" height=\"{CELL_H}\" fill=\"{}\" \
                 stroke=\"#ffffff\"><title>{} +{k}: {} of {} ({:.1}%)</title></rect>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{ink}\">{percent}%</text>",
                blue(share),
                cohort.month,
                cohort.active[k],
                cohort.size(),
                share * 100.0,
                x + CELL_W / 2,
                y + 14
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// The RFM grid: recency score up (5 at the top), frequency score across,
/// each cell coloured by its [`Segment`] and holding its customers (count
/// and share of the base); a legend counts the customers and spend of each
/// segment.
///
/// ```
/// use ciclo::analytics::rfm::{RfmRow, RfmScore, RfmTable, Segment};
/// use ciclo::analytics::transactions::Amount;
/// let usd = ciclo::model::Currency::parse("USD", "c")?;
/// let table = RfmTable {
///     currency: usd,
///     rows: vec![RfmRow {
///         customer: 0,
///         recency_days: 3,
///         frequency: 9,
///         monetary: Amount::from_minor(12000, 2, usd),
///         score: RfmScore { r: 5, f: 5, m: 5, segment: Segment::Champions },
///     }],
/// };
/// let svg = ciclo::analytics::svg::rfm_grid(&table, "RFM (USD)");
/// assert!(svg.contains("Champions: 1 customers, 120.00 USD"));
/// # Ok::<(), ciclo::Error>(())
/// ```
pub fn rfm_grid(table: &RfmTable, title: &str) -> String {
    const CELL_W: u32 = 118;
    const CELL_H: u32 = 58;
    const LEFT: u32 = 70;
    const TOP: u32 = 50;
    let grid = table.grid();
    let total = table.rows.len().max(1) as f64;
    let legend_x = LEFT + 5 * CELL_W + 24;
    let width = legend_x + 300;
    let height = TOP + 5 * CELL_H + 50;
    let mut out = String::with_capacity(8_192);
    svg_open(&mut out, width, height, title);
    for r in (1..=5u8).rev() {
        let y = TOP + u32::from(5 - r) * CELL_H;
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">R {r}</text>",
            LEFT - 8,
            y + CELL_H / 2 + 4
        );
        for f in 1..=5u8 {
            let x = LEFT + u32::from(f - 1) * CELL_W;
            let segment = Segment::of(r, f);
            let n = grid.customers[usize::from(r - 1)][usize::from(f - 1)];
            let _ = writeln!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{CELL_W}\" height=\"{CELL_H}\" fill=\"{}\" \
                 stroke=\"#ffffff\" stroke-width=\"2\"><title>R {r} F {f}: {}, {n} customers</title></rect>\n\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\">{}</text>\n\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{n}</text>\n\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\">{:.1}%</text>",
                segment_colour(segment),
                segment.label(),
                x + CELL_W / 2,
                y + 15,
                segment.label(),
                x + CELL_W / 2,
                y + 33,
                x + CELL_W / 2,
                y + 49,
                n as f64 * 100.0 / total
            );
        }
    }
    for f in 1..=5u32 {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">F {f}</text>",
            LEFT + (f - 1) * CELL_W + CELL_W / 2,
            TOP + 5 * CELL_H + 18
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">frequency score (5: most orders) / recency score (5: most recent)</text>",
        LEFT + 5 * CELL_W / 2,
        TOP + 5 * CELL_H + 38
    );
    for (i, (segment, n, spend)) in table.segments().into_iter().enumerate() {
        let y = TOP + i as u32 * 24;
        let _ = writeln!(
            out,
            "<rect x=\"{legend_x}\" y=\"{y}\" width=\"14\" height=\"14\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\">{}: {n} customers, {} {}</text>",
            segment_colour(segment),
            legend_x + 20,
            y + 11,
            segment.label(),
            format_ten_thousandths(spend),
            table.currency
        );
    }
    out.push_str("</svg>\n");
    out
}

/// One affinity to draw in [`affinity_bars`], with its products named.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AffinityBar<'a> {
    /// The product bought first or alongside.
    pub from: &'a str,
    /// The product it points to.
    pub to: &'a str,
    /// Together (same order) or later (a later order of the same customer).
    pub kind: AffinityKind,
    /// Orders (together) or customers (later) with both.
    pub support: u32,
    /// `P(to | from)`, 0 to 1.
    pub confidence: f64,
    /// Confidence over `to`'s share of all orders (customers).
    pub lift: f64,
}

/// The strongest affinities as horizontal bars, one row each in the order
/// given: `from → to`, a bar as long as the confidence (0 to 100%), and the
/// kind, support and lift written beside it. An empty list draws a note
/// saying there is none.
///
/// ```
/// use ciclo::analytics::affinity::AffinityKind;
/// use ciclo::analytics::svg::{affinity_bars, AffinityBar};
/// let svg = affinity_bars(
///     &[AffinityBar { from: "mate", to: "yerba <1kg>", kind: AffinityKind::Together,
///                     support: 57, confidence: 0.41, lift: 3.2 }],
///     "Top affinities",
/// );
/// assert!(svg.contains("mate → yerba &lt;1kg&gt;"));
/// assert!(svg.contains("together in 57 orders, confidence 41.0%, lift 3.2"));
/// ```
pub fn affinity_bars(bars: &[AffinityBar<'_>], title: &str) -> String {
    const LEFT: u32 = 10;
    const LABEL_W: u32 = 300;
    const BAR_W: u32 = 300;
    const ROW_H: u32 = 22;
    const TOP: u32 = 40;
    let width = LEFT + LABEL_W + BAR_W + 320;
    let height = TOP + ROW_H * (bars.len().max(1) as u32) + 30;
    let mut out = String::with_capacity(1_024 + bars.len() * 400);
    svg_open(&mut out, width, height, title);
    if bars.is_empty() {
        let _ = writeln!(
            out,
            "<text x=\"{LEFT}\" y=\"{}\">No affinity reaches the minimum support.</text>",
            TOP + 14
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + i as u32 * ROW_H;
        let share = bar.confidence.clamp(0.0, 1.0);
        let length = (share * f64::from(BAR_W)).round().max(1.0);
        let (kind, unit) = match bar.kind {
            AffinityKind::Together => ("together in", "orders"),
            AffinityKind::Later => ("later, by", "customers"),
        };
        let label = format!(
            "{} → {}",
            crate::model::time::clip(bar.from),
            crate::model::time::clip(bar.to)
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n\
             <rect x=\"{}\" y=\"{}\" width=\"{length}\" height=\"{}\" fill=\"{}\">\
             <title>{}: confidence {:.1}%</title></rect>\n\
             <text x=\"{}\" y=\"{}\">{kind} {} {unit}, confidence {:.1}%, lift {:.1}</text>",
            LEFT + LABEL_W - 6,
            y + 15,
            escape(&label),
            LEFT + LABEL_W,
            y + 4,
            ROW_H - 6,
            blue(0.35 + 0.65 * share),
            escape(&label),
            share * 100.0,
            LEFT + LABEL_W + length as u32 + 6,
            y + 15,
            bar.support,
            share * 100.0,
            bar.lift
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\">bar: confidence, the share of the first product's orders \
         (buyers) that hold (went on to buy) the second; lift: that over the second's share</text>",
        LEFT,
        height - 10
    );
    out.push_str("</svg>\n");
    out
}

/// What the HTML report shows.
#[derive(Clone, Debug)]
pub struct Report<'a> {
    /// The heading.
    pub title: &'a str,
    /// Lines of context under the heading, as label and value (file, as-of
    /// date, lines read, guests skipped, ...).
    pub facts: &'a [(String, String)],
    /// The cohorts.
    pub cohorts: &'a Cohorts,
    /// The RFM tables, one per currency.
    pub rfm: &'a [RfmTable],
    /// Hook for the product-affinity section: an HTML fragment (such as an
    /// SVG of the top affinities) placed in the section with id
    /// `top-affinities`; `None` leaves the section out.
    pub top_affinities: Option<&'a str>,
}

/// The report as one self-contained HTML page: the facts, the cohort heat
/// map, the monthly activity table (churn, reactivation), each currency's
/// RFM grid and segment table, and the top affinities when given. No
/// scripts, no external files.
///
/// ```
/// use ciclo::analytics::cohorts::Cohorts;
/// use ciclo::analytics::svg::{report_html, Report};
/// let html = report_html(&Report {
///     title: "Sales <2010>",
///     facts: &[("as of".into(), "2010-12-10".into())],
///     cohorts: &Cohorts::default(),
///     rfm: &[],
///     top_affinities: None,
/// });
/// assert!(html.contains("<h1>Sales &lt;2010&gt;</h1>"));
/// assert!(!html.contains("top-affinities"));
/// ```
pub fn report_html(report: &Report<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>\n\
         body {{ font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #1a1a1a; }}\n\
         table {{ border-collapse: collapse; margin: 1em 0; }}\n\
         td, th {{ border: 1px solid #ccc; padding: 3px 8px; text-align: right; }}\n\
         th:first-child, td:first-child {{ text-align: left; }}\n\
         svg {{ max-width: 100%; height: auto; }}\n\
         </style>\n</head>\n<body>\n<h1>{}</h1>\n<table>\n",
        escape(report.title),
        escape(report.title)
    );
    for (label, value) in report.facts {
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(label),
            escape(value)
        );
    }
    out.push_str("</table>\n<section id=\"cohorts\">\n<h2>Cohorts</h2>\n");
    out.push_str(
        "<p>Each row is the customers whose first purchase fell in that month; each \
         column, the share of them buying again k months later.</p>\n",
    );
    out.push_str(&cohort_heatmap(
        report.cohorts,
        "Retention by acquisition month",
    ));
    out.push_str(
        "<h3>Month by month</h3>\n<table>\n<tr><th>month</th><th>active</th><th>new</th>\
         <th>retained</th><th>reactivated</th><th>churned</th><th>churn rate</th></tr>\n",
    );
    let mut before = 0;
    for a in &report.cohorts.activity {
        let rate = if before > 0 {
            format!("{:.1}%", a.churned as f64 * 100.0 / before as f64)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{rate}</td></tr>",
            a.month, a.active, a.new, a.retained, a.reactivated, a.churned
        );
        before = a.active;
    }
    out.push_str("</table>\n<p>Churned: bought the month before, not this month; churn rate: churned over the month before's active customers.</p>\n</section>\n");
    out.push_str("<section id=\"rfm\">\n<h2>RFM</h2>\n");
    if report.rfm.is_empty() {
        out.push_str("<p>No purchases before the as-of date.</p>\n");
    }
    for table in report.rfm {
        let title = format!(
            "RFM grid ({}, {} customers)",
            table.currency,
            table.rows.len()
        );
        let _ = writeln!(out, "<h3>{}</h3>", escape(&title));
        out.push_str(&rfm_grid(table, &title));
        out.push_str("<table>\n<tr><th>segment</th><th>customers</th><th>spend</th></tr>\n");
        for (segment, n, spend) in table.segments() {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{n}</td><td>{} {}</td></tr>",
                segment.label(),
                format_ten_thousandths(spend),
                table.currency
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</section>\n");
    // Hook: the top product affinities (the affinity branch fills it in).
    if let Some(fragment) = report.top_affinities {
        out.push_str("<section id=\"top-affinities\">\n<h2>Top affinities</h2>\n");
        out.push_str(fragment);
        out.push_str("\n</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_run_from_white_to_blue() {
        assert_eq!(blue(0.0), "#f7fbff");
        assert_eq!(blue(1.0), "#08306b");
        assert_eq!(blue(7.0), "#08306b");
    }

    #[test]
    fn control_characters_are_dropped_from_xml() {
        assert_eq!(escape("a\u{1}b\tc"), "a b\tc");
    }
}
