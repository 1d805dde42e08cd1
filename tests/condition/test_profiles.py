"""Reading profile files: ERD (units, scale factors, channels) and text/CSV, with errors that
name the line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from django.utils import translation

from zhiyang.condition.profiles import ProfileFormatError, parse_profile, read_profile

EXAMPLES = Path(__file__).parents[1] / "analytics" / "data" / "sroubek2021"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def erd(rows: list[str], *, header: str = "", storage: str = "") -> str:
    """A small two-channel ERD text file (left/right in mm, 0.25 m steps from 100 m)."""
    storage = storage or f"      2, {len(rows)},      1,      1,      5,    0.25,   100.0,"
    header = header or (
        "TITLE   Test profile\nSHORTNAMLeft, Right\nUNITS   mm, mm\nSCALEFAC1.0, 1.0\nXUNITS  m\n"
    )
    return "ERDFILEV2.00\n" + storage + "\n" + header + "END\n" + "\n".join(rows) + "\n"


def test_erd_two_channels_in_mm() -> None:
    profile = parse_profile(erd(["1.0 2.0", "3.0 4.0", "5.0 6.0"]))
    assert profile.source_format == "erd"
    assert profile.title == "Test profile"
    assert profile.channel_names == ("Left", "Right")
    np.testing.assert_allclose(profile.distance_m, [100.0, 100.25, 100.5])
    np.testing.assert_allclose(
        profile.elevation_m, [[0.001, 0.002], [0.003, 0.004], [0.005, 0.006]]
    )


def test_erd_units_scale_factors_and_feet() -> None:
    header = (
        "SHORTNAMES  L  R\n"
        "UNITS   in\n"  # one unit for every channel
        "SCALEFACTORS  2.0  0.5\n"
        "XUNITS  ft\n"
    )
    storage = "2, 2, 1, 1, 5, 1.0, 0.0"
    profile = parse_profile(erd(["1.0, 1.0", "2.0, 4.0"], header=header, storage=storage))
    assert profile.channel_names == ("L", "R")
    np.testing.assert_allclose(profile.distance_m, [0.0, 0.3048])
    np.testing.assert_allclose(profile.elevation_m, [[0.0508, 0.0127], [0.1016, 0.0508]])


def test_erd_without_names_or_units_defaults_to_metres() -> None:
    profile = parse_profile(erd(["1.5", "2.5"], header="TITLE x\n", storage="1, 2, 1, 1, 5, 0.1"))
    assert profile.channel_names == ("channel 1",)
    np.testing.assert_allclose(profile.distance_m, [0.0, 0.1])
    np.testing.assert_allclose(profile.elevation_m[:, 0], [1.5, 2.5])


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (erd(["1.0 2.0", "3.0 x", "5.0 6.0"]), 10, "'x' is not a number"),
        (erd(["1.0 2.0", "3.0", "5.0 6.0"]), 10, "expected 2 values"),
        (erd(["1.0 2.0", "3.0 4.0"], storage="2, 3, 1, 1, 5, 0.25, 0"), 2, "announces 3"),
        (erd(["1.0 2.0"], storage="2, 1, 1, 1"), 2, "at least 6 numbers"),
        (erd(["1.0 2.0"], storage="2, 1, 1, 1, 5, 0, 0"), 2, "DT must be positive"),
        (erd(["1.0 2.0"], header="UNITS   furlong, mm\n"), 3, "unknown length unit"),
        (erd(["1.0 2.0"], header="UNITS   mm, mm, mm\n"), 3, "3 values for 2 channels"),
        (erd(["1.0 2.0"], header="BINFORM little\n"), 3, "binary ERD"),
        ("ERDFILEV2.00\n1, 2, 1, 1, 5, 0.25\nTITLE x\n1.0\n", 4, "no END"),
        (erd([]), 8, "no data after END"),
    ],
)
def test_erd_errors_name_the_line(content: str, line: int, message: str) -> None:
    with pytest.raises(ProfileFormatError, match=message) as info:
        parse_profile(content)
    assert info.value.line == line
    assert str(info.value).startswith(f"line {line}: ")


@pytest.mark.parametrize(
    "content",
    [
        "0.0,1.0\n0.25,1.5\n0.5,2.0\n",
        "distance_m,elevation_m\n0.0,1.0\n0.25,1.5\n0.5,2.0\n",
        "# exported\n\n0.0 1.0\n0.25\t1.5\n  0.5   2.0  \n",
        "x;y\r\n0.0;1.0\r\n0.25;1.5\r\n0.5;2.0\r\n",
    ],
)
def test_two_column_text(content: str) -> None:
    profile = parse_profile(content.encode())
    assert profile.source_format == "text"
    assert profile.channels == 1
    np.testing.assert_allclose(profile.distance_m, [0.0, 0.25, 0.5])
    np.testing.assert_allclose(profile.elevation_m[:, 0], [1.0, 1.5, 2.0])


def test_text_with_more_columns_is_several_paths() -> None:
    profile = parse_profile("d,left,right\n0,1,2\n1,3,4\n")
    assert profile.channel_names == ("left", "right")
    np.testing.assert_allclose(profile.elevation_m, [[1, 2], [3, 4]])


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("distance,elevation\n0,1\n0.25,abc\n", 3, "'abc' is not a number"),
        ("0,1\n0.25\n", 2, "2 columns"),
        ("0,1\n0.25,1,2\n", 2, "expected 2 columns"),
        ("0,1\nfoo,bar\n", 2, "not a number"),
    ],
)
def test_text_errors_name_the_line(content: str, line: int, message: str) -> None:
    with pytest.raises(ProfileFormatError, match=message) as info:
        parse_profile(content)
    assert info.value.line == line


def test_empty_text_file() -> None:
    with pytest.raises(ProfileFormatError, match="no profile rows"):
        parse_profile("# nothing\n")


def test_example_profiles_read(tmp_path: Path) -> None:
    one = read_profile(EXAMPLES / "profile_1.txt")
    two = read_profile(EXAMPLES / "profile_2.txt")
    assert one.distance_m.size == two.distance_m.size == 2177
    assert one.distance_m[0] == 478.0 and one.distance_m[-1] == 1022.0
    with pytest.raises(ProfileFormatError, match="cannot read"):
        read_profile(tmp_path / "missing.txt")


def test_messages_translate() -> None:
    with translation.override("zh-hans"), pytest.raises(ProfileFormatError) as info:
        parse_profile("0,1\n0.25,abc\n")
    assert info.value.line == 2


def test_erd_in_the_ltpp_layout() -> None:
    """Eight-column keywords ("UNITSNAM"), a trailing comma, blank header lines."""
    content = (
        "ERDFILEV2.00\n"
        "      3,      3,     -1,      1,      5,       0.0250,      0.0,\n"
        "TITLE   LTPP SPS Section 06B410SF: Run 1\n"
        "UNITSNAMmm      mm      mm\n"
        "XUNITS  m\n"
        "DATE    11/Apr/1997\n"
        "\n"
        "END\n"
        " 1.0 2.0 3.0\n 4.0 5.0 6.0\n 7.0 8.0 9.0\n"
    )
    profile = parse_profile(content)
    assert profile.channels == 3
    np.testing.assert_allclose(profile.distance_m, [0.0, 0.025, 0.05])
    np.testing.assert_allclose(profile.elevation_m[1], [0.004, 0.005, 0.006])


@pytest.mark.parametrize(
    "storage", ["nan, 2, 1, 1, 5, 0.25", "0, 2, 1, 1, 5, 0.25", "1000000, 2, 1, 1, 5, 0.25"]
)
def test_erd_bad_channel_counts(storage: str) -> None:
    with pytest.raises(ProfileFormatError) as info:
        parse_profile(erd(["1.0 2.0", "3.0 4.0"], storage=storage))
    assert info.value.line == 2
