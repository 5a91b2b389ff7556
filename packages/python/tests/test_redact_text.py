"""`redact` on `str`: the native path (the string's own UTF-8 on CPython 3.10+, an encoded
copy on 3.9 and for large non-ASCII texts) gives exactly the core's result, for every
vector and with non-ASCII text (emoji, CJK, Latin-1) next to keys; unchanged text comes back
as the very same object, whatever its size."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from conftest import load_vectors
from pictify_keys import redact, redact_bytes

DOC = load_vectors("redaction.json")
STYLES = ("fingerprint", "redacted", "mask")
KEY = "pk_live_FAKE3Wwd25rq4f5zra1b2"
# One of each width: Latin-1 (2 UTF-8 bytes), BMP CJK (3), astral emoji (4), and U+0080/U+00FF.
NON_ASCII = ["é", "ÿ", "\u0080", "中文", "日本語", "😀", "🔑", "👩‍💻"]
SEPARATED = [("😀 中文 ÿ\n", "\n¡é 👩‍💻"), ("é\n", ""), ("", "\n中"), ("🔑\n\n", "\n\u0080")]


def core(text: str, style: str = "fingerprint") -> str:
    """The core's result through the bytes path (no `str` handling involved)."""
    return redact_bytes(text.encode("utf-8"), style=style).decode("utf-8")


def style_of(case: Dict[str, Any]) -> str:
    style: str = case.get("style", DOC["default_style"])
    return style


@pytest.mark.parametrize("case", DOC["cases"], ids=lambda c: c["name"])
def test_vector_between_non_ascii_lines(case: Dict[str, Any]) -> None:
    style = style_of(case)
    for before, after in SEPARATED:
        text = before + case["input"] + after
        out = redact(text, style=style)
        assert out == before + case["expected"] + after
        assert out == core(text, style)


@pytest.mark.parametrize("case", DOC["cases"], ids=lambda c: c["name"])
def test_vector_glued_to_non_ascii(case: Dict[str, Any]) -> None:
    # Non-ASCII right against the match: the scanner treats every byte >= 0x80 alike, and the
    # result must be the core's, at the right character positions.
    style = style_of(case)
    for ch in NON_ASCII:
        for text in (ch + case["input"], case["input"] + ch, ch + case["input"] + ch):
            assert redact(text, style=style) == core(text, style)


@pytest.mark.parametrize("case", DOC["cases"], ids=lambda c: c["name"])
def test_redacted_vector_output_is_returned_as_is(case: Dict[str, Any]) -> None:
    style = style_of(case)
    expected = case["expected"]
    for text in (expected, "中文 " + expected + " 😀"):
        out = redact(text, style=style)
        assert out == text
        assert out is text


@pytest.mark.parametrize("style", STYLES)
def test_keys_among_non_ascii(style: str) -> None:
    parts: List[str] = []
    for i, ch in enumerate(NON_ASCII * 3):
        parts.append(ch * (i % 4 + 1))
        parts.append([f" {KEY} ", KEY, f"=\"{KEY}\"", f"Authorization: Bearer {KEY}\n", f"?api_key={ch}"][i % 5])
    text = "".join(parts)
    out = redact(text, style=style)
    assert out == core(text, style)
    assert KEY not in out


@pytest.mark.parametrize("size", [10, 64 * 1024 - 40, 64 * 1024 + 40, 300_000])
@pytest.mark.parametrize("ch", ["x", "é", "中", "😀"])
def test_sizes_around_the_native_thresholds(size: int, ch: str) -> None:
    # Around 64 Ki characters the native path changes (GIL release; a non-ASCII text stops
    # being lent and is encoded); the result must not.
    filler = ch * size
    text = filler + " " + KEY + " " + filler + "\nkey=" + ch
    out = redact(text)
    assert out == core(text)
    assert out == filler + " pk_live_****a1b2 " + filler + "\nkey=" + ch
    assert redact(filler) is filler


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ascii log line status=200",
        "é",
        "日志：没有密钥 😀",
        "pk_live_ short pk_test_",
        "x" * (3 << 20),
        ("ÿ 中 😀 " * 200_000),
        "a" * 70_000 + "€",
    ],
    ids=["empty", "ascii", "latin1", "cjk-emoji", "near-miss", "ascii-3MB", "mixed-1M", "ascii-then-euro"],
)
def test_unchanged_text_is_the_identical_object(text: str) -> None:
    for style in STYLES:
        assert redact(text, style=style) is text


@pytest.mark.parametrize("size", [0, 100, 64 * 1024 + 1, 3 << 20])
def test_unchanged_bytes_are_the_identical_object(size: int) -> None:
    data = (b"log line \xff\xfe status=200\n" * (size // 27 + 1))[:size]
    assert redact_bytes(data) is data
    keyed = data + KEY.encode()
    assert redact_bytes(keyed) == data + b"pk_live_****a1b2"


def test_a_str_subclass_comes_back_unchanged() -> None:
    class Line(str):
        pass

    line = Line("nothing here")
    assert redact(line) is line
    assert type(redact(Line(KEY))) is str

    class Liar(str):
        def isascii(self) -> bool:
            raise AssertionError("the binding must not call a subclass's isascii")

    big = Liar("é" * 70_000 + " " + KEY)
    assert redact(big) == "é" * 70_000 + " pk_live_****a1b2"


def test_lone_surrogates_raise_unicode_encode_error() -> None:
    # A str that is not valid Unicode text cannot reach the core as UTF-8: the same error as
    # `str.encode()`, never a silently altered text.
    for text in ("\ud800" + KEY, "x" * 70_000 + "\udfff"):
        with pytest.raises(UnicodeEncodeError):
            redact(text)
    assert redact_bytes(KEY.encode() + b"\xed\xa0\x80") == b"pk_live_****a1b2\xed\xa0\x80"
