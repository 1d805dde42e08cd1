"""Manager pages at scale: the demo grown 10× and 100× (and how to go to 1,000×).

    .venv/bin/python benchmarks/web.py [--factors 1 10 100] [--repeat 7] [--data-dir DIR]
                                       [--database-url postgres://...] [--fresh]

What it does, in one process:

1. Loads the reference demo once (``zhiyang demo --no-serve``'s loader) into ``--data-dir``
   (SQLite; kept as ``demo-1x.sqlite3`` so later runs start from a copy) or into the
   PostgreSQL database of ``--database-url`` (rebuilt each run).
2. Grows it in place by bulk-created copies of the demo's routes (with their sections, their
   geometry shifted on a grid so every copy is its own stretch of map), surveys, survey
   intervals, evaluation units, distress records and machines: copy *k* of route ``G109`` is
   ``G109-k``. Growing from 10× to 100× adds 90 copies (``bulk_create`` in batches; no ORM
   ``save()`` loops, no rating: the copies carry the demo's computed indices).
3. At each factor, logs the demo ``manager`` in with the Django test ``Client`` and requests
   each page ``--repeat`` times after one warm-up request; prints p50 / p95 / size per page
   and the growth factor of p50 against the 1× run, then one summary line (the slowest p95
   at the largest factor, against the 1 s target).

1,000× (a province and more: 6,000 routes, ≈ 110,000 km, 226,000 units, 2.2 M intervals):
``--factors 1 100 1000`` on PostgreSQL (``--database-url``); it takes about 10× the 100×
build time and a few GB of disk. Growing is incremental, so the factors must increase.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _setup(data_dir: Path, database_url: str | None) -> None:
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    os.environ["ZHIYANG_DATA_DIR"] = str(data_dir)
    if database_url:
        os.environ["ZHIYANG_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyang.settings")
    # Pages render without collectstatic (the hashed manifest is a deployment step).
    os.environ.setdefault(
        "ZHIYANG_STATIC_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    import django

    django.setup()


def _load_demo(data_dir: Path, database_url: str | None, fresh: bool) -> None:
    """The 1× demo: a copy of the cached SQLite file, or loaded afresh."""
    db = data_dir / "zhiyang.sqlite3"
    pristine = data_dir / "demo-1x.sqlite3"
    if not database_url and pristine.exists() and not fresh:
        shutil.copyfile(pristine, db)
        _setup(data_dir, database_url)
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        return
    if not database_url:
        data_dir.mkdir(parents=True, exist_ok=True)
        for path in (db, pristine):
            path.unlink(missing_ok=True)
    _setup(data_dir, database_url)
    from django.core.management import call_command

    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    from zhiyang.demo.services import load_demo

    started = time.perf_counter()
    load_demo()
    print(f"demo loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if not database_url:
        from django.db import connection

        connection.close()
        shutil.copyfile(db, pristine)


# --- Growing -------------------------------------------------------------------------------


def _shift(geometry: Any, dx: float, dy: float) -> Any:
    if not geometry or "coordinates" not in geometry:
        return geometry
    coords = geometry["coordinates"]
    if geometry.get("type") == "Point":
        return {**geometry, "coordinates": [coords[0] + dx, coords[1] + dy, *coords[2:]]}
    return {**geometry, "coordinates": [[c[0] + dx, c[1] + dy, *c[2:]] for c in coords]}


class Grower:
    """Copies of the demo's network-bound rows, added copy by copy with bulk_create."""

    BATCH = 2000

    def __init__(self) -> None:
        from zhiyang.condition.models import Distress, Survey, SurveyInterval, SurveyUnit
        from zhiyang.fleet.models import Equipment
        from zhiyang.network.models import Route, Section

        self.models = (Route, Section, Survey, SurveyInterval, SurveyUnit, Distress, Equipment)
        self.base = {m: list(m.objects.values()) for m in self.models}
        routes = self.base[Route]
        boxes = [r for r in routes if r["min_lon"] is not None]
        self.width = max(r["max_lon"] for r in boxes) - min(r["min_lon"] for r in boxes) + 0.05
        self.height = max(r["max_lat"] for r in boxes) - min(r["min_lat"] for r in boxes) + 0.05
        self.copies = 1

    def offset(self, k: int) -> tuple[float, float]:
        """Copy k's place on a 10-wide grid east and north of the demo."""
        return (k % 10) * self.width, (k // 10) * self.height

    def _create(self, model: Any, rows: list[dict[str, Any]]) -> list[Any]:
        objs = [model(**row) for row in rows]
        return model.objects.bulk_create(objs, batch_size=self.BATCH)

    def grow_to(self, factor: int) -> float:
        from django.db import transaction

        from zhiyang.condition.models import Distress, Survey, SurveyInterval, SurveyUnit
        from zhiyang.fleet.models import Equipment
        from zhiyang.network.models import Route, Section

        started = time.perf_counter()
        with transaction.atomic():
            for k in range(self.copies, factor):
                dx, dy = self.offset(k)
                route_rows = []
                for r in self.base[Route]:
                    row = {**r, "id": None, "code": f"{r['code']}-{k}"}
                    row["geometry"] = _shift(r["geometry"], dx, dy)
                    for name, d in (("min_lon", dx), ("max_lon", dx)):
                        row[name] = None if r[name] is None else r[name] + d
                    for name, d in (("min_lat", dy), ("max_lat", dy)):
                        row[name] = None if r[name] is None else r[name] + d
                    route_rows.append(row)
                new_routes = self._create(Route, route_rows)
                route_map = {
                    r["id"]: n.pk for r, n in zip(self.base[Route], new_routes, strict=True)
                }
                self._create(
                    Section,
                    [
                        {
                            **s,
                            "id": None,
                            "route_id": route_map[s["route_id"]],
                            "geometry": _shift(s["geometry"], dx, dy),
                        }
                        for s in self.base[Section]
                    ],
                )
                new_surveys = self._create(
                    Survey,
                    [
                        {**s, "id": None, "route_id": route_map[s["route_id"]]}
                        for s in self.base[Survey]
                    ],
                )
                survey_map = {
                    s["id"]: n.pk for s, n in zip(self.base[Survey], new_surveys, strict=True)
                }
                self._create(
                    SurveyInterval,
                    [
                        {**i, "id": None, "survey_id": survey_map[i["survey_id"]]}
                        for i in self.base[SurveyInterval]
                    ],
                )
                self._create(
                    SurveyUnit,
                    [
                        {
                            **u,
                            "id": None,
                            "survey_id": survey_map[u["survey_id"]],
                            "route_id": route_map[u["route_id"]],
                        }
                        for u in self.base[SurveyUnit]
                    ],
                )
                self._create(
                    Distress,
                    [
                        {
                            **d,
                            "id": None,
                            "route_id": route_map[d["route_id"]],
                            "survey_id": survey_map.get(d["survey_id"]),
                            "lon": None if d["lon"] is None else d["lon"] + dx,
                            "lat": None if d["lat"] is None else d["lat"] + dy,
                            "client_uuid": uuid.uuid4() if d["client_uuid"] else None,
                            "photo": "",
                        }
                        for d in self.base[Distress]
                    ],
                )
                self._create(
                    Equipment,
                    [
                        {
                            **e,
                            "id": None,
                            "code": f"{e['code']}-{k}",
                            "pin": f"{e['pin']}-{k}" if e["pin"] else "",
                            "last_longitude": None
                            if e["last_longitude"] is None
                            else e["last_longitude"] + dx,
                            "last_latitude": None
                            if e["last_latitude"] is None
                            else e["last_latitude"] + dy,
                        }
                        for e in self.base[Equipment]
                    ],
                )
        self.copies = max(self.copies, factor)
        from django.db import connection

        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return time.perf_counter() - started


def network_size() -> dict[str, Any]:
    from zhiyang.condition.models import SurveyInterval, SurveyUnit
    from zhiyang.network.models import Route

    routes = list(Route.objects.values_list("start_m", "end_m"))
    return {
        "routes": len(routes),
        "km": sum(e - s for s, e in routes) / 1000,
        "units": SurveyUnit.objects.count(),
        "intervals": SurveyInterval.objects.count(),
    }


# --- Pages ---------------------------------------------------------------------------------


def pages(grower: Grower) -> list[tuple[str, str]]:
    """(label, URL) of the manager pages and map data requests to time."""
    from zhiyang.condition import reports

    year = (reports.available_years(_manager()) or [""])[0]
    # One demo copy's extent at a street-level zoom; the whole demo area at zoom 9.
    boxes = [r for r in grower.base[grower.models[0]] if r["min_lon"] is not None]
    west, south = min(r["min_lon"] for r in boxes), min(r["min_lat"] for r in boxes)
    east, north = max(r["max_lon"] for r in boxes), max(r["max_lat"] for r in boxes)
    mid_lon, mid_lat = (west + east) / 2, (south + north) / 2
    near = f"{mid_lon - 0.08:.4f},{mid_lat - 0.05:.4f},{mid_lon + 0.08:.4f},{mid_lat + 0.05:.4f}"
    demo = f"{west:.4f},{south:.4f},{east:.4f},{north:.4f}"
    base = f"/condition/map/units.geojson?year={year}&index=pqi"
    return [
        ("/ (dashboard)", "/"),
        ("/condition/map/", "/condition/map/"),
        ("units.geojson (all)", base),
        ("units.geojson bbox demo z9", f"{base}&bbox={demo}&zoom=9"),
        ("units.geojson bbox z13", f"{base}&bbox={near}&zoom=13"),
        ("/condition/statistics/", "/condition/statistics/"),
        ("/condition/worst/", "/condition/worst/"),
        ("/condition/surveys/", "/condition/surveys/"),
        ("/fleet/map/data.geojson", "/fleet/map/data.geojson"),
        ("fleet data bbox z9", f"/fleet/map/data.geojson?bbox={demo}&zoom=9"),
        ("api fleet positions", "/api/v1/fleet/positions.geojson"),
        ("api sections geojson", "/api/v1/network/sections/geojson/"),
        ("api sections bbox z9", f"/api/v1/network/sections/geojson/?bbox={demo}&zoom=9"),
        ("api distress", "/api/v1/condition/distress/"),
    ]


def _manager() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="manager")


def time_pages(urls: list[tuple[str, str]], repeat: int) -> dict[str, dict[str, float]]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(_manager())
    results: dict[str, dict[str, float]] = {}
    for label, url in urls:
        response = client.get(url)  # warm-up (and the status check)
        if response.status_code != 200:
            print(f"  {label}: HTTP {response.status_code}", file=sys.stderr)
        times = []
        size = len(response.content) if hasattr(response, "content") else 0
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            body = response.content if not response.streaming else b"".join(response)
            times.append(time.perf_counter() - started)
            size = len(body)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results[label] = {
            "p50": statistics.median(times) * 1000,
            "p95": p95 * 1000,
            "kb": size / 1024,
            "status": response.status_code,
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "zhiyang-bench-web"
    )
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--fresh", action="store_true", help="reload the demo from scratch")
    parser.add_argument("--only", nargs="*", default=None, help="labels (substrings) to time")
    args = parser.parse_args()
    if args.factors != sorted(args.factors) or args.factors[0] < 1:
        parser.error("--factors must increase from 1")

    _load_demo(args.data_dir, args.database_url, args.fresh)
    grower = Grower()
    from django.db import connection

    print(
        f"database: {connection.vendor}; cores: {os.cpu_count()}; repeat {args.repeat} "
        "after one warm-up"
    )
    urls = pages(grower)
    if args.only:
        urls = [(label, url) for label, url in urls if any(o in label for o in args.only)]
    by_factor: dict[int, dict[str, dict[str, float]]] = {}
    for factor in args.factors:
        built = grower.grow_to(factor)
        size = network_size()
        print(
            f"\n{factor}×: {size['routes']} routes, {size['km']:,.0f} km, {size['units']:,} "
            f"units, {size['intervals']:,} intervals (grown in {built:.1f} s)"
        )
        by_factor[factor] = time_pages(urls, args.repeat)
        first = by_factor[args.factors[0]]
        print(f"{'page':<30} {'p50 ms':>9} {'p95 ms':>9} {'KB':>9} {'growth':>8}")
        for label, row in by_factor[factor].items():
            growth = row["p50"] / first[label]["p50"] if first[label]["p50"] else float("nan")
            print(
                f"{label:<30} {row['p50']:>9.0f} {row['p95']:>9.0f} {row['kb']:>9.0f} "
                f"{'×' + format(growth, '.1f'):>8}"
            )
    last = args.factors[-1]
    worst_label, worst = max(by_factor[last].items(), key=lambda kv: kv[1]["p95"])
    verdict = "meets" if worst["p95"] < 1000 else "misses"
    print(
        f"\nsummary: at {last}× the slowest page is {worst_label} at p95 {worst['p95']:.0f} ms "
        f"({verdict} the 1 s target)"
    )


if __name__ == "__main__":
    main()
