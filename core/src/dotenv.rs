//! A `.env` file parser that reads into a map and never touches the process environment.
//!
//! Syntax (the common subset of dotenv implementations):
//! - `KEY=value`, optionally prefixed by `export `; spaces around `=` are allowed;
//! - blank lines and `# comments`; an unquoted value ends at ` #` (inline comment) and is
//!   trimmed;
//! - `'single quotes'` are literal; `"double quotes"` understand `\n`, `\r`, `\t`, `\\`, `\"`
//!   and `\$`; both may span lines;
//! - no variable expansion: `$OTHER` stays as written (expansion would read the process
//!   environment behind the caller's back);
//! - a later assignment of the same name wins.
//!
//! Values stay out of `Debug` output: a `.env` file is full of secrets.

use std::collections::BTreeMap;
use std::fmt;

use zeroize::Zeroizing;

use crate::env::EnvLookup;
use crate::error::DotEnvError;

/// The variables of one `.env` file.
#[derive(Clone, Default)]
pub struct DotEnv {
    vars: BTreeMap<String, Zeroizing<String>>,
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
    /// # Ok::<(), pictify_keys::DotEnvError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, DotEnvError> {
        let mut parser = Parser {
            chars: text.chars().collect(),
            pos: 0,
            line: 1,
            column: 1,
        };
        let mut vars = BTreeMap::new();
        while let Some((name, value)) = parser.next_assignment()? {
            vars.insert(name, Zeroizing::new(value));
        }
        Ok(Self { vars })
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

struct Parser {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    column: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn error(&self, reason: &'static str) -> DotEnvError {
        DotEnvError {
            line: self.line,
            column: self.column,
            reason,
        }
    }

    fn skip_inline_space(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
        }
    }

    fn skip_to_line_end(&mut self) {
        while let Some(c) = self.bump() {
            if c == '\n' {
                break;
            }
        }
    }

    /// After a value: only spaces, an optional comment, then the end of the line.
    fn finish_line(&mut self) -> Result<(), DotEnvError> {
        self.skip_inline_space();
        match self.peek() {
            None => Ok(()),
            Some('\n') => {
                self.bump();
                Ok(())
            }
            Some('\r')
                if self.chars.get(self.pos + 1) == Some(&'\n')
                    || self.pos + 1 == self.chars.len() =>
            {
                self.bump();
                self.bump();
                Ok(())
            }
            Some('#') => {
                self.skip_to_line_end();
                Ok(())
            }
            Some(_) => Err(self.error("unexpected text after the closing quote")),
        }
    }

    fn next_assignment(&mut self) -> Result<Option<(String, String)>, DotEnvError> {
        loop {
            // Skip blank lines and comments.
            self.skip_inline_space();
            match self.peek() {
                None => return Ok(None),
                Some('\n' | '\r') => {
                    self.bump();
                    continue;
                }
                Some('#') => {
                    self.skip_to_line_end();
                    continue;
                }
                Some(_) => {}
            }
            let mut name = self.read_name()?;
            if name == "export" && matches!(self.peek(), Some(' ' | '\t')) {
                self.skip_inline_space();
                name = self.read_name()?;
            }
            self.skip_inline_space();
            if self.peek() != Some('=') {
                return Err(self.error("expected '=' after the variable name"));
            }
            self.bump();
            self.skip_inline_space();
            let value = match self.peek() {
                Some('\'') => self.read_single_quoted()?,
                Some('"') => self.read_double_quoted()?,
                _ => {
                    let v = self.read_unquoted();
                    return Ok(Some((name, v)));
                }
            };
            self.finish_line()?;
            return Ok(Some((name, value)));
        }
    }

    fn read_name(&mut self) -> Result<String, DotEnvError> {
        let mut name = String::new();
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
            _ => return Err(self.error(
                "expected a variable name (letters, digits, '_', starting with a letter or '_')",
            )),
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                name.push(c);
                self.bump();
            } else {
                break;
            }
        }
        Ok(name)
    }

    fn read_unquoted(&mut self) -> String {
        let mut value = String::new();
        while let Some(c) = self.peek() {
            if c == '\n' {
                self.bump();
                break;
            }
            if c == '#' && value.ends_with([' ', '\t']) {
                self.skip_to_line_end();
                break;
            }
            value.push(c);
            self.bump();
        }
        // A CRLF file's `\r` is line syntax, not value; other whitespace at the end is
        // trimmed too, as every dotenv implementation does for unquoted values.
        let trimmed = value.trim_end_matches([' ', '\t', '\r']).len();
        value.truncate(trimmed);
        value
    }

    fn read_single_quoted(&mut self) -> Result<String, DotEnvError> {
        let (line, column) = (self.line, self.column);
        self.bump();
        let mut value = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(DotEnvError {
                        line,
                        column,
                        reason: "this single quote is never closed",
                    })
                }
                Some('\'') => return Ok(value),
                Some(c) => value.push(c),
            }
        }
    }

    fn read_double_quoted(&mut self) -> Result<String, DotEnvError> {
        let (line, column) = (self.line, self.column);
        self.bump();
        let mut value = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(DotEnvError {
                        line,
                        column,
                        reason: "this double quote is never closed",
                    })
                }
                Some('"') => return Ok(value),
                Some('\\') => match self.bump() {
                    Some('n') => value.push('\n'),
                    Some('r') => value.push('\r'),
                    Some('t') => value.push('\t'),
                    Some(c @ ('\\' | '"' | '$' | '\'')) => value.push(c),
                    Some(c) => {
                        value.push('\\');
                        value.push(c);
                    }
                    None => {
                        return Err(DotEnvError {
                            line,
                            column,
                            reason: "this double quote is never closed",
                        })
                    }
                },
                Some(c) => value.push(c),
            }
        }
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
    fn debug_hides_values() {
        let env = DotEnv::parse("PICTIFY_API_KEY=pk_test_FAKE3Wwd25rq4f5zr3a1b2").unwrap();
        let shown = format!("{env:?}");
        assert!(shown.contains("PICTIFY_API_KEY"));
        assert!(!shown.contains("FAKE"));
    }
}
