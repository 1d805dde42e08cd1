"""``zhiyang iri``: CSV and JSON output on the example profiles and on ERD files, and clear
errors (CommandError naming the line) for malformed files."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from zhiyang.analytics.roughness import iri

EXAMPLES = Path(__file__).parents[1] / "analytics" / "data" / "sroubek2021"
PROFILE_1_100M = [3.2985, 2.4421, 3.5551, 4.0855, 2.7079]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("iri", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_csv_on_the_regular_example() -> None:
    out, _ = run(str(EXAMPLES / "profile_1.txt"), "--segment-length", "100")
    lines = out.splitlines()
    assert lines[0] == "start_m,end_m,iri_m_per_km"
    assert lines[1] == "478.0,578.0,3.2985"
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [float(r["iri_m_per_km"]) for r in rows] == PROFILE_1_100M
    assert [r["end_m"] for r in rows][-1] == "978.0"


def test_segment_length_and_partial() -> None:
    path = str(EXAMPLES / "profile_1.txt")
    out, _ = run(path, "--segment-length", "20")
    assert len(out.splitlines()) == 1 + 27
    out, _ = run(path, "--segment-length", "100", "--include-partial")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 6 and rows[-1]["start_m"] == "978.0" and rows[-1]["end_m"] == "1022.0"


def test_json_on_the_irregular_example() -> None:
    out, _ = run(str(EXAMPLES / "profile_2.txt"), "--format", "json", "--segment-length", "100")
    doc = json.loads(out)
    assert [s["start_m"] for s in doc["segments"]] == [478.0, 578.0, 678.0, 778.0, 878.0]
    assert set(doc["segments"][0]) == {"start_m", "end_m", "iri_m_per_km"}
    assert doc["regular"] is False and doc["method"] == "exact"
    assert doc["segments"][0]["iri_m_per_km"] == pytest.approx(3.0161, abs=1e-4)
    resampled = json.loads(
        run(str(EXAMPLES / "profile_2.txt"), "--format", "json", "--irregular", "resample")[0]
    )
    assert resampled["method"] == "resampled" and resampled["sample_spacing_m"] == 0.25
    assert resampled["segments"][0]["iri_m_per_km"] == pytest.approx(3.0502, abs=1e-4)


def _write_erd(path: Path, left: np.ndarray, right: np.ndarray, dx: float = 0.25) -> None:
    rows = "\n".join(f"{a:.4f}, {b:.4f}" for a, b in zip(left, right, strict=True))
    path.write_text(
        "ERDFILEV2.00\n"
        f"      2, {left.size},      1,      1,      5,  {dx},   0.0,\n"
        "TITLE   Lane 1\n"
        "SHORTNAMLeft Elev, Right Elev\n"
        "UNITS   mm, mm\n"
        "XUNITS  m\n"
        "END\n" + rows + "\n"
    )


def test_multi_channel_erd_adds_a_column_per_path_and_the_lane_mean(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    left = np.cumsum(rng.normal(0, 1.0, 1201))  # mm
    right = np.cumsum(rng.normal(0, 1.5, 1201))
    path = tmp_path / "lane.erd"
    _write_erd(path, left, right)
    out, _ = run(str(path), "--segment-length", "100")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "start_m",
        "end_m",
        "iri_m_per_km",
        "iri_left_elev_m_per_km",
        "iri_right_elev_m_per_km",
    ]
    assert len(rows) == 1 + 3
    x = 0.25 * np.arange(1201)
    expected = iri(x, np.column_stack([left, right]) / 1000.0, 100.0).iri_m_per_km
    got = np.array([[float(v) for v in r[2:]] for r in rows[1:]])
    np.testing.assert_allclose(got[:, 1:], expected, atol=1e-4)
    np.testing.assert_allclose(got[:, 0], expected.mean(axis=1), atol=1e-4)
    doc = json.loads(run(str(path), "--format", "json")[0])
    assert doc["paths"] == ["Left Elev", "Right Elev"]
    assert set(doc["segments"][0]["paths"]) == {"Left Elev", "Right Elev"}


def test_malformed_erd_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.erd"
    _write_erd(path, np.zeros(100), np.zeros(100))
    lines = path.read_text().splitlines()
    lines[12] = "0.0, oops"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError, match=r"bad\.erd: line 13: 'oops' is not a number"):
        run(str(path))


def test_malformed_text_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("distance,elevation\n0,1\n0.25,1\n0.5\n")
    with pytest.raises(CommandError, match="line 4"):
        run(str(path))


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("0,0\n1,0\n2,0\n", [], "at least 11 m"),
        ("0,0\n1,0\n1,0\n" + "".join(f"{i},0\n" for i in range(2, 30)), [], "increasing"),
        ("".join(f"{i},0\n" for i in range(30)), ["--segment-length", "0"], "positive"),
    ],
)
def test_unusable_profiles_give_command_errors(
    tmp_path: Path, content: str, args: list[str], message: str
) -> None:
    path = tmp_path / "p.txt"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), *args)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "nope.erd"))


def test_profile_shorter_than_a_segment_warns(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("".join(f"{0.25 * i},{0.001 * (i % 3)}\n" for i in range(201)))
    out, err = run(str(path))
    assert out == "start_m,end_m,iri_m_per_km\n"
    assert "--include-partial" in err
    out, _ = run(str(path), "--include-partial")
    assert out.splitlines()[1].startswith("0.0,50.0,")


def test_console_command_reports_errors_without_a_traceback(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    path = tmp_path / "bad.csv"
    path.write_text("distance,elevation\n0,1\n0.25,x\n")
    env = {**os.environ, "ZHIYANG_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-m", "zhiyang.cli", "iri", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    # In the site's default language (Chinese): "bad.csv: 第 3 行：'x' 不是数字".
    assert done.stderr.startswith("CommandError: ") and "bad.csv: " in done.stderr
    assert "3" in done.stderr and "'x'" in done.stderr and "Traceback" not in done.stderr
    good = subprocess.run(
        [sys.executable, "-m", "zhiyang.cli", "iri", str(EXAMPLES / "profile_1.txt")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert good.returncode == 0
    assert good.stdout.splitlines()[:2] == ["start_m,end_m,iri_m_per_km", "478.0,578.0,3.2985"]
