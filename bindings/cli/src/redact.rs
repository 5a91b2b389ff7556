//! `pictify-keys redact`: the core's streaming redactor over stdin or files.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::PathBuf;

use clap::Args;
use pictify_keys::redact::{Redactor, Style};

/// Arguments of `pictify-keys redact`.
#[derive(Args)]
pub struct RedactArgs {
    /// Files to redact, written to stdout one after the other. Without a file, or with `-`,
    /// reads stdin.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    /// How a key is written: its fingerprint (pk_live_****a1b2), [REDACTED], or a mask that
    /// keeps the byte length.
    #[arg(long, value_name = "STYLE", default_value = "fingerprint", value_parser = ["fingerprint", "redacted", "mask"])]
    style: String,

    /// Treat each line as a JSON document: values of sensitive fields (api_key, token,
    /// password, authorization, …) are replaced whole and the line is written back compact.
    /// Lines that are not JSON are redacted as text. Memory grows with the longest line.
    #[arg(long)]
    json_lines: bool,
}

/// Bytes read at a time; memory stays at about twice this, whatever the input size.
const CHUNK: usize = 64 * 1024;

/// Runs the redaction and returns the exit status: 0, or 2 when an input could not be read.
pub fn run(args: &RedactArgs) -> u8 {
    let redactor = Redactor::new(Style::from_name(&args.style).unwrap_or_default());
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let inputs = crate::inputs(&args.files);
    let mut status = 0;
    for input in inputs {
        let label = input.map_or_else(|| "stdin".to_owned(), |p| p.display().to_string());
        let Some((reader, _)) = crate::open_input(input, &label) else {
            status = 2;
            continue;
        };
        let result = if args.json_lines {
            json_lines(redactor, reader, &mut out)
        } else {
            stream(redactor, reader, &mut out)
        };
        match result {
            Ok(()) => {}
            // Output closed (`| head`): stop quietly, as cat does.
            Err(Failure::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => return status,
            Err(Failure::Write(e)) => {
                eprintln!("error[write_failed]: cannot write the output: {}", e.kind());
                return 2;
            }
            Err(Failure::Read(e)) => {
                eprintln!("error[file_unreadable]: {label}: read failed: {}", e.kind());
                status = 2;
            }
        }
    }
    if let Err(e) = out.flush() {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error[write_failed]: cannot write the output: {}", e.kind());
            return 2;
        }
    }
    status
}

enum Failure {
    Read(io::Error),
    Write(io::Error),
}

/// Streams `reader` through the redactor in fixed-size chunks.
fn stream(redactor: Redactor, mut reader: impl Read, out: &mut impl Write) -> Result<(), Failure> {
    let mut stream = redactor.stream();
    let mut chunk = vec![0u8; CHUNK];
    let mut redacted = Vec::with_capacity(CHUNK + 1024);
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                // Write out what is held back before reporting: it is redacted like the rest.
                redacted.clear();
                stream.finish(&mut redacted);
                out.write_all(&redacted).map_err(Failure::Write)?;
                return Err(Failure::Read(e));
            }
        };
        redacted.clear();
        stream.push(&chunk[..n], &mut redacted);
        out.write_all(&redacted).map_err(Failure::Write)?;
    }
    redacted.clear();
    stream.finish(&mut redacted);
    out.write_all(&redacted).map_err(Failure::Write)
}

/// One JSON document per line; other lines are redacted as text.
fn json_lines(redactor: Redactor, reader: impl Read, out: &mut impl Write) -> Result<(), Failure> {
    let mut reader = BufReader::with_capacity(CHUNK, reader);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(Failure::Read)? == 0 {
            return Ok(());
        }
        let (body, newline) = match line.strip_suffix(b"\n") {
            Some(b) => (b, &b"\n"[..]),
            None => (&line[..], &b""[..]),
        };
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(mut value) if value.is_object() || value.is_array() => {
                redactor.redact_json(&mut value);
                serde_json::to_writer(&mut *out, &value).map_err(|e| Failure::Write(e.into()))?;
                out.write_all(newline).map_err(Failure::Write)?;
            }
            _ => out
                .write_all(&redactor.redact_bytes(&line))
                .map_err(Failure::Write)?,
        }
    }
}
