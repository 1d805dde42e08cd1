"""The Excel import template with its bilingual column notes."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from zhiyang.network.importexport.common import DISTRICT_FIELDS, ROUTE_FIELDS, SECTION_FIELDS
from zhiyang.network.importexport.export import new_sheet, workbook_bytes

# Column notes of the template: (sheet, column, required, 中文说明, English description).
TEMPLATE_NOTES: list[tuple[str, str, str, str, str]] = [
    (
        "districts",
        "code",
        "是 yes",
        "行政区划代码（GB/T 2260，数字），如 140213",
        "Administrative division code (GB/T 2260, digits), e.g. 140213",
    ),
    ("districts", "name", "是 yes", "中文名称", "Chinese name"),
    ("districts", "name_en", "否 no", "英文名称", "English name"),
    (
        "routes",
        "code",
        "是 yes",
        "路线编号，如 G208、S203；已存在则更新",
        "Route code such as G208 or S203; an existing route is updated",
    ),
    ("routes", "name", "是 yes", "路线名称", "Route name"),
    ("routes", "name_en", "否 no", "英文名称", "English name"),
    (
        "routes",
        "admin_level",
        "是 yes",
        "行政等级：national 国道 / provincial 省道 / county 县道",
        "Administrative level: national / provincial / county",
    ),
    (
        "routes",
        "tech_class",
        "是 yes",
        "技术等级：expressway 高速 / class1 一级 / class2 二级 / class3 三级 / class4 四级",
        "Technical class: expressway / class1 / class2 / class3 / class4",
    ),
    (
        "routes",
        "pavement",
        "是 yes",
        "路面类型：asphalt 沥青 / concrete 水泥混凝土",
        "Pavement: asphalt / concrete",
    ),
    (
        "routes",
        "start_m",
        "否 no",
        "起点桩号，米（如 0 或 K0+000），默认 0",
        "Start chainage in metres (e.g. 0 or K0+000), default 0",
    ),
    (
        "routes",
        "end_m",
        "是 yes",
        "终点桩号，米（如 18200 或 K18+200），须大于起点",
        "End chainage in metres (e.g. 18200 or K18+200), after the start",
    ),
    (
        "routes",
        "geometry",
        "否 no",
        "中心线，WKT 格式 LINESTRING (经度 纬度, 经度 纬度, …)，WGS 84，从起点到终点",
        "Centre line as WKT LINESTRING (lon lat, lon lat, ...), WGS 84, from start to end",
    ),
    (
        "sections",
        "route",
        "是 yes",
        "路线编号（本文件或系统中已有）",
        "Route code (in this file or already in the system)",
    ),
    (
        "sections",
        "direction",
        "否 no",
        "方向：up 上行 / down 下行 / both 双向，默认 both",
        "Direction: up / down / both (default both)",
    ),
    (
        "sections",
        "start_m",
        "是 yes",
        "起点桩号，米或 K12+345 格式，须在路线范围内",
        "Start chainage, metres or K12+345, within the route's range",
    ),
    (
        "sections",
        "end_m",
        "是 yes",
        "终点桩号，米或 K12+345 格式，须大于起点",
        "End chainage, metres or K12+345, after the start",
    ),
    ("sections", "lanes", "否 no", "车道数，1–20，默认 2", "Number of lanes, 1–20, default 2"),
    ("sections", "width_m", "是 yes", "行车道宽度，米", "Carriageway width in metres"),
    (
        "sections",
        "pavement",
        "是 yes",
        "路面类型：asphalt / concrete",
        "Pavement: asphalt / concrete",
    ),
    (
        "sections",
        "district",
        "是 yes",
        "所在区县的行政区划代码（本文件或系统中已有）",
        "Division code of its district (in this file or already in the system)",
    ),
]

TEMPLATE_INTRO = [
    "导入规则：先校验整个文件，任何错误都会按行和列列出，且不写入任何数据；"
    "区县和路线按编号新增或更新；文件中每条路线的路段整体替换该路线已有的路段。"
    "路段几何由路线中心线按桩号自动生成。",
    "Import rules: the whole file is validated first; every error is listed by row and "
    "column and nothing is written. Districts and routes are created or updated by code; "
    "for every route in the file, its sections in the file replace the route's existing "
    "sections. Section geometry is derived from the route centre line by chainage.",
]


def excel_template() -> bytes:
    """A blank exchange workbook with one example row per sheet and a 说明 (notes) sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    new_sheet(workbook, "districts", DISTRICT_FIELDS).append(["140213", "平城区", "Pingcheng"])
    new_sheet(workbook, "routes", [*ROUTE_FIELDS, "geometry"]).append(
        [
            "G208",
            "二连浩特—河源线",
            "Erenhot–Heyuan",
            "national",
            "class1",
            "asphalt",
            0,
            12000,
            "LINESTRING (113.28 40.05, 113.31 40.09, 113.33 40.15)",
        ]
    )
    new_sheet(workbook, "sections", SECTION_FIELDS).append(
        ["G208", "both", "K0+000", "K12+000", 4, 15, "asphalt", "140213"]
    )
    notes = workbook.create_sheet("说明 notes")
    for line in TEMPLATE_INTRO:
        notes.append([line])
    notes.append([])
    notes.append(["sheet 工作表", "column 列", "required 必填", "说明", "description"])
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
    for row in TEMPLATE_NOTES:
        notes.append(list(row))
    for letter, width in zip("ABCDE", (14, 14, 12, 60, 60), strict=True):
        notes.column_dimensions[letter].width = width
    return workbook_bytes(workbook)
