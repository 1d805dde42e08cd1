"""Asset imports: Excel, GeoJSON, zipped Shapefile and GeoPackage (written here with
pyogrio), placed by attributes or by geometry; a bad file writes nothing and lists every
error by row and column."""

from __future__ import annotations

import io
import json
import pathlib
import zipfile
from typing import Any

import numpy as np
import pytest
import shapely
from openpyxl import Workbook

from zhiyang.assets import services
from zhiyang.assets.models import Asset
from zhiyang.core.models import AuditLog
from zhiyang.network import linref
from zhiyang.network.importexport.common import ImportValidationError


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "assets"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["code", "type", "name", "route", "start", "end", "side", "attr_sign_code"]


def test_excel_import_creates_and_updates(assets_world: dict[str, Any]) -> None:
    eng = assets_world["engineer"]
    data = _xlsx(
        [
            HEADER,
            ["S-1", "sign", "限速40", "G109", "K0+500", "", "right", "B38"],
            ["M-1", "marking", "", "G109", "K1+000", "K3+000", "centre", ""],
            ["G109-GR-001", "guardrail", "renamed", "G109", 1200, 1900, "right", ""],
        ]
    )
    result = services.import_assets(actor=eng, data=data, filename="a.xlsx")
    assert (result.created, result.updated) == (2, 1)
    assert Asset.objects.get(code="S-1").attributes == {"sign_code": "B38"}
    assert Asset.objects.get(code="G109-GR-001").end_m == 1900
    assert (
        AuditLog.objects.filter(
            resource="assets.asset", object_id=str(Asset.objects.get(code="S-1").pk)
        ).count()
        == 1
    )


def test_bad_excel_writes_nothing_and_lists_every_error(assets_world: dict[str, Any]) -> None:
    eng = assets_world["engineer"]
    before = Asset.objects.count()
    data = _xlsx(
        [
            HEADER,
            ["S-1", "sign", "", "G109", "K0+500", "", "right", ""],  # fine, but not written
            ["S-2", "spaceship", "", "G109", "K0+600", "", "right", ""],
            ["S-3", "sign", "", "S203", "K0+100", "", "right", ""],  # east route: not mine
            ["S-4", "sign", "", "G109", "K99+000", "", "right", ""],  # off the route
            ["S-5", "guardrail", "", "G109", "K1+000", "", "right", ""],  # linear without end
            ["S-1", "sign", "", "G109", "K0+700", "", "right", ""],  # duplicate code
            ["S-6", "sign", "", "G109", "K0+x", "", "right", ""],
            ["S-7", "sign", "", "G109", "K0+900", "", "upwards", ""],
        ]
    )
    with pytest.raises(ImportValidationError) as info:
        services.import_assets(actor=eng, data=data, filename="a.xlsx")
    found = {(e.row, e.column) for e in info.value.errors}
    assert {
        (3, "type"),
        (4, "route"),
        (5, "start"),
        (6, "end"),
        (7, "code"),
        (8, "start"),
        (9, "side"),
    } <= found
    assert Asset.objects.count() == before
    assert not Asset.objects.filter(code="S-1").exists()


def test_not_a_file_we_read(assets_world: dict[str, Any]) -> None:
    eng = assets_world["engineer"]
    for data, name in [(b"x", "a.xlsx"), (b"{", "a.geojson"), (b"PK", "a.zip"), (b"", "a.txt")]:
        with pytest.raises(ImportValidationError):
            services.import_assets(actor=eng, data=data, filename=name)


def _points_on(route: Any, chainages: list[float]) -> list[tuple[float, float]]:
    coords = linref.route_coords(route)
    lons, lats = linref.points_at_coords(coords, route.start_m, route.end_m, chainages)
    return list(zip(lons.tolist(), lats.tolist(), strict=True))


def test_geojson_placed_by_geometry(assets_world: dict[str, Any]) -> None:
    g1 = assets_world["g1"]
    (p1, p2, p3) = _points_on(g1, [4000.0, 6000.0, 6500.0])
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "SG-9", "type": "sign"},
                "geometry": {"type": "Point", "coordinates": list(p1)},
            },
            {
                "type": "Feature",
                "properties": {"code": "FE-9", "type": "fence"},
                "geometry": {"type": "LineString", "coordinates": [list(p2), list(p3)]},
            },
        ],
    }
    result = services.import_assets(
        actor=assets_world["engineer"], data=json.dumps(doc).encode(), filename="x.geojson"
    )
    assert result.created == 2
    assert Asset.objects.get(code="SG-9").start_m == pytest.approx(4000.0, abs=1.0)
    fence = Asset.objects.get(code="FE-9")
    assert (fence.start_m, fence.end_m) == (
        pytest.approx(6000.0, abs=1.0),
        pytest.approx(6500.0, abs=1.0),
    )
    far = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "SG-10", "type": "sign"},
                "geometry": {"type": "Point", "coordinates": [100.0, 30.0]},
            }
        ],
    }
    with pytest.raises(ImportValidationError) as info:
        services.import_assets(
            actor=assets_world["engineer"], data=json.dumps(far).encode(), filename="x.geojson"
        )
    assert [(e.row, e.column) for e in info.value.errors] == [(2, "geometry")]


def _write_layer(path: pathlib.Path, driver: str, route: Any) -> None:
    import pyogrio

    (p1,) = _points_on(route, [7000.0])
    geometry = np.array([shapely.to_wkb(shapely.Point(p1))], dtype=object)
    fields = [
        np.array(["CU-7"], dtype=object),
        np.array(["culvert"], dtype=object),
        np.array(["box"], dtype=object),
    ]
    pyogrio.raw.write(
        str(path),
        geometry,
        fields,
        ["code", "type", "attr_culvert"],
        driver=driver,
        geometry_type="Point",
        crs="EPSG:4326",
    )


def test_shapefile_zip_and_geopackage(assets_world: dict[str, Any], tmp_path: pathlib.Path) -> None:
    g1 = assets_world["g1"]
    _write_layer(tmp_path / "culverts.shp", "ESRI Shapefile", g1)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("culverts.*"):
            zf.write(part, part.name)
    result = services.import_assets(
        actor=assets_world["engineer"], data=archive.getvalue(), filename="culverts.zip"
    )
    assert result.created == 1
    culvert = Asset.objects.get(code="CU-7")
    assert culvert.start_m == pytest.approx(7000.0, abs=1.0)
    assert culvert.attributes == {"culvert": "box"}
    _write_layer(tmp_path / "c.gpkg", "GPKG", g1)
    result = services.import_assets(
        actor=assets_world["engineer"], data=(tmp_path / "c.gpkg").read_bytes(), filename="c.gpkg"
    )
    assert (result.created, result.updated) == (0, 1)


def test_import_needs_the_right(assets_world: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_assets(actor=assets_world["viewer"], data=b"", filename="a.xlsx")
