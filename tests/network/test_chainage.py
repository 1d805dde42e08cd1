"""Chainage parsing and formatting: golden cases, rejections and round trips."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiyang.network.chainage import ChainageError, format_chainage, parse_chainage


@pytest.mark.parametrize(
    ("text", "metres"),
    [
        ("K12+345", 12345.0),
        ("k12+345.60", 12345.6),
        ("12+345", 12345.0),
        (" K0+000 ", 0.0),
        ("K12+345.6", 12345.6),
        ("K0+999.99", 999.99),
        ("K108+005", 108005.0),
        ("K 3 + 050", 3050.0),
    ],
)
def test_parse_golden(text: str, metres: float) -> None:
    assert parse_chainage(text) == pytest.approx(metres, abs=1e-9)


@pytest.mark.parametrize(
    ("metres", "decimals", "text"),
    [
        (12345.6, 1, "K12+345.6"),
        (12345.6, 0, "K12+346"),
        (0, 0, "K0+000"),
        (5.25, 2, "K0+005.25"),
        (999.6, 0, "K1+000"),
        (108005, 0, "K108+005"),
        (1000, 1, "K1+000.0"),
    ],
)
def test_format_golden(metres: float, decimals: int, text: str) -> None:
    assert format_chainage(metres, decimals) == text


@pytest.mark.parametrize("text", ["K12+1000", "K12-345", "abc", "", "K+345", "K12+", "K12+34a"])
def test_parse_rejects_with_clear_message(text: str) -> None:
    with pytest.raises(ChainageError) as excinfo:
        parse_chainage(text)
    message = str(excinfo.value)
    assert "K12+345" in message  # tells how to write it
    if text:
        assert text in message  # and repeats what was wrong


@pytest.mark.parametrize(
    ("metres", "text"),
    [(-12.0, "-K0+012"), (float("nan"), "–"), (float("inf"), "–"), (None, "–"), ("x", "–")],
)
def test_format_never_raises(metres: Any, text: str) -> None:
    """issue 22: a work zone's GeoJSON gave 500 on a chainage format_chainage refused."""
    assert format_chainage(metres) == text


@given(st.floats() | st.integers() | st.none())
def test_format_renders_any_value(metres: Any) -> None:
    assert isinstance(format_chainage(metres), str)


@given(
    metres=st.floats(min_value=0, max_value=2_000_000, allow_nan=False),
    decimals=st.integers(min_value=0, max_value=3),
)
def test_parse_of_format_is_within_rounding(metres: float, decimals: int) -> None:
    text = format_chainage(metres, decimals)
    assert abs(parse_chainage(text) - metres) <= 0.5 * 10**-decimals + 1e-6


@given(
    km=st.integers(min_value=0, max_value=9999),
    m=st.integers(min_value=0, max_value=999),
    fraction=st.one_of(st.none(), st.integers(min_value=0, max_value=9)),
    lower=st.booleans(),
    prefix=st.booleans(),
)
def test_format_of_parse_is_canonical(
    km: int, m: int, fraction: int | None, lower: bool, prefix: bool
) -> None:
    body = f"{km}+{m:03d}" + (f".{fraction}" if fraction is not None else "")
    text = (("k" if lower else "K") if prefix else "") + body
    canonical = f"K{body}"
    decimals = 0 if fraction is None else 1
    assert format_chainage(parse_chainage(text), decimals) == canonical
