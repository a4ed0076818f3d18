//! Pictures a manager reads: the stage model as a Mermaid flowchart or a
//! Graphviz DOT graph (stages, and the rules' names on the arrows), and a
//! funnel as a standalone SVG that any browser shows without a tool.
//!
//! Pure string builders: every name from the model (stage and rule names are
//! the host's text) is escaped for the language it lands in.
//!
//! ```
//! use ciclo::analytics::diagram;
//! use ciclo::StageModel;
//!
//! let model = StageModel::six_stage();
//! let mermaid = diagram::stage_model_mermaid(&model);
//! assert!(mermaid.starts_with("flowchart LR\n"));
//! assert!(mermaid.contains(r#"s2 -->|"cross_sell, repeat_purchase"| s3"#));
//! let dot = diagram::stage_model_dot(&model);
//! assert!(dot.contains(r#"s5 -> s2 [label="win_back", style=dashed];"#));
//! ```

use std::fmt::Write;

use crate::analytics::funnel::{stage_pairs, Durations, Funnel};
use crate::lifecycle::{StageId, StageModel};

/// A diagram language for the stage model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagramFormat {
    /// Mermaid flowchart (`flowchart LR`): renders in GitHub, GitLab and
    /// most wikis.
    Mermaid,
    /// Graphviz DOT (`digraph`): `dot -Tsvg model.dot > model.svg`.
    Dot,
}

impl DiagramFormat {
    /// `mermaid` or `dot`.
    pub fn from_name(name: &str) -> Option<DiagramFormat> {
        match name {
            "mermaid" => Some(DiagramFormat::Mermaid),
            "dot" => Some(DiagramFormat::Dot),
            _ => None,
        }
    }
}

/// The stage model in `format`.
pub fn stage_model(model: &StageModel, format: DiagramFormat) -> String {
    match format {
        DiagramFormat::Mermaid => stage_model_mermaid(model),
        DiagramFormat::Dot => stage_model_dot(model),
    }
}

/// The model's arrows: every pair of stages some rule connects, with the
/// rules' names joined by `, `, and whether the move is backward.
fn arrows(model: &StageModel) -> Vec<(StageId, StageId, String, bool)> {
    stage_pairs(model)
        .into_iter()
        .filter(|(_, _, rules)| !rules.is_empty())
        .map(|(from, to, rules)| {
            let names: Vec<&str> = rules.iter().map(|r| model.rule(*r).name.as_str()).collect();
            (from, to, names.join(", "), to < from)
        })
        .collect()
}

/// Text for a Mermaid label in double quotes: quotes, `#`, `<`, `>` and `&`
/// as Mermaid's entity codes, line breaks as spaces.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The stage model as a Mermaid flowchart, left to right: one node per
/// stage (`s0`, `s1`, ... in the model's order, the initial stage drawn as a
/// stadium), one arrow per pair of stages some rule connects, labelled with
/// the rules' names; backward moves dotted.
pub fn stage_model_mermaid(model: &StageModel) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, name) in model.stages().iter().enumerate() {
        let (open, close) = if i == model.initial().index() {
            ("([", "])")
        } else {
            ("[", "]")
        };
        let _ = writeln!(out, "    s{i}{open}\"{}\"{close}", mermaid_text(name));
    }
    for (from, to, label, backward) in arrows(model) {
        let arrow = if backward { "-.->" } else { "-->" };
        let _ = writeln!(
            out,
            "    s{} {arrow}|\"{}\"| s{}",
            from.index(),
            mermaid_text(&label),
            to.index()
        );
    }
    out
}

/// Text inside a DOT double-quoted string.
fn dot_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The stage model as a Graphviz DOT digraph, left to right: one node per
/// stage (`s0`, `s1`, ..., labelled with the stage's name; the initial stage
/// bold), one edge per pair of stages some rule connects, labelled with the
/// rules' names; backward moves dashed.
pub fn stage_model_dot(model: &StageModel) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", dot_text(model.name()));
    out.push_str("    rankdir=LR;\n");
    out.push_str("    node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    out.push_str("    edge [fontname=\"Helvetica\", fontsize=10];\n");
    for (i, name) in model.stages().iter().enumerate() {
        let bold = if i == model.initial().index() {
            ", style=\"rounded,bold\""
        } else {
            ""
        };
        let _ = writeln!(out, "    s{i} [label=\"{}\"{bold}];", dot_text(name));
    }
    for (from, to, label, backward) in arrows(model) {
        let style = if backward { ", style=dashed" } else { "" };
        let _ = writeln!(
            out,
            "    s{} -> s{} [label=\"{}\"{style}];",
            from.index(),
            to.index(),
            dot_text(&label)
        );
    }
    out.push_str("}\n");
    out
}

/// Text for XML character data and attribute values.
pub fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 refuses most control characters, even escaped.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_string(), |r| format!("{:.1}%", r * 100.0))
}

fn days(d: &Durations) -> String {
    match (d.median_days, d.p90_days) {
        (Some(m), Some(p)) => format!("median {m:.1} d, p90 {p:.1} d"),
        _ => "no time measured".to_string(),
    }
}

/// A funnel as a standalone SVG document (UTF-8, no script, no external
/// font or style): one horizontal bar per stage in the model's order, as
/// long as the customers who entered it in the period, with the count, and
/// between consecutive stages the conversion rate and the median and 90th
/// percentile of the time to convert.
pub fn funnel_svg(model: &StageModel, funnel: &Funnel) -> String {
    const WIDTH: usize = 760;
    const LEFT: usize = 170;
    const BAR_MAX: f64 = 420.0;
    const ROW: usize = 64;
    const TOP: usize = 84;
    let rows = funnel.stages.len();
    let height = TOP + rows * ROW + 40;
    let max = funnel
        .stages
        .iter()
        .map(|s| s.entered)
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    svg.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"Helvetica, Arial, sans-serif\">"
    );
    let title = format!(
        "Funnel of {}: {} to {}",
        model.name(),
        funnel.period.from,
        funnel.period.to
    );
    let _ = writeln!(svg, "  <title>{}</title>", xml_text(&title));
    let _ = writeln!(
        svg,
        "  <rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{height}\" fill=\"#ffffff\"/>"
    );
    let _ = writeln!(
        svg,
        "  <text x=\"20\" y=\"30\" font-size=\"18\" font-weight=\"bold\" fill=\"#222222\">{}</text>",
        xml_text(&title)
    );
    for (y, line) in [
        (
            52,
            format!(
                "Customers entering each stage in the period ({} customers counted).",
                funnel.customers
            ),
        ),
        (
            68,
            "Conversion: the share of those entering a stage who later entered the next."
                .to_string(),
        ),
    ] {
        let _ = writeln!(
            svg,
            "  <text x=\"20\" y=\"{y}\" font-size=\"12\" fill=\"#555555\">{}</text>",
            xml_text(&line)
        );
    }
    for (i, stage) in funnel.stages.iter().enumerate() {
        let y = TOP + i * ROW;
        let width = (stage.entered as f64 / max as f64 * BAR_MAX).round();
        let name = model.stage_name(stage.stage);
        let _ = writeln!(
            svg,
            "  <text x=\"{}\" y=\"{}\" font-size=\"14\" text-anchor=\"end\" fill=\"#222222\">{}</text>",
            LEFT - 10,
            y + 27,
            xml_text(name)
        );
        let _ = writeln!(
            svg,
            "  <rect x=\"{LEFT}\" y=\"{}\" width=\"{width}\" height=\"32\" rx=\"3\" fill=\"#3b6ea8\"/>",
            y + 6
        );
        let _ = writeln!(
            svg,
            "  <text x=\"{}\" y=\"{}\" font-size=\"14\" fill=\"#222222\">{}</text>",
            LEFT as f64 + width + 8.0,
            y + 27,
            stage.entered
        );
        if i + 1 < rows {
            let next = &funnel.stages[i + 1];
            if let Some(c) = funnel.conversion(stage.stage, next.stage) {
                let text = format!(
                    "↓ {} converted to {} ({} of {}; {})",
                    percent(c.rate),
                    model.stage_name(next.stage),
                    c.converted,
                    c.entered,
                    days(&c.time_to_convert)
                );
                let _ = writeln!(
                    svg,
                    "  <text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#666666\">{}</text>",
                    LEFT + 4,
                    y + 55,
                    xml_text(&text)
                );
            }
        }
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_every_language() {
        assert_eq!(
            mermaid_text("a\"b#<c>&|d\n"),
            "a#quot;b#35;#lt;c#gt;#amp;#124;d "
        );
        assert_eq!(dot_text("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(
            xml_text("<a & 'b' \"c\">\u{1}"),
            "&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt; "
        );
    }
}
