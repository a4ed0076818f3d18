//! The committed snapshots of the C ABI under `abi/`: the dynamic symbols of
//! `libciclo.so` (checked by `tests/c_example.rs`) and the declarations of
//! `include/ciclo.h` (checked by `tests/header.rs`).
//!
//! A snapshot records the `CICLO_ABI_VERSION` it was taken at and one entry a
//! line, sorted by name (`name` or `name: declaration`), so that two branches
//! that each add entries merge without conflict. The check:
//!
//! - the same entries and version: passes;
//! - an entry removed or altered while `CICLO_ABI_VERSION` is the snapshot's:
//!   fails, even with `CICLO_BLESS=1` (a host built against the snapshot would
//!   break): restore it, or raise `CICLO_ABI_VERSION` in `src/ffi/version.rs`
//!   (which renames the soname too) and bless;
//! - entries added, or `CICLO_ABI_VERSION` raised: fails until blessed with
//!   [`BLESS`], which rewrites the snapshot.
#![allow(dead_code)] // each test crate uses its own part

use std::collections::BTreeMap;
use std::path::PathBuf;

use ciclo::ffi::version::CICLO_ABI_VERSION;

/// The command that rewrites every snapshot of the C ABI.
pub const BLESS: &str =
    "CICLO_BLESS=1 INSTA_UPDATE=always cargo test --test header --test c_example";

/// What comparing a snapshot with the current ABI decides.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// The snapshot is current.
    Same,
    /// Blessing rewrites the snapshot; the changes, listed.
    Rewrite(String),
    /// The test fails with this message.
    Fail(String),
}

/// Compares `current` (name to text; the text is empty for symbols) with the
/// snapshot text `saved` of `abi/<file>` for the ABI version `abi`, blessing
/// or not. `what` names the entries in messages.
pub fn compare(
    file: &str,
    what: &str,
    saved: &str,
    current: &BTreeMap<String, String>,
    abi: u32,
    bless: bool,
) -> Verdict {
    let (version, saved) = parse(saved);
    let shown = |name: &String, text: &String| {
        if text.is_empty() {
            name.clone()
        } else {
            text.clone()
        }
    };
    let removed: Vec<String> = saved
        .iter()
        .filter(|(name, _)| !current.contains_key(*name))
        .map(|(name, text)| shown(name, text))
        .collect();
    let altered: Vec<String> = saved
        .iter()
        .filter_map(|(name, old)| {
            let new = current.get(name)?;
            (new != old).then(|| format!("{old}\n    now: {new}"))
        })
        .collect();
    let added: Vec<String> = current
        .iter()
        .filter(|(name, _)| !saved.contains_key(*name))
        .map(|(name, text)| shown(name, text))
        .collect();
    let list = |label: &str, items: &[String]| {
        if items.is_empty() {
            String::new()
        } else {
            format!("\n  {label}:\n    {}", items.join("\n    "))
        }
    };
    let changes = format!(
        "{}{}{}",
        list("removed", &removed),
        list("altered", &altered),
        list("added", &added)
    );
    let same = removed.is_empty() && altered.is_empty() && added.is_empty();
    if same && version == Some(abi) {
        return Verdict::Same;
    }
    if let Some(saved) = version.filter(|&v| v > abi) {
        return Verdict::Fail(format!(
            "abi/{file} was taken at CICLO_ABI_VERSION {saved}, but CICLO_ABI_VERSION is \
             {abi}: the ABI version only goes up"
        ));
    }
    let breaks = !removed.is_empty() || !altered.is_empty();
    let raised = version.is_some_and(|v| v < abi);
    if breaks && !raised {
        return Verdict::Fail(format!(
            "{what} changed incompatibly since abi/{file} (CICLO_ABI_VERSION {abi}); \
             a host built against it would break:{changes}\n\
             Restore them, or raise CICLO_ABI_VERSION in src/ffi/version.rs (a breaking \
             change: the soname changes with it) and run `{BLESS}`."
        ));
    }
    if bless {
        return Verdict::Rewrite(changes);
    }
    let why = match version {
        None => "there is no snapshot".to_string(),
        Some(v) if v < abi => format!("CICLO_ABI_VERSION was raised from {v} to {abi}"),
        Some(_) => "additions only".to_string(),
    };
    Verdict::Fail(format!(
        "abi/{file} is out of date ({why}):{changes}\n\
         Run `{BLESS}` and commit abi/."
    ))
}

/// The text of a snapshot: `about` as a comment, the version, the entries.
pub fn render(about: &str, current: &BTreeMap<String, String>, abi: u32) -> String {
    let mut out = String::new();
    for line in about.lines() {
        out.push_str(&format!("# {line}\n"));
    }
    out.push_str(&format!(
        "#\n# A removed or altered entry fails tests/c_example.rs or tests/header.rs unless\n\
         # CICLO_ABI_VERSION (src/ffi/version.rs) is raised; after adding to the C ABI, or\n\
         # raising its version, rewrite this file with\n#   {BLESS}\n\
         abi_version {abi}\n"
    ));
    for (name, text) in current {
        if text.is_empty() {
            out.push_str(&format!("{name}\n"));
        } else {
            out.push_str(&format!("{name}: {text}\n"));
        }
    }
    out
}

/// Checks `current` against the snapshot `abi/<file>` for this crate's
/// `CICLO_ABI_VERSION`, rewriting it under `CICLO_BLESS` when that hides no
/// break, failing otherwise. `what` names the entries in messages; `about`
/// describes them at the top of the file.
pub fn check(file: &str, what: &str, about: &str, current: &BTreeMap<String, String>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("abi")
        .join(file);
    let saved = std::fs::read_to_string(&path).unwrap_or_default();
    let bless = std::env::var_os("CICLO_BLESS").is_some();
    let text = render(about, current, CICLO_ABI_VERSION);
    match compare(file, what, &saved, current, CICLO_ABI_VERSION, bless) {
        // The entries are current; blessing still refreshes the comment.
        Verdict::Same if bless && saved != text => std::fs::write(&path, text).unwrap(),
        Verdict::Same => {}
        Verdict::Rewrite(changes) => {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            eprintln!("abi/{file} rewritten:{changes}");
        }
        Verdict::Fail(message) => panic!("{message}"),
    }
}

/// The version and entries of a snapshot file (empty when there is none).
fn parse(text: &str) -> (Option<u32>, BTreeMap<String, String>) {
    let mut version = None;
    let mut entries = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(v) = line.strip_prefix("abi_version ") {
            version = Some(
                v.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("abi_version {v}: not a number")),
            );
            continue;
        }
        let (name, text) = line.split_once(": ").unwrap_or((line, ""));
        entries.insert(name.to_string(), text.to_string());
    }
    (version, entries)
}

/// The declarations of a C header, by name, each on one line with its
/// whitespace collapsed: functions and function-pointer types without their
/// parameter names (renaming a parameter breaks no host), types (structs with
/// their fields, in order), and the `#define`d constants other than the
/// include guard and the version macros (which change with every release; the
/// snapshot records `CICLO_ABI_VERSION` itself).
pub fn declarations(header: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut body = String::new();
    for line in strip_comments(header).lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("#define ") {
            let mut parts = rest.split_whitespace();
            let name = parts.next().unwrap_or_default();
            let value: Vec<&str> = parts.collect();
            let versioned = name == "CICLO_ABI_VERSION" || name.starts_with("CICLO_VERSION_");
            if !value.is_empty() && !versioned {
                let text = format!("#define {name} {}", value.join(" "));
                out.insert(name.to_string(), text);
            }
        } else if !line.starts_with('#') && line != "extern \"C\" {" {
            body.push_str(line);
            body.push(' ');
        }
    }
    // Statements end at a `;` outside braces; a `}` that closes no `{` is the
    // end of the `extern "C"` block.
    let mut depth = 0usize;
    let mut statement = String::new();
    for c in body.chars() {
        match c {
            '{' => {
                depth += 1;
                statement.push(c);
            }
            '}' if depth == 0 => {}
            '}' => {
                depth -= 1;
                statement.push(c);
            }
            ';' if depth == 0 => {
                let (name, text) = declaration(&statement);
                assert!(
                    out.insert(name.clone(), text).is_none(),
                    "`{name}` is declared twice"
                );
                statement.clear();
            }
            _ => statement.push(c),
        }
    }
    assert!(
        statement.trim().is_empty(),
        "unterminated declaration: {statement}"
    );
    out
}

/// One statement's name and normal form (ending with `;`).
fn declaration(statement: &str) -> (String, String) {
    let text = statement.split_whitespace().collect::<Vec<_>>().join(" ");
    let ident = |s: &str| -> String {
        s.trim_end()
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    };
    let name = if let Some((_, rest)) = text.split_once("(*") {
        // A function-pointer type: `typedef void (*name)(...)`.
        rest.split(')').next().unwrap_or_default().to_string()
    } else if text.starts_with("typedef ") {
        ident(&text)
    } else if let Some((head, _)) = text.split_once('(') {
        ident(head)
    } else {
        panic!("not a declaration the snapshot knows: {text}");
    };
    assert!(!name.is_empty(), "no name in: {text}");
    let text = match (text.rfind('('), text.ends_with(')')) {
        (Some(open), true) if !text.contains('{') => {
            let params: Vec<String> = text[open + 1..text.len() - 1]
                .split(',')
                .map(|p| unnamed(p.trim()))
                .collect();
            format!("{}({});", &text[..open], params.join(", "))
        }
        _ => format!("{text};"),
    };
    (name, text)
}

/// A parameter without its name: `const char *name` is `const char *`,
/// `size_t len` is `size_t`, `void` stays.
fn unnamed(param: &str) -> String {
    let name_len = param
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .count();
    let ty = param[..param.len() - name_len].trim_end();
    if param == "void" || ty.is_empty() || param.contains('(') {
        param.to_string()
    } else {
        ty.to_string()
    }
}

/// The text without `/* */` and `//` comments.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let block = rest.find("/*").unwrap_or(rest.len());
        let line = rest.find("//").unwrap_or(rest.len());
        let start = block.min(line);
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest.is_empty() {
            break;
        }
        // After a block comment, what follows its `*/`; after a line comment,
        // its newline.
        let (close, skip) = if block < line { ("*/", 2) } else { ("\n", 0) };
        rest = rest[2..]
            .find(close)
            .map_or("", |end| &rest[2 + end + skip..]);
    }
    out
}
