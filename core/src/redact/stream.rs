//! Streaming redaction: the same output as whole-buffer redaction for every chunking, with
//! at most [`MAX_PENDING`] bytes held back between chunks.

use std::io::{self, Write};

use super::engine::{scan, Carry, Sink, LOOKBEHIND, MAX_PENDING};
use super::Redactor;

/// The head of a chunk copied next to the held-back bytes; the rest is scanned in place. More
/// than [`MAX_PENDING`] plus the look-behind, so the head always decides past the old bytes.
const JOIN: usize = 2 * MAX_PENDING;

/// Redacts a byte stream chunk by chunk.
///
/// Feed chunks with [`push`](Self::push) and end with [`finish`](Self::finish); the
/// concatenated output equals [`Redactor::redact_bytes`] of the concatenated input, however
/// the input was cut. Invalid UTF-8 passes through untouched.
///
/// ```
/// use pictify_keys::redact::Redactor;
///
/// let mut stream = Redactor::default().stream();
/// let mut out = Vec::new();
/// stream.push(b"token=pk_live_FAKE3Wwd", &mut out);
/// stream.push(b"25rq4f5zra1b2\n", &mut out);
/// stream.finish(&mut out);
/// assert_eq!(out, b"token=pk_live_****a1b2\n");
/// ```
#[derive(Debug, Clone, Default)]
pub struct StreamRedactor {
    redactor: Redactor,
    /// Look-behind bytes (already written) followed by the undecided tail.
    buf: Vec<u8>,
    /// Where the undecided tail starts in `buf`.
    start: usize,
    carry: Carry,
}

struct VecSink<'a> {
    src: &'a [u8],
    out: &'a mut Vec<u8>,
    done: usize,
}

impl Sink for VecSink<'_> {
    fn edit(&mut self, start: usize, end: usize, replacement: &str) {
        self.out.extend_from_slice(&self.src[self.done..start]);
        self.out.extend_from_slice(replacement.as_bytes());
        self.done = end;
    }
}

impl StreamRedactor {
    /// A stream with `redactor`'s style.
    pub fn new(redactor: Redactor) -> Self {
        Self {
            redactor,
            buf: Vec::with_capacity(MAX_PENDING * 2),
            start: 0,
            carry: Carry::None,
        }
    }

    /// Redacts what can be decided of `chunk` (with what was held back) and appends it to
    /// `out`.
    ///
    /// Only the held-back bytes and the head of `chunk` are copied; the rest of a large chunk
    /// is scanned where it lies. That is the same as pushing the head and the rest as two
    /// chunks, so the output is unchanged.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if chunk.is_empty() {
            return;
        }
        let old = self.buf.len();
        let head = chunk.len().min(JOIN);
        self.buf.extend_from_slice(&chunk[..head]);
        self.run(false, out);
        if head == chunk.len() {
            return;
        }
        // `buf` now holds the look-behind and the undecided tail of the head; when all of it
        // lies inside the chunk, go on scanning the chunk itself from the same place.
        let kept_from = old + head - self.buf.len();
        if kept_from >= old {
            let from = kept_from - old + self.start;
            self.run_in(chunk, from, out);
        } else {
            self.buf.extend_from_slice(&chunk[head..]);
            self.run(false, out);
        }
    }

    /// Writes out everything still held back. The stream can be reused afterwards.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        self.run(true, out);
        self.buf.clear();
        self.start = 0;
        self.carry = Carry::None;
    }

    /// Bytes held back, waiting for the next chunk (never more than [`MAX_PENDING`]).
    pub fn pending(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Scans `chunk` from `from` (every byte before it is decided and written), keeping the
    /// look-behind and the undecided tail in `buf`.
    fn run_in(&mut self, chunk: &[u8], from: usize, out: &mut Vec<u8>) {
        let decided = decide(self.redactor, &mut self.carry, chunk, from, false, out);
        let keep_from = decided.saturating_sub(LOOKBEHIND);
        self.buf.clear();
        self.buf.extend_from_slice(&chunk[keep_from..]);
        self.start = decided - keep_from;
    }

    fn run(&mut self, eof: bool, out: &mut Vec<u8>) {
        let decided = decide(
            self.redactor,
            &mut self.carry,
            &self.buf,
            self.start,
            eof,
            out,
        );
        let keep_from = decided.saturating_sub(LOOKBEHIND);
        self.buf.drain(..keep_from);
        self.start = decided - keep_from;
    }
}

/// Scans `src` from `from`, writes its redacted decided part to `out`, and returns where the
/// decided part ends.
fn decide(
    redactor: Redactor,
    carry: &mut Carry,
    src: &[u8],
    from: usize,
    eof: bool,
    out: &mut Vec<u8>,
) -> usize {
    let mut sink = VecSink {
        src,
        out,
        done: from,
    };
    let decided = scan(redactor.style(), src, from, eof, carry, &mut sink);
    let done = sink.done.max(from);
    if decided > done {
        out.extend_from_slice(&src[done..decided]);
    }
    decided
}

/// An [`io::Write`] adapter that redacts everything written through it.
///
/// Call [`finish`](Self::finish) at the end: it writes the held-back tail (at most
/// [`MAX_PENDING`] bytes) and returns the inner writer. Dropping the adapter without
/// finishing loses that tail rather than writing it unredacted.
///
/// ```
/// use std::io::Write;
/// use pictify_keys::redact::{RedactingWriter, Redactor};
///
/// let mut w = RedactingWriter::new(Vec::new(), Redactor::default());
/// writeln!(w, "using pk_test_FAKE3Wwd25rq4f5zra1b2")?;
/// let out = w.finish()?;
/// assert_eq!(out, b"using pk_test_****a1b2\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct RedactingWriter<W: Write> {
    inner: W,
    stream: StreamRedactor,
    out: Vec<u8>,
}

impl<W: Write> RedactingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W, redactor: Redactor) -> Self {
        Self {
            inner,
            stream: redactor.stream(),
            out: Vec::new(),
        }
    }

    /// Writes the held-back tail, flushes, and returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.clear();
        self.stream.finish(&mut self.out);
        self.inner.write_all(&self.out)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.clear();
        self.stream.push(buf, &mut self.out);
        self.inner.write_all(&self.out)?;
        Ok(buf.len())
    }

    /// Flushes the inner writer. Held-back bytes stay held: they may be the start of a key.
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
