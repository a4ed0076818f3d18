//! Where results go: where `--out` says, or next to the input.

use std::path::{Path, PathBuf};

/// `explicit` if given, else the input's directory and file stem with `suffix`
/// (`data/summary.csv` and `.predictions.csv` give `data/summary.predictions.csv`).
/// Refuses a path that is the input itself.
pub fn path(input: &Path, explicit: Option<&Path>, suffix: &str) -> Result<PathBuf, String> {
    let out = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let stem = input
                .file_stem()
                .map_or_else(|| "input".into(), |s| s.to_string_lossy());
            input.with_file_name(format!("{stem}{suffix}"))
        }
    };
    let same = match (input.canonicalize(), out.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(format!(
            "{}: the output would overwrite the input; give another --out",
            out.display()
        ));
    }
    Ok(out)
}

/// Refuses two outputs that name the same file (`out.csv` and `./out.csv` too,
/// whether or not it exists yet): the second would silently replace the first.
/// `outputs` are (option, path) pairs, such as `("--golden", path)`.
pub fn distinct(outputs: &[(&str, &Path)]) -> Result<(), String> {
    for (i, (a_name, a)) in outputs.iter().enumerate() {
        for (b_name, b) in &outputs[i + 1..] {
            if same_file(a, b) {
                return Err(format!(
                    "{a_name} and {b_name} both name {}: the second would overwrite the first",
                    b.display()
                ));
            }
        }
    }
    Ok(())
}

/// Whether two paths name the same file: the existing directory resolved, the
/// file name compared (the file itself may not exist yet).
fn same_file(a: &Path, b: &Path) -> bool {
    let resolve = |p: &Path| -> Option<PathBuf> {
        if let Ok(full) = p.canonicalize() {
            return Some(full);
        }
        let name = p.file_name()?;
        let dir = match p.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        Some(dir.canonicalize().ok()?.join(name))
    };
    match (resolve(a), resolve(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// A CSV field, quoted when it needs to be.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_next_to_the_input() {
        let out = path(Path::new("data/summary.csv"), None, ".predictions.csv").unwrap();
        assert_eq!(out, Path::new("data/summary.predictions.csv"));
        let out = path(Path::new("summary"), None, ".predictions.csv").unwrap();
        assert_eq!(out, Path::new("summary.predictions.csv"));
        let given = Path::new("/tmp/p.csv");
        assert_eq!(path(Path::new("a.csv"), Some(given), ".x").unwrap(), given);
    }

    #[test]
    fn refuses_to_overwrite_the_input() {
        let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let error = path(&input, Some(&input), ".x").unwrap_err();
        assert!(error.contains("would overwrite the input"), "{error}");
    }

    #[test]
    fn refuses_two_outputs_naming_one_file() {
        let dir = std::env::temp_dir();
        let a = dir.join("not-yet.csv");
        let b = dir.join(".").join("not-yet.csv");
        let error = distinct(&[("--out", &a), ("--golden", &b)]).unwrap_err();
        assert!(error.contains("--out and --golden both name"), "{error}");
        let c = dir.join("other.csv");
        assert!(distinct(&[("--out", &a), ("--review", &c)]).is_ok());
    }

    #[test]
    fn quotes_csv_fields_that_need_it() {
        assert_eq!(csv_field("a"), "a");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
