"""QC kernels over the telemetry lake, partition by partition, optionally on a Dask cluster.

No Django import: this module is importable on a bare Dask worker that has the ``zhiyang``
package (and numpy, numba, pyarrow, pyproj) installed.

Lake layout (written by the telemetry ingest):
``root/<machine_type>/date=YYYY-MM-DD/project=<code or _none>/machine=<code>/*.parquet`` with
columns ``device, seq, time (timestamp[ms, UTC]), lat, lon`` and the type's fields (roller:
``drum_width_m, surface_temp_c, icmv, direction, vibration, ...``; paver: ``mat_width_m,
mat_temp_c (list, left edge first, equally spaced edge to edge), ...``).

One task per machine partition (a ``machine=`` folder): read its files, drop duplicate
``(device, seq)`` keeping the first (files in name order), project lat/lon with **one** CRS for
the whole job, run the kernel. Roller tasks return pass events, which merge exactly (counts
add). The CRS is either given (``"EPSG:32650"``, any pyproj CRS string) or a local transverse
Mercator centred on the middle of the lat/lon extent of *all* selected partitions, read once
from the Parquet column statistics before any task runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyproj import Transformer

from zhiyang.analytics import compaction, thermal
from zhiyang.analytics.compaction import PassEvents, PassGrid

_DIRECTION = {"forward": 1, "reverse": -1, "stopped": 0}


def partitions(
    root: str | Path, machine_type: str, *, date: str, project: str | None = None
) -> list[Path]:
    """The ``machine=`` folders of one machine type, date and (optionally) project."""
    base = Path(root) / machine_type / f"date={date}"
    pattern = f"project={project}/machine=*" if project else "project=*/machine=*"
    return sorted(p for p in base.glob(pattern) if p.is_dir())


def _files(partition: Path) -> list[Path]:
    return sorted(partition.glob("*.parquet"))


def local_crs(paths: Sequence[Path]) -> str:
    """A transverse Mercator centred on the lat/lon extent of all partitions (from Parquet
    statistics, falling back to reading the columns), rounded to 1e-4 degree."""
    lo = [math.inf, math.inf]
    hi = [-math.inf, -math.inf]
    for part in paths:
        for f in _files(part):
            meta = pq.ParquetFile(f).metadata
            names = meta.schema.names
            for k, col in enumerate(("lat", "lon")):
                j = names.index(col)
                for rg in range(meta.num_row_groups):
                    stats = meta.row_group(rg).column(j).statistics
                    if stats is not None and stats.has_min_max:
                        lo[k] = min(lo[k], float(stats.min))
                        hi[k] = max(hi[k], float(stats.max))
                    else:
                        values = (
                            pq.read_table(f, columns=[col]).column(0).to_numpy(zero_copy_only=False)
                        )
                        lo[k] = min(lo[k], float(np.nanmin(values)))
                        hi[k] = max(hi[k], float(np.nanmax(values)))
    if not math.isfinite(lo[0]):
        raise ValueError("no data in the selected partitions")
    lat0 = round((lo[0] + hi[0]) / 2, 4)
    lon0 = round((lo[1] + hi[1]) / 2, 4)
    return (
        f"+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    )


def read_partition(partition: str | Path) -> pa.Table:
    """All files of a partition, duplicates of ``(device, seq)`` dropped (first kept)."""
    tables = [pq.read_table(f) for f in _files(Path(partition))]
    if not tables:
        raise ValueError(f"no parquet files in {partition}")
    table = pa.concat_tables(tables, promote_options="default")
    device = table.column("device").to_numpy(zero_copy_only=False).astype(str)
    seq = table.column("seq").to_numpy(zero_copy_only=False)
    order = np.lexsort((seq, device))
    d_s, s_s = device[order], seq[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = (d_s[1:] != d_s[:-1]) | (s_s[1:] != s_s[:-1])
    keep = np.sort(order[first]) if order.size else order  # stable lexsort: first in file order
    return table.take(pa.array(keep))


def _project(table: pa.Table, crs: str) -> tuple[np.ndarray, np.ndarray]:
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lon = table.column("lon").to_numpy(zero_copy_only=False).astype(np.float64)
    lat = table.column("lat").to_numpy(zero_copy_only=False).astype(np.float64)
    e, n = tr.transform(lon, lat)
    return np.asarray(e, dtype=np.float64), np.asarray(n, dtype=np.float64)


def _seconds(table: pa.Table) -> np.ndarray:
    ms = pc.cast(table.column("time"), pa.timestamp("ms", tz="UTC")).cast(pa.int64())
    return ms.to_numpy(zero_copy_only=False).astype(np.float64) / 1000.0


def _floats(table: pa.Table, name: str) -> np.ndarray | None:
    if name not in table.column_names:
        return None
    return pc.fill_null(pc.cast(table.column(name), pa.float64()), math.nan).to_numpy(
        zero_copy_only=False
    )


def roller_columns(table: pa.Table, crs: str) -> dict[str, Any]:
    """Kernel inputs of a roller table (projected)."""
    e, n = _project(table, crs)
    direction = None
    if "direction" in table.column_names:
        raw = table.column("direction").to_pylist()
        direction = np.array([_DIRECTION.get(v or "", 0) for v in raw], dtype=np.int8)
    vib = None
    if "vibration" in table.column_names:
        vib = np.array(
            [math.nan if v is None else float(v) for v in table.column("vibration").to_pylist()]
        )
    return {
        "machine_ids": table.column("device").to_numpy(zero_copy_only=False).astype(str),
        "time_s": _seconds(table),
        "easting_m": e,
        "northing_m": n,
        "drum_width_m": _floats(table, "drum_width_m"),
        "direction": direction,
        "surface_temp_c": _floats(table, "surface_temp_c"),
        "icmv": _floats(table, "icmv"),
        "vibration": vib,
    }


def roller_task(
    partition: str, crs: str, cell_size_m: float, max_gap_s: float
) -> tuple[PassEvents, int, int]:
    """One roller partition: its pass events, and vibration (on, known) sample counts."""
    cols = roller_columns(read_partition(partition), crs)
    vib = cols.pop("vibration")
    events, _ = compaction.pass_events(**cols, cell_size_m=cell_size_m, max_gap_s=max_gap_s)
    on = known = 0
    if vib is not None:
        ok = np.isfinite(vib)
        on, known = int((vib[ok] > 0).sum()), int(ok.sum())
    return events, on, known


def paver_points(table: pa.Table, crs: str) -> dict[str, dict[str, np.ndarray]]:
    """Per paver device: thermal points (distance along its path, offset from the left edge,
    temperature, time) from the ``mat_temp_c`` arrays."""
    e, n = _project(table, crs)
    t = _seconds(table)
    device = table.column("device").to_numpy(zero_copy_only=False).astype(str)
    widths = _floats(table, "mat_width_m")
    temps = table.column("mat_temp_c").to_pylist()
    out: dict[str, dict[str, np.ndarray]] = {}
    for dev in sorted(set(device)):
        idx = np.flatnonzero(device == dev)
        idx = idx[np.argsort(t[idx], kind="stable")]
        chain = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(e[idx]), np.diff(n[idx])))])
        d, o, tc, ts = [], [], [], []
        for k, i in enumerate(idx):
            row = temps[i]
            if not row or widths is None or not math.isfinite(widths[i]):
                continue
            vals = np.array([math.nan if v is None else v for v in row], dtype=np.float64)
            offs = np.linspace(0.0, widths[i], vals.size) if vals.size > 1 else np.zeros(1)
            ok = np.isfinite(vals)
            d.append(np.full(int(ok.sum()), chain[k]))
            o.append(offs[ok])
            tc.append(vals[ok])
            ts.append(np.full(int(ok.sum()), t[i]))
        if d:
            out[dev] = {
                k: np.concatenate(v)
                for k, v in (("distance_m", d), ("offset_m", o), ("temp_c", tc), ("time_s", ts))
            }
    return out


def paver_task(partition: str, crs: str, options: dict[str, Any]) -> dict[str, dict[str, Any]]:
    points = paver_points(read_partition(partition), crs)
    return {
        dev: thermal.thermal_profile(
            p["distance_m"], p["offset_m"], p["temp_c"], p["time_s"], **options
        )
        for dev, p in points.items()
    }


def _run(client: Any, fn: Callable[..., Any], items: list[str], *args: Any) -> list[Any]:
    if client is None:
        return [fn(item, *args) for item in items]
    futures = client.map(fn, items, *[[a] * len(items) for a in args], pure=False)
    return list(client.gather(futures))


def compaction_over_lake(
    root: str | Path,
    *,
    date: str,
    project: str | None = None,
    target_passes: int = compaction.DEFAULTS.target_passes,
    cell_size_m: float = compaction.DEFAULT_CELL_M,
    max_gap_s: float = compaction.DEFAULT_MAX_GAP_S,
    crs: str | None = None,
    client: Any = None,
    icmv_target: float | None = None,
) -> tuple[PassGrid, dict[str, Any]]:
    """Pass-count grid and QC summary of every roller of a day (and project) in the lake.
    ``client``: a ``distributed.Client`` (one task per machine partition) or None (in-process)."""
    parts = partitions(root, "roller", date=date, project=project)
    if not parts:
        raise ValueError(f"no roller partitions for {date} under {root}")
    crs = crs or local_crs(parts)
    results = _run(client, roller_task, [str(p) for p in parts], crs, cell_size_m, max_gap_s)
    events = [r[0] for r in results]
    merged = PassEvents(
        *(
            np.concatenate([getattr(ev, f) for ev in events])
            for f in ("ix", "iy", "time_s", "temp_c", "icmv")
        )
    )
    grid = compaction.grid_from_events(merged, cell_size_m)
    summary = compaction.summarize(grid, target_passes=target_passes, icmv_target=icmv_target)
    on, known = sum(r[1] for r in results), sum(r[2] for r in results)
    summary["vibration_on_pct"] = round(100.0 * on / known, 4) if known else None
    summary["crs"] = crs
    summary["partitions"] = len(parts)
    return grid, summary


def thermal_over_lake(
    root: str | Path,
    *,
    date: str,
    project: str | None = None,
    crs: str | None = None,
    client: Any = None,
    sublot_length_m: float = thermal.SUBLOT_M,
    edge_trim_m: float = thermal.EDGE_TRIM_M,
    tsi: bool = False,
) -> dict[str, dict[str, Any]]:
    """Thermal profile of every paver (by device) of a day (and project) in the lake."""
    parts = partitions(root, "paver", date=date, project=project)
    if not parts:
        raise ValueError(f"no paver partitions for {date} under {root}")
    crs = crs or local_crs(parts)
    options = {"sublot_length_m": sublot_length_m, "edge_trim_m": edge_trim_m, "tsi": tsi}
    out: dict[str, dict[str, Any]] = {}
    for result in _run(client, paver_task, [str(p) for p in parts], crs, options):
        out.update(result)
    return out
