//! Small named steps (issue 21, point 5): the generator's functions stay short.
//!
//! Reads every `.rs` file of `codegen/src` with `syn` and measures each function (free functions,
//! methods of `impl` blocks and traits, functions of inline modules) from its signature's first
//! line to its closing brace. Prints `long function: <file>:<line> <name> <n> lines` for each one
//! over the limit and `functions over 80 lines: <n>` for the whole tree.
//!
//! Fails when any function of `codegen/src` is over the limit.

use std::path::{Path, PathBuf};

/// The longest a function may be, in lines.
const LIMIT: usize = 80;

fn progress(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read codegen/src") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A function's name, first line and length in lines.
struct Function {
    name: String,
    line: usize,
    lines: usize,
}

fn measure(name: String, sig: &syn::Signature, block: &syn::Block) -> Function {
    let start = sig.fn_token.span.start().line;
    let end = block.brace_token.span.close().end().line;
    Function {
        name,
        line: start,
        lines: end + 1 - start,
    }
}

fn collect(items: &[syn::Item], prefix: &str, out: &mut Vec<Function>) {
    for item in items {
        match item {
            syn::Item::Fn(f) => out.push(measure(
                format!("{prefix}{}", f.sig.ident),
                &f.sig,
                &f.block,
            )),
            syn::Item::Impl(i) => {
                for ii in &i.items {
                    if let syn::ImplItem::Fn(f) = ii {
                        out.push(measure(
                            format!("{prefix}{}", f.sig.ident),
                            &f.sig,
                            &f.block,
                        ));
                    }
                }
            }
            syn::Item::Trait(t) => {
                for ti in &t.items {
                    if let syn::TraitItem::Fn(syn::TraitItemFn {
                        sig,
                        default: Some(block),
                        ..
                    }) = ti
                    {
                        out.push(measure(format!("{prefix}{}", sig.ident), sig, block));
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect(inner, &format!("{prefix}{}::", m.ident), out);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn functions_over_80_lines() {
    let root = src();
    let mut total = 0;
    let mut long = Vec::new();
    for path in rust_files(&root) {
        let rel = path
            .strip_prefix(&root)
            .expect("below src")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path).expect("read source");
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let mut functions = Vec::new();
        collect(&file.items, "", &mut functions);
        for f in functions.iter().filter(|f| f.lines > LIMIT) {
            progress(&format!(
                "long function: {rel}:{} {} {} lines",
                f.line, f.name, f.lines
            ));
            total += 1;
            long.push(format!("{rel}:{} {} ({} lines)", f.line, f.name, f.lines));
        }
    }
    progress(&format!("functions over {LIMIT} lines: {total}"));
    assert!(
        long.is_empty(),
        "functions over {LIMIT} lines in codegen/src (split them into named steps): {long:#?}"
    );
}

/// The measure itself: a function's length counts from `fn` to its closing brace.
#[test]
fn measure_counts_signature_to_closing_brace() {
    let text = "fn short() {}\n\nimpl X {\n    /// doc\n    fn two(\n        a: u8,\n    ) {\n        let _ = a;\n    }\n}\nmod m {\n    fn inner() {\n    }\n}\n";
    let file = syn::parse_file(text).expect("parse");
    let mut functions = Vec::new();
    collect(&file.items, "", &mut functions);
    let got: Vec<(String, usize, usize)> = functions
        .into_iter()
        .map(|f| (f.name, f.line, f.lines))
        .collect();
    assert_eq!(
        got,
        vec![
            ("short".into(), 1, 1),
            ("two".into(), 5, 5),
            ("m::inner".into(), 12, 2)
        ]
    );
}
