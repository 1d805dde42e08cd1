"""Dask scale-out over a small lake written here with pyarrow: the same grids and summaries as
the plain in-process kernel on the concatenated data."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhiyang.analytics import compaction, thermal
from zhiyang.qc import scaleout

DATE = "2026-11-20"
T0 = 1_790_000_000_000  # ms
LAT0, LON0 = 30.5, 114.3
M_PER_DEG_LAT = 111_000.0


def roller_table(device, y_m, n_passes, t0_ms, seq0=0):
    x = np.arange(0, 60.01, 0.4)
    xs = np.concatenate([x if p % 2 == 0 else x[::-1] for p in range(n_passes)])
    size = xs.size
    lon = LON0 + xs / (M_PER_DEG_LAT * np.cos(np.radians(LAT0)))
    lat = np.full(size, LAT0 + y_m / M_PER_DEG_LAT)
    direction = np.repeat(["forward", "reverse"] * n_passes, x.size)[:size].tolist()
    direction[3] = None
    return pa.table(
        {
            "device": pa.array([device] * size, pa.string()),
            "seq": pa.array(seq0 + np.arange(size), pa.int64()),
            "time": pa.array(t0_ms + 500 * np.arange(size), pa.timestamp("ms", tz="UTC")),
            "lat": lat,
            "lon": lon,
            "heading_deg": np.zeros(size),
            "speed_kmh": np.full(size, 3.0),
            "drum_width_m": np.full(size, 2.1),
            "frequency_hz": np.full(size, 30.0),
            "amplitude_mm": np.full(size, 0.5),
            "surface_temp_c": pa.array(150.0 - np.arange(size) * 0.01, pa.float64()),
            "icmv": pa.array(
                [None if i % 17 == 0 else 40.0 + i % 5 for i in range(size)], pa.float64()
            ),
            "direction": pa.array(direction, pa.string()),
            "vibration": pa.array([i % 3 != 0 for i in range(size)], pa.bool_()),
        }
    )


def paver_table(device, t0_ms):
    size = 500
    s = 0.2 * np.arange(size)  # 0.2 m per record
    lon = LON0 + s / (M_PER_DEG_LAT * np.cos(np.radians(LAT0)))
    rng = np.random.default_rng(1)
    temps = [list(150 + rng.normal(0, 5, 12)) for _ in range(size)]
    return pa.table(
        {
            "device": pa.array([device] * size, pa.string()),
            "seq": pa.array(np.arange(size), pa.int64()),
            "time": pa.array(t0_ms + 2000 * np.arange(size), pa.timestamp("ms", tz="UTC")),
            "lat": np.full(size, LAT0),
            "lon": lon,
            "speed_m_per_min": np.full(size, 6.0),
            "screed_temp_c": np.full(size, 150.0),
            "mat_width_m": np.full(size, 4.5),
            "thickness_mm": np.full(size, 40.0),
            "mat_temp_c": pa.array(temps, pa.list_(pa.float64())),
        }
    )


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    root = tmp_path_factory.mktemp("lake")
    tables = {}
    for k, (dev, y, passes) in enumerate((("R1", 1.0, 3), ("R2", 2.5, 4), ("R3", 4.0, 2))):
        t = roller_table(dev, y, passes, T0 + k * 60_000)
        tables[dev] = t
        part = (
            root
            / "roller"
            / f"date={DATE}"
            / ("project=G4" if k < 2 else "project=_none")
            / f"machine={dev}"
        )
        part.mkdir(parents=True)
        half = t.num_rows // 2
        pq.write_table(t.slice(0, half + 10), part / "a.parquet")  # 10 rows duplicated
        pq.write_table(t.slice(half), part / "b.parquet", row_group_size=100)
    part = root / "paver" / f"date={DATE}" / "project=G4" / "machine=P1"
    part.mkdir(parents=True)
    tables["P1"] = paver_table("P1", T0)
    pq.write_table(tables["P1"], part / "a.parquet")
    return root, tables


def _direct(tables, crs):
    cols = [scaleout.roller_columns(tables[d], crs) for d in ("R1", "R2", "R3")]
    cat = {k: np.concatenate([c[k] for c in cols]) for k in cols[0]}
    vib = cat.pop("vibration")
    grid = compaction.pass_grid(**cat, cell_size_m=0.5)
    return grid, compaction.summarize(grid, target_passes=3, vibration=vib)


def test_in_process_matches_kernel(lake):
    root, tables = lake
    grid, summary = scaleout.compaction_over_lake(root, date=DATE, target_passes=3)
    ref_grid, ref = _direct(tables, summary["crs"])
    assert np.array_equal(grid.counts, ref_grid.counts) and grid.origin_e == ref_grid.origin_e
    assert np.array_equal(grid.temp_first_c, ref_grid.temp_first_c, equal_nan=True)
    assert {k: summary[k] for k in ref} == ref
    assert summary["pass_histogram"]["4"] > 0 and summary["partitions"] == 3
    only = scaleout.compaction_over_lake(root, date=DATE, project="G4", target_passes=3)[1]
    assert only["partitions"] == 2


def test_distributed_matches_in_process(lake):
    distributed = pytest.importorskip("distributed")
    root, tables = lake
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        grid, summary = scaleout.compaction_over_lake(
            root, date=DATE, target_passes=3, client=client
        )
        profiles = scaleout.thermal_over_lake(root, date=DATE, client=client)
    local_grid, local = scaleout.compaction_over_lake(root, date=DATE, target_passes=3)
    assert np.array_equal(grid.counts, local_grid.counts)
    assert np.array_equal(grid.icmv_last, local_grid.icmv_last, equal_nan=True)
    assert summary == local
    # Thermal: the paver's 12 temperatures span 4.5 m; distance from its positions (0.2 m/rec).
    pts = scaleout.paver_points(tables["P1"], summary["crs"])["P1"]
    ref = thermal.thermal_profile(**pts)
    assert profiles == {"P1": ref} == scaleout.thermal_over_lake(root, date=DATE)
    assert ref["length_m"] == pytest.approx(99.8, rel=0.01)  # 111 km/deg is approximate
    assert len(ref["sublots"]) == 3
