//! Collects the marked regions of Lanes' own source for the lessons' "the Rust that runs" panels, so the code a
//! lesson shows is the code that runs and cannot drift from it.
//!
//! A region starts at a line `// lesson-code: <name> …` and ends at `// lesson-code-end: <name>`; the lines
//! between them, dedented, become `(name, file, code)` in `$OUT_DIR/lesson_code.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs, io};

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, files)?;
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

/// The regions of one file, as `(name, code)`.
fn regions(source: &str) -> Result<Vec<(String, String)>, String> {
    let mut found = Vec::new();
    let mut open: Option<(String, Vec<&str>)> = None;
    for line in source.lines() {
        let trimmed = line.trim_start();
        // rustfmt may pull an end marker onto the line it follows (`} // lesson-code-end: …`): that line is code.
        if let Some(at) = line.find("// lesson-code-end:") {
            let name = line[at + "// lesson-code-end:".len()..].trim();
            match open.take() {
                Some((open_name, mut lines)) if open_name == name => {
                    let code = line[..at].trim_end();
                    if !code.trim().is_empty() {
                        lines.push(code);
                    }
                    found.push((open_name, dedent(&lines)));
                }
                _ => return Err(format!("`lesson-code-end: {name}` without its start")),
            }
        } else if let Some(rest) = trimmed.strip_prefix("// lesson-code:") {
            if let Some((name, _)) = &open {
                return Err(format!("region `{name}` is still open"));
            }
            let name = rest.split_whitespace().next().unwrap_or_default().to_owned();
            open = Some((name, Vec::new()));
        } else if let Some((_, lines)) = &mut open {
            lines.push(line);
        }
    }
    match open {
        Some((name, _)) => Err(format!("region `{name}` is never closed")),
        None => Ok(found),
    }
}

fn dedent(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut code = String::new();
    for line in lines {
        code.push_str(line.get(indent..).unwrap_or("").trim_end());
        code.push('\n');
    }
    code
}

fn main() -> Result<(), String> {
    // The `split` feature's page module is cut in two after linking (.ci/trunk-post-build.sh, wasm-split-cli), which
    // reads the linker's relocations to find what each part needs.
    if env::var_os("CARGO_FEATURE_SPLIT").is_some()
        && env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32")
    {
        println!("cargo:rustc-cdylib-link-arg=--emit-relocs");
    }
    // The app's source and the kernels crate's (crates/kernels, compiled at full speed on its own).
    let mut files = Vec::new();
    for dir in ["src", "crates/kernels/src"] {
        println!("cargo:rerun-if-changed={dir}");
        rust_files(Path::new(dir), &mut files).map_err(|error| error.to_string())?;
    }
    files.sort();
    let mut generated = String::from("/// `(lesson, file, code)` for every marked region of the source.\n");
    generated.push_str("pub const REGIONS: &[(&str, &str, &str)] = &[\n");
    for file in files {
        let source = fs::read_to_string(&file).map_err(|error| format!("{}: {error}", file.display()))?;
        let shown = file.display().to_string().replace('\\', "/");
        for (name, code) in regions(&source).map_err(|error| format!("{shown}: {error}"))? {
            writeln!(generated, "    ({name:?}, {shown:?}, {code:?}),").map_err(|error| error.to_string())?;
        }
    }
    generated.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|error| error.to_string())?);
    fs::write(out.join("lesson_code.rs"), generated).map_err(|error| error.to_string())
}
