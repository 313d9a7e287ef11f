//! A small command-line parser: positional arguments and `--name VALUE` / `--name=VALUE` options.

use std::collections::BTreeMap;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad command line: the message, then the usage is printed (exit 2).
    Usage(String),
    /// The command failed (exit 1).
    Error(String),
}

impl From<codegen::Error> for Failure {
    fn from(e: codegen::Error) -> Self {
        Failure::Error(e.to_string())
    }
}

/// Parsed arguments of one subcommand.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Positional arguments, in order.
    pub positional: Vec<String>,
    /// Options with a value.
    pub options: BTreeMap<String, String>,
}

impl Parsed {
    /// The value of `--name`, if given.
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options.get(name).map(String::as_str)
    }
}

/// Parses `args`; only the options in `known` are accepted, each takes one value.
pub fn parse(args: &[String], known: &[&str]) -> Result<Parsed, Failure> {
    let mut out = Parsed::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let Some(opt) = a.strip_prefix("--") else {
            out.positional.push(a.clone());
            continue;
        };
        let (name, value) = match opt.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => {
                let v = it
                    .next()
                    .ok_or_else(|| Failure::Usage(format!("--{opt} needs a value")))?;
                (opt.to_string(), v.clone())
            }
        };
        if !known.contains(&name.as_str()) {
            return Err(Failure::Usage(format!("unknown option --{name}")));
        }
        if out.options.insert(name.clone(), value).is_some() {
            return Err(Failure::Usage(format!("--{name} given twice")));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_and_positionals() {
        let p = parse(
            &strings(&["2.10", "--format=json", "2.11", "--fail-on", "breaking"]),
            &["format", "fail-on"],
        )
        .ok()
        .unwrap_or_default();
        assert_eq!(p.positional, ["2.10", "2.11"]);
        assert_eq!(p.option("format"), Some("json"));
        assert_eq!(p.option("fail-on"), Some("breaking"));
        assert!(parse(&strings(&["--nope", "x"]), &["format"]).is_err());
        assert!(parse(&strings(&["--format"]), &["format"]).is_err());
    }
}
