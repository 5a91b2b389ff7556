//! A `.env` file parser that reads into a map and never touches the process environment.
//!
//! Syntax (the common subset of dotenv implementations; `docs/dotenv.md` compares every case
//! with python-dotenv and Node's `dotenv`):
//! - `KEY=value`, optionally prefixed by `export `; spaces around `=` are allowed; names are
//!   letters, digits, `_`, `.` and `-`, starting with a letter or `_`;
//! - a leading UTF-8 byte-order mark (Windows editors write one) is skipped;
//! - blank lines and `# comments`; an unquoted value ends at a `#` that follows whitespace
//!   (inline comment, so `KEY= # note` is empty) and is trimmed;
//! - `'single quotes'` are literal; `"double quotes"` understand `\n`, `\r`, `\t`, `\\`, `\"`
//!   and `\$`; both may span lines;
//! - a later assignment of the same name wins.
//!
//! Lines that mean nothing are reported, not fatal, so one odd line does not hide every other
//! variable ([`DotEnv::warnings`]):
//! - a bare name without `=` (`PICTIFY_API_KEY` alone on a line) sets nothing: warning
//!   `env_file_bare_name` (python-dotenv and Node's `dotenv` leave it unset too);
//! - `KEY: value`, Node `dotenv`'s colon form, is read like `KEY=value`: warning
//!   `env_file_colon_form` (python-dotenv skips the line), so the file can be fixed to the
//!   form every reader agrees on.
//!
//! Deliberate differences from the peers:
//! - no variable expansion: `$OTHER` and `${OTHER}` stay as written (python-dotenv expands
//!   `${OTHER}`; expansion would read the process environment behind the caller's back);
//! - an unterminated quote, or text after a closing quote, is an error (`env_file_syntax`,
//!   naming line and column) instead of a silently skipped or half-read line: a key that was
//!   meant to be set must not quietly become another value;
//! - so is a line that is neither an assignment, a comment nor a bare name (`NAME value`,
//!   a missing `=`), which both peers skip silently;
//! - backticks are not quotes (Node `dotenv` strips them, python-dotenv does not).
//!
//! Values stay out of `Debug` output: a `.env` file is full of secrets.

use std::collections::BTreeMap;
use std::fmt;

use zeroize::Zeroizing;

use crate::env::EnvLookup;
use crate::error::DotEnvError;

mod parser;

use parser::Parser;

/// The variables of one `.env` file.
#[derive(Clone, Default)]
pub struct DotEnv {
    vars: BTreeMap<String, Zeroizing<String>>,
    warnings: Vec<DotEnvWarning>,
}

/// What kind of odd line a [`DotEnvWarning`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum DotEnvWarningKind {
    /// A name alone on its line, without `=`: it sets nothing. Write `NAME=value` (or
    /// `NAME=` for an empty value), or delete the line.
    BareName,
    /// `NAME: value`, Node `dotenv`'s colon form: read as `NAME=value`, but python-dotenv
    /// skips it and a shell cannot source it. Write `NAME=value`.
    ColonForm,
}

impl DotEnvWarningKind {
    /// The stable code of this warning.
    pub fn code(self) -> &'static str {
        match self {
            Self::BareName => "env_file_bare_name",
            Self::ColonForm => "env_file_colon_form",
        }
    }
}

/// A line of a `.env` file that was read (or skipped) but deserves a fix. Holds the line
/// number and the variable name, never a value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DotEnvWarning {
    /// 1-based line number.
    pub line: usize,
    /// The variable name on that line.
    pub name: String,
    /// What is odd about the line.
    pub kind: DotEnvWarningKind,
}

impl DotEnvWarning {
    /// The stable code of this warning (`env_file_bare_name`, `env_file_colon_form`).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl fmt::Display for DotEnvWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, name) = (self.line, &self.name);
        match self.kind {
            DotEnvWarningKind::BareName => write!(
                f,
                "line {line}: `{name}` has no '=' and sets nothing; write `{name}=value` or delete the line"
            ),
            DotEnvWarningKind::ColonForm => write!(
                f,
                "line {line}: `{name}: value` (colon form) was read as `{name}=value`, but python-dotenv skips it and a shell cannot source it; write `{name}=value`"
            ),
        }
    }
}

impl DotEnv {
    /// Parses the text of a `.env` file.
    ///
    /// ```
    /// use pictify_keys::{DotEnv, EnvLookup};
    ///
    /// let env = DotEnv::parse("# local settings\nexport NODE_ENV=development\nPICTIFY_API_KEY='pk_test_FAKE3Wwd25rq4f5zr3a1b2'\n")?;
    /// assert_eq!(env.get("NODE_ENV").as_deref(), Some("development"));
    /// assert_eq!(env.names().collect::<Vec<_>>(), ["NODE_ENV", "PICTIFY_API_KEY"]);
    /// assert!(env.warnings().is_empty());
    /// # Ok::<(), pictify_keys::DotEnvError>(())
    /// ```
    ///
    /// A line that means nothing is a warning, not an error:
    ///
    /// ```
    /// use pictify_keys::{DotEnv, EnvLookup};
    ///
    /// let env = DotEnv::parse("PICTIFY_API_KEY\nNODE_ENV: development\n")?;
    /// assert_eq!(env.get("PICTIFY_API_KEY"), None);
    /// assert_eq!(env.get("NODE_ENV").as_deref(), Some("development"));
    /// let codes: Vec<_> = env.warnings().iter().map(|w| (w.line, w.code())).collect();
    /// assert_eq!(codes, [(1, "env_file_bare_name"), (2, "env_file_colon_form")]);
    /// # Ok::<(), pictify_keys::DotEnvError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, DotEnvError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut parser = Parser {
            chars: text.chars().collect(),
            pos: 0,
            line: 1,
            column: 1,
            warnings: Vec::new(),
        };
        let mut vars = BTreeMap::new();
        while let Some((name, value)) = parser.next_assignment()? {
            vars.insert(name, Zeroizing::new(value));
        }
        Ok(Self {
            vars,
            warnings: parser.warnings,
        })
    }

    /// The variable names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }

    /// Number of variables.
    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// Whether the file set no variable.
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// The odd lines of the file, in file order: bare names and the colon form.
    pub fn warnings(&self) -> &[DotEnvWarning] {
        &self.warnings
    }

    /// Why `name` is not set, when a bare-name line names it and no assignment does
    /// (`PICTIFY_API_KEY` alone on a line). `None` when the variable is set or never named.
    pub fn unset_reason(&self, name: &str) -> Option<&DotEnvWarning> {
        if self.vars.contains_key(name) {
            return None;
        }
        self.warnings
            .iter()
            .rev()
            .find(|w| w.kind == DotEnvWarningKind::BareName && w.name == name)
    }
}

impl EnvLookup for DotEnv {
    fn get(&self, name: &str) -> Option<String> {
        self.vars.get(name).map(|v| v.as_str().to_owned())
    }
}

impl fmt::Debug for DotEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DotEnv")
            .field("names", &self.vars.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(text: &str, name: &str) -> Option<String> {
        DotEnv::parse(text).unwrap().get(name)
    }

    #[test]
    fn plain_quoted_and_exported_values() {
        let text = "A=1\nexport B = two words # comment\nC='lit $X \\n'\nD=\"esc\\n\\\"q\\\"\"\n\n# only a comment\nE=\nF=a#b\r\n";
        assert_eq!(get(text, "A").as_deref(), Some("1"));
        assert_eq!(get(text, "B").as_deref(), Some("two words"));
        assert_eq!(get(text, "C").as_deref(), Some("lit $X \\n"));
        assert_eq!(get(text, "D").as_deref(), Some("esc\n\"q\""));
        assert_eq!(get(text, "E").as_deref(), Some(""));
        assert_eq!(get(text, "F").as_deref(), Some("a#b"));
    }

    #[test]
    fn multi_line_and_last_wins() {
        let text = "K=\"line1\nline2\"\nK2=x\nK2=y";
        assert_eq!(get(text, "K").as_deref(), Some("line1\nline2"));
        assert_eq!(get(text, "K2").as_deref(), Some("y"));
    }

    #[test]
    fn quotes_inside_quotes_survive() {
        // A value that still carries quotes after parsing is what `ApiKey::parse` calls `quoted`.
        assert_eq!(get("K='\"v\"'", "K").as_deref(), Some("\"v\""));
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = DotEnv::parse("A=1\nB 2\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        let e = DotEnv::parse("A=1\nB='open\n").unwrap_err();
        assert_eq!(
            (e.line, e.column, e.reason),
            (2, 3, "this single quote is never closed")
        );
        let e = DotEnv::parse("A=\"x\" y").unwrap_err();
        assert_eq!(e.reason, "unexpected text after the closing quote");
        let e = DotEnv::parse("=x").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let env =
            DotEnv::parse("\u{feff}PICTIFY_API_KEY=pk_test_FAKE3Wwd25rq4f5zr3a1b2\nA=1\n").unwrap();
        assert_eq!(env.names().collect::<Vec<_>>(), ["A", "PICTIFY_API_KEY"]);
        assert!(env.warnings().is_empty());
        // Only a leading mark: one in the middle of a line is still not part of a name.
        assert!(DotEnv::parse("A=1\n\u{feff}B=2\n").is_err());
    }

    #[test]
    fn bare_name_is_a_warning_and_sets_nothing() {
        let env = DotEnv::parse("A=1\nPICTIFY_API_KEY\r\nexport B # note\nC=3").unwrap();
        assert_eq!(env.names().collect::<Vec<_>>(), ["A", "C"]);
        assert_eq!(
            env.warnings(),
            [
                DotEnvWarning {
                    line: 2,
                    name: "PICTIFY_API_KEY".into(),
                    kind: DotEnvWarningKind::BareName
                },
                DotEnvWarning {
                    line: 3,
                    name: "B".into(),
                    kind: DotEnvWarningKind::BareName
                },
            ]
        );
        assert_eq!(env.warnings()[0].code(), "env_file_bare_name");
        assert_eq!(
            env.unset_reason("PICTIFY_API_KEY"),
            Some(&env.warnings()[0])
        );
        assert_eq!(env.unset_reason("A"), None);
        assert!(env.warnings()[0]
            .to_string()
            .starts_with("line 2: `PICTIFY_API_KEY` has no '='"));
        // Assigned later: set, and the bare line is no longer the reason for anything.
        let env = DotEnv::parse("K\nK=v\n").unwrap();
        assert_eq!(env.get("K").as_deref(), Some("v"));
        assert_eq!(env.unset_reason("K"), None);
        assert_eq!(env.warnings().len(), 1);
    }

    #[test]
    fn colon_form_is_read_with_a_warning() {
        let env = DotEnv::parse("A: 1\nB:\t'two words'\nC: x # note\n").unwrap();
        assert_eq!(get("A: 1", "A").as_deref(), Some("1"));
        assert_eq!(env.get("B").as_deref(), Some("two words"));
        assert_eq!(env.get("C").as_deref(), Some("x"));
        let lines: Vec<_> = env.warnings().iter().map(|w| (w.line, w.code())).collect();
        assert_eq!(
            lines,
            [
                (1, "env_file_colon_form"),
                (2, "env_file_colon_form"),
                (3, "env_file_colon_form")
            ]
        );
        // Without whitespace after the colon it is not the colon form (Node agrees).
        assert_eq!(
            DotEnv::parse("A:1\n").unwrap_err().reason,
            "expected '=' after the variable name"
        );
    }

    #[test]
    fn empty_value_then_comment_and_dashed_names() {
        let env = DotEnv::parse("A= # note\nB=#kept\nA-B.C=3\n").unwrap();
        assert_eq!(env.get("A").as_deref(), Some(""));
        assert_eq!(env.get("B").as_deref(), Some("#kept"));
        assert_eq!(env.get("A-B.C").as_deref(), Some("3"));
        assert!(DotEnv::parse("-A=1").is_err());
    }

    #[test]
    fn debug_hides_values() {
        let env = DotEnv::parse("PICTIFY_API_KEY=pk_test_FAKE3Wwd25rq4f5zr3a1b2").unwrap();
        let shown = format!("{env:?}");
        assert!(shown.contains("PICTIFY_API_KEY"));
        assert!(!shown.contains("FAKE"));
    }
}
