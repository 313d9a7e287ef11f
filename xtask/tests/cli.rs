//! The command line itself (clap): unknown flags and extra arguments are usage errors (exit status
//! 2, with the command's usage), and every command has `--help`. Nothing here regenerates: a usage
//! error must stop before any work.

use std::process::{Command, Output};

mod support;
use support::real_root;

/// Every command, as `cargo xtask help` lists it.
const COMMANDS: &[&str] = &[
    "regen",
    "add-version",
    "pin",
    "diff",
    "normalize",
    "upstream",
];

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(real_root())
        .env_remove("CARGO_MANIFEST_DIR")
        // Point `upstream` at a closed port, should a test reach it.
        .env("GITHUB_API_URL", "http://127.0.0.1:9")
        .output()
        .expect("run xtask")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a usage error: status 2, nothing on stdout, the message, the command's usage (when
/// `usage` is not empty; clap leaves it out after an invalid value) and the hint on stderr.
fn assert_usage_error(args: &[&str], message: &str, usage: &str) {
    let out = xtask(args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}\n{stderr}");
    assert!(
        out.stdout.is_empty(),
        "{args:?} printed: {}",
        text(&out.stdout)
    );
    assert!(stderr.contains(message), "{args:?}: {stderr}");
    assert!(
        usage.is_empty() || stderr.contains(&format!("Usage: {usage}")),
        "{args:?}: {stderr}"
    );
    assert!(
        stderr.contains("For more information, try '--help'."),
        "{args:?}: {stderr}"
    );
}

#[test]
fn a_misspelled_flag_is_a_usage_error_not_a_regeneration() {
    assert_usage_error(
        &["regen", "--chek"],
        "unexpected argument '--chek' found",
        "cargo xtask regen",
    );
    // clap suggests the right flag.
    assert!(text(&xtask(&["regen", "--chek"]).stderr).contains("'--check'"));
}

#[test]
fn an_extra_positional_is_a_usage_error() {
    assert_usage_error(
        &["regen", "extra"],
        "unexpected argument 'extra' found",
        "cargo xtask regen",
    );
    assert_usage_error(
        &["regen", "--check", "extra"],
        "unexpected argument 'extra' found",
        "cargo xtask regen",
    );
    assert_usage_error(
        &["diff", "2.10", "2.11", "2.12"],
        "unexpected argument '2.12' found",
        "cargo xtask diff",
    );
    assert_usage_error(
        &["normalize", "2.10", "2.11"],
        "unexpected argument '2.11' found",
        "cargo xtask normalize",
    );
    assert_usage_error(
        &["upstream", "2.11"],
        "unexpected argument '2.11' found",
        "cargo xtask upstream",
    );
}

#[test]
fn other_usage_errors() {
    // No command: the whole help, on stderr, status 2.
    let out = xtask(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("Usage: cargo xtask <COMMAND>"));
    assert_usage_error(&["regenerate"], "unrecognized subcommand", "cargo xtask");
    assert_usage_error(
        &["diff", "2.10"],
        "required arguments were not provided",
        "cargo xtask diff",
    );
    assert_usage_error(
        &["diff", "2.10", "2.11", "--format", "yaml"],
        "invalid value 'yaml' for '--format <FORMAT>'",
        "",
    );
    assert_usage_error(
        &["normalize", "2.11", "--lenient-responses", "maybe"],
        "invalid value 'maybe'",
        "",
    );
    assert_usage_error(
        &["add-version", "2.12", "--commit", "a", "--commit", "b"],
        "cannot be used multiple times",
        "cargo xtask add-version",
    );
    assert_usage_error(
        &["add-version", "2.12"],
        "give --from FILE, or --commit SHA",
        "cargo xtask add-version",
    );
    assert_usage_error(&["upstream", "--jsn"], "'--jsn'", "cargo xtask upstream");
    assert_usage_error(
        &["pin", "2.14", "--corrections", "x.yml", "--no-corrections"],
        "cannot be used with",
        "cargo xtask pin",
    );
}

#[test]
fn every_command_has_help() {
    for cmd in COMMANDS {
        for flag in ["--help", "-h"] {
            let out = xtask(&[cmd, flag]);
            let stdout = text(&out.stdout);
            assert!(out.status.success(), "{cmd} {flag}: {}", text(&out.stderr));
            assert!(
                stdout.contains(&format!("Usage: cargo xtask {cmd}")),
                "{cmd} {flag}: {stdout}"
            );
        }
        // `help <cmd>` is the same page as `<cmd> --help`.
        let a = xtask(&["help", cmd]);
        let b = xtask(&[cmd, "--help"]);
        assert!(a.status.success());
        assert_eq!(text(&a.stdout), text(&b.stdout), "help {cmd}");
    }
    let help = |args: &[&str]| text(&xtask(args).stdout);
    assert!(help(&["regen", "--help"]).contains("--check"));
    let pin = help(&["pin", "--help"]);
    assert!(
        pin.contains("--from <FILE>") && pin.contains("--commit <SHA>"),
        "{pin}"
    );
    for cmd in ["pin", "add-version"] {
        let page = help(&[cmd, "--help"]);
        assert!(
            page.contains("--corrections <FILE>") && page.contains("--no-corrections"),
            "{cmd}: {page}"
        );
    }
    let diff = help(&["diff", "--help"]);
    assert!(
        diff.contains("- markdown: Markdown, shortened to fit a GitHub comment"),
        "{diff}"
    );
    let short = help(&["diff", "-h"]);
    assert!(
        short.contains("[possible values: text, markdown, json]"),
        "{short}"
    );
    assert!(diff.contains("<git-rev>:<version>"), "{diff}");
    assert!(
        diff.contains("cargo xtask diff 2.14-corrections 2.14") && diff.contains("+corrections"),
        "{diff}"
    );
    let upstream = help(&["upstream", "--help"]);
    assert!(
        upstream.contains("--json") && upstream.contains("GITHUB_API_URL"),
        "{upstream}"
    );
}

#[test]
fn top_level_help_lists_every_command_and_the_workflows() {
    for args in [&["--help"][..], &["help"], &["-h"]] {
        let out = xtask(args);
        assert!(out.status.success(), "{args:?}");
        let stdout = text(&out.stdout);
        for cmd in COMMANDS {
            assert!(
                stdout.contains(&format!("\n  {cmd} ")),
                "{args:?}: {cmd}\n{stdout}"
            );
        }
        assert!(stdout.contains("spec-pr.yml") && stdout.contains("spec-update.yml"));
    }
}
