"""``zhiyang qc``: compaction and thermal sub-commands, JSON and text, heat maps, bad files."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

PNG = b"\x89PNG\r\n\x1a\n"


def tracks_csv(path: Path, passes: int = 3) -> Path:
    # One roller, `passes` forward/back passes over x in [0, 20] with a 2 m drum at y = 1.5:
    # 4 rows x 40 columns of 0.5 m cells, every cell with `passes` passes.
    rows = [
        "machine_id,time_s,easting_m,northing_m,drum_width_m,surface_temp_c,icmv,vibration,direction"
    ]
    x = np.arange(0, 20.01, 0.5)
    k = 0
    for p in range(passes):
        xs = x if p % 2 == 0 else x[::-1]
        for j, xi in enumerate(xs):
            if p and j == 0:
                continue
            rows.append(
                f"R1,{k * 0.5},{xi:.2f},1.5,2.0,{150 - 10 * p},40,on,{'forward' if p % 2 == 0 else 'reverse'}"  # noqa: E501
            )
            k += 1
    path.write_text("\n".join(rows) + "\n")
    return path


def scans_csv(path: Path) -> Path:
    rows = ["distance_m,offset_m,temp_c"]
    for d in np.arange(0, 91.45, 0.5):
        for o in np.arange(0, 4.01, 0.25):
            t = 120.0 if (d < 45.72 and o == 2.0) else 150.0
            rows.append(f"{d:.2f},{o:.2f},{t}")
    path.write_text("\n".join(rows) + "\n")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("qc", *args, stdout=out)
    return out.getvalue()


def test_compaction_json_and_heatmap(tmp_path):
    png = tmp_path / "passes.png"
    data = json.loads(
        run(
            "compaction",
            str(tracks_csv(tmp_path / "t.csv")),
            "--target-passes",
            "3",
            "--format",
            "json",
            "--heatmap",
            str(png),
            "--icmv-target",
            "35",
        )
    )
    assert data["cells_covered"] == 160
    assert data["pass_histogram"] == {"1": 0, "2": 0, "3": 160}
    assert data["pct_area_at_target"] == 100.0
    # A pass's temperature at a cell is that of the track vertex the drum reached while
    # sweeping it: each pass carries its own temperature, the turn-round cells included.
    assert data["temperature_by_pass_c"] == {"1": 150.0, "2": 140.0, "3": 130.0}
    assert data["vibration_on_pct"] == 100.0 and data["icmv"]["pct_above_target"] == 100.0
    assert png.read_bytes().startswith(PNG)


def test_compaction_text(tmp_path):
    text = run("compaction", str(tracks_csv(tmp_path / "t.csv", passes=2)), "--target-passes", "3")
    assert "160" in text and "0.0" in text


def test_thermal_json_and_text(tmp_path):
    path = scans_csv(tmp_path / "s.csv")
    png = tmp_path / "heat.png"
    data = json.loads(run("thermal", str(path), "--format", "json", "--tsi", "--heatmap", str(png)))
    assert [s["class"] for s in data["sublots"]] == ["severe", "none"]
    assert {"start_m", "end_m", "differential_c", "class"} <= set(data["sublots"][0])
    assert data["pct_by_class"] == {"none": 50.0, "moderate": 0.0, "severe": 50.0}
    assert png.read_bytes().startswith(PNG)
    assert "45.7" in run("thermal", str(path), "--sublot-length", "45.72")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("machine_id,time_s,easting_m,northing_m\nR,0,0,0\n", "drum_width_m"),
        ("machine_id,time_s,easting_m,northing_m,drum_width_m\nR,0,0,0,2\nR,x,0,0,2\n", "'x'"),
        ("machine_id,time_s,easting_m,northing_m,drum_width_m\nR,0,0,0,-2\n", "drum_width_m"),
        ("machine_id,time_s,easting_m,northing_m,drum_width_m\nR,0,nan,0,2\n", "easting_m"),
        ("", "1"),
    ],
)
def test_bad_track_files(tmp_path, content, needle):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CommandError) as exc:
        run("compaction", str(path), "--target-passes", "2")
    assert needle in str(exc.value)


def test_bad_options_and_missing_file(tmp_path):
    path = tracks_csv(tmp_path / "t.csv")
    with pytest.raises(CommandError):
        run("compaction", str(path), "--target-passes", "2", "--cell-size", "-1")
    with pytest.raises(CommandError):
        run("compaction", str(tmp_path / "missing.csv"), "--target-passes", "2")
    bad = tmp_path / "s.csv"
    bad.write_text("distance_m,offset_m,temp_c\n0,0,150\n1,0,hot\n")
    with pytest.raises(CommandError) as exc:
        run("thermal", str(bad))
    assert "3" in str(exc.value) and "temp_c" in str(exc.value)


def test_veta_file(tmp_path):
    path = tmp_path / "lot.txt"
    xs = ", ".join(f"{x:.1f}" for x in np.arange(0, 20.01, 0.5))
    n = len(np.arange(0, 20.01, 0.5))
    path.write_text(
        "data-lot-name: L1\nmachine-id: R7\nmachine-type: compactor\n"
        "spatial-reference-authority: EPSG\nspatial-reference-id: 32650\n"
        "footprint-perpendicular: 2.0\n"
        f"timestamp: {', '.join(str(i) for i in range(n))}\n"
        f"easting: {xs}\nnorthing: {', '.join(['1.5'] * n)}\n"
        f"surface-temperature: {', '.join(['140'] * n)}\n"
    )
    data = json.loads(
        run("compaction", str(path), "--veta", "--target-passes", "1", "--format", "json")
    )
    assert data["cells_covered"] == 160 and data["header"]["data-lot-name"] == "L1"
    path.write_text("timestamp: 0, 1\neasting: 0\nnorthing: 0, 1\nfootprint-perpendicular: 2\n")
    with pytest.raises(CommandError) as exc:
        run("compaction", str(path), "--veta", "--target-passes", "1")
    assert "easting" in str(exc.value)


def test_console_command(tmp_path):
    env = {
        **os.environ,
        "ZHIYANG_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "zhiyang.settings",
    }
    exe = Path(sys.executable).parent / "zhiyang"
    done = subprocess.run(
        [
            str(exe),
            "qc",
            "compaction",
            str(tracks_csv(tmp_path / "t.csv")),
            "--target-passes",
            "3",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["pct_area_at_target"] == 100.0
    bad = tmp_path / "bad.csv"
    bad.write_text("machine_id,time_s,easting_m,northing_m,drum_width_m\nR,0,0,0,x\n")
    done = subprocess.run(
        [str(exe), "qc", "compaction", str(bad), "--target-passes", "3"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr and "'x'" in done.stderr
