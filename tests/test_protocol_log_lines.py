"""The protocol log reader's lines: read a megabyte at a time, they are exactly the lines a
line-by-line reader gives, for any bytes (line ends, carriage returns, bad UTF-8, lines over the
length limit, a last line with no end), whatever the size of the chunks."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.commands.diagnose import protocol_log
from linter.commands.diagnose.protocol_log import _chunks


def line_by_line(data: bytes, limit: int) -> list[str | None]:
    """The specification: each line decoded alone, without its end; None when it is longer than
    ``limit`` bytes (carriage return included)."""
    stream = io.BytesIO(data)
    lines: list[str | None] = []
    while raw := stream.readline(limit + 1):
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(limit + 1)
            lines.append(None)
            continue
        lines.append(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
    return lines


def chunked(data: bytes) -> list[str | None]:
    return [line for chunk in _chunks(io.BytesIO(data)) for line in chunk]


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocol_log, "MAX_LINE", 8)
    monkeypatch.setattr(protocol_log, "CHUNK", 5)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n",
        b"a\nb\n",
        b"a\nb",  # no end on the last line
        b"a\r\nb\r\n\r\n",
        b"12345678\n123456789\nok\n",  # at the limit, one over
        b"1234567\r\n12345678\r\n",  # the carriage return counts
        b"a" + b"\r" * 20 + b"\nb\n",  # carriage returns alone make it long
        b"x" * 30 + b"\nafter\n",  # longer than a chunk
        b"x" * 30,  # long, and last
        b"\xe2\x82\nbad \xff utf-8\n",
        b"\xef\xbb\xbf#Fields: a\n",
        b"\n\n\nx" * 5,
    ],
)
def test_chunks_give_the_lines_a_line_reader_gives(small: None, data: bytes) -> None:
    assert chunked(data) == line_by_line(data, 8)


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(
        st.sampled_from(
            [b"a", b"\n", b"\r", b"\r\r\r\r\r", b"\xff", b"\xe2\x82", b"\xe2\x82\xac", b"xxxx", b","]
        )
    ).map(b"".join),
    chunk=st.integers(1, 12),
    limit=st.integers(1, 10),
)
def test_any_bytes_any_chunk_size(data: bytes, chunk: int, limit: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(protocol_log, "MAX_LINE", limit)
        patch.setattr(protocol_log, "CHUNK", chunk)
        assert chunked(data) == line_by_line(data, limit)
