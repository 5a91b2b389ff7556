//! The `.env` parser: one pass over the characters, tracking line and column for errors and
//! warnings.

use crate::error::DotEnvError;

use super::{DotEnvWarning, DotEnvWarningKind};

pub(super) struct Parser {
    pub(super) chars: Vec<char>,
    pub(super) pos: usize,
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) warnings: Vec<DotEnvWarning>,
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

    /// At the end of a line (or of the text), maybe after spaces and a comment?
    fn at_line_end(&self) -> bool {
        let mut i = self.pos;
        while matches!(self.chars.get(i), Some(' ' | '\t')) {
            i += 1;
        }
        match self.chars.get(i) {
            None | Some('\n' | '#') => true,
            Some('\r') => matches!(self.chars.get(i + 1), None | Some('\n')),
            Some(_) => false,
        }
    }

    pub(super) fn next_assignment(&mut self) -> Result<Option<(String, String)>, DotEnvError> {
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
            let line = self.line;
            let mut name = self.read_name()?;
            if name == "export" && matches!(self.peek(), Some(' ' | '\t')) && !self.at_line_end() {
                self.skip_inline_space();
                name = self.read_name()?;
            }
            if self.at_line_end() {
                // A bare name: python-dotenv and Node's dotenv leave it unset; so do we, and say so.
                self.warnings.push(DotEnvWarning {
                    line,
                    name,
                    kind: DotEnvWarningKind::BareName,
                });
                self.skip_to_line_end();
                continue;
            }
            self.skip_inline_space();
            match self.peek() {
                Some('=') => {}
                // Node dotenv's `NAME: value` (a colon then whitespace).
                Some(':') if matches!(self.chars.get(self.pos + 1), Some(' ' | '\t')) => {
                    self.warnings.push(DotEnvWarning {
                        line,
                        name: name.clone(),
                        kind: DotEnvWarningKind::ColonForm,
                    });
                }
                _ => return Err(self.error("expected '=' after the variable name")),
            }
            self.bump();
            let spaced = matches!(self.peek(), Some(' ' | '\t'));
            self.skip_inline_space();
            let value = match self.peek() {
                Some('\'') => self.read_single_quoted()?,
                Some('"') => self.read_double_quoted()?,
                // `NAME= # note`: the comment follows whitespace, so the value is empty.
                Some('#') if spaced => {
                    self.skip_to_line_end();
                    return Ok(Some((name, String::new())));
                }
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
                "expected a variable name (letters, digits, '_', '.', '-', starting with a letter or '_')",
            )),
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
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
