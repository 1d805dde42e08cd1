"""Importing the owner's BOQ workbook: Chinese headers, chapters, merged cells, numbers as
text; a bad workbook changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from zhiyang.contracts import services
from zhiyang.contracts.models import BoqChapter, BoqItem, BoqRevision
from zhiyang.contracts.services.boq_import import decimal, parse
from zhiyang.core.models import AuditLog
from zhiyang.network.importexport.common import ImportValidationError

D = Decimal


def owner_workbook(rows: list[list[Any]] | None = None, merge: bool = True) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "工程量清单"
    ws.append(["G109 日常养护工程 工程量清单"])
    ws.merge_cells("A1:F1")
    ws.append(["子目号", "子目名称", "单位", "数量", "单价（元）", "合价（元）"])
    for row in rows or [
        ["第100章 总则"],
        ["101-1", "保险费", None, None, None, None],
        ["-a", "建筑工程一切险", "总额", None, None, "20,000.00"],
        ["-b", "第三方责任险", "总额", "1", "5000", "5000"],
        ["第100章合计", None, None, None, None, "25000"],
        ["第300章", "路面"],
        ["301-1", "沥青混凝土面层 AC-13", "m2", "１，２００．５", "85.60", "102,762.80"],
        ["302-1", "密封胶灌缝", "m", 3000, 12.5, 37500],
        ["302-2", "坑槽修补", "m", 450, "￥120.00", 54000],
        ["小计", None, None, None, None, "194262.80"],
    ]:
        ws.append(row)
    if merge:
        # 单位 merged down over the two 302 items (owners do this).
        ws["C11"] = None
        ws.merge_cells("C10:C11")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_numbers_as_owners_write_them() -> None:
    assert decimal("1,234.50") == D("1234.50")
    assert decimal("１，２３４．５") == D("1234.5")
    assert decimal("￥120.00") == D("120.00")
    assert decimal("3 000 元") == D("3000")
    assert decimal(12.5) == D("12.5")
    assert decimal("—") is None
    with pytest.raises(ValueError):
        decimal("十二")


@pytest.mark.django_db
def test_owner_workbook_imported(world: dict[str, Any]) -> None:
    contract = world["contract"]
    summary = services.import_boq(
        actor=world["engineer"], contract=contract, data=owner_workbook(), filename="清单.xlsx"
    )
    assert summary.items == 5 and summary.chapters == 2
    assert summary.headings == 1 and summary.subtotals == 2
    items = {i.code: i for i in BoqItem.objects.filter(contract=contract)}
    assert sorted(items) == ["101-1-a", "101-1-b", "301-1", "302-1", "302-2"]
    assert items["101-1-a"].quantity == D("1") and items["101-1-a"].unit_price_yuan == D("20000")
    assert items["301-1"].quantity == D("1200.500")
    assert items["301-1"].amount_yuan == D("102762.80")  # 1 200.5 × 85.60
    assert items["302-2"].unit == "m"  # merged down from the row above
    assert items["302-2"].unit_price_yuan == D("120.00")
    assert items["301-1"].chapter.number == 300 and items["301-1"].chapter.name == "路面"
    # 20 000 + 5 000 + 102 762.80 + 37 500 + 54 000
    assert summary.total_yuan == D("219262.80")
    assert BoqRevision.objects.filter(item__contract=contract, version=1).count() == 5
    contract.refresh_from_db()
    assert contract.boq_version == 1
    assert AuditLog.objects.filter(resource="contracts.contract", action="update").exists()


@pytest.mark.django_db
def test_gb18030_csv(world: dict[str, Any]) -> None:
    text = (
        "清单编号,项目名称,单位,工程量,综合单价,金额\n"
        "第200章 路基,,,,,\n"
        '201-1,清理现场,m2,"1,000",3.50,"3,500.00"\n'
        "202-1,挖土方,m3,250.5,18,4509\n"
    )
    summary = services.import_boq(
        actor=world["engineer"],
        contract=world["contract"],
        data=text.encode("gb18030"),
        filename="boq.csv",
    )
    assert summary.items == 2 and summary.total_yuan == D("8009.00")
    assert BoqChapter.objects.get(contract=world["contract"]).name == "路基"


def _snapshot(contract: Any) -> list[tuple[Any, ...]]:
    return list(
        BoqItem.objects.filter(contract=contract)
        .order_by("code")
        .values_list("code", "quantity", "unit_price_yuan", "amount_yuan")
    )


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        ([["301-1", "面层", "m2", "12O0", "85", "102000"]], (3, "数量")),  # letter O
        ([["301-1", "面层", "m2", "100", "85", "9000"]], (3, "合价（元）")),  # ≠ 8 500
        ([["301-1", "面层", None, "100", "85", "8500"]], (3, "单位")),
        ([["301-1", "面层", "m2", "-5", "85", None]], (3, "数量")),
        (
            [["301-1", "面层", "m2", "1", "85", "85"], ["301-1", "又一个", "m2", "1", "1", "1"]],
            (4, "子目号"),
        ),
        ([[None, "面层", "m2", "1", "85", "85"]], (3, "子目号")),
    ],
)
@pytest.mark.django_db
def test_bad_workbook_changes_nothing(
    world: dict[str, Any], rows: list[list[Any]], where: tuple[int, str]
) -> None:
    contract = world["contract"]
    before = _snapshot(contract)
    audits = AuditLog.objects.count()
    with pytest.raises(ImportValidationError) as caught:
        services.import_boq(
            actor=world["engineer"],
            contract=contract,
            data=owner_workbook(rows, merge=False),
            filename="bad.xlsx",
        )
    assert (caught.value.errors[0].row, caught.value.errors[0].column) == where
    assert _snapshot(contract) == before
    assert AuditLog.objects.count() == audits


def test_unreadable_and_headerless_files() -> None:
    with pytest.raises(ImportValidationError):
        parse(b"not a zip", "x.xlsx")
    with pytest.raises(ImportValidationError):
        parse(b"a,b,c\n1,2,3\n", "x.csv")


@pytest.mark.django_db
def test_measured_boq_is_not_replaced(world: dict[str, Any]) -> None:
    import datetime as dt

    services.open_period(
        actor=world["engineer"], contract=world["contract"], month=dt.date(2026, 3, 1)
    )
    with pytest.raises(ImportValidationError):
        services.import_boq(
            actor=world["engineer"],
            contract=world["contract"],
            data=owner_workbook(),
            filename="x.xlsx",
        )


def test_two_row_header_and_jtg_layout() -> None:
    """The JTG template: a 序号 column, 金额（元） merged over 单价 | 合价, "清单 第100章"
    chapter rows, and a summary section without codes."""
    wb = Workbook()
    ws = wb.active
    ws.append(["清单 第100章 总则"])
    ws.append(["序号", "子目号", "子目名称", "单位", "数量", "金额（元）", None])
    ws.merge_cells("F2:G2")
    ws.append([None, None, None, None, None, "单价", "合价"])
    ws.append([1, "102-1", "竣工文件", "总额", 1, 30000, 30000])
    ws.append([2, "103-1", "临时道路修建、养护", "km", "2.5", "12,000", "30,000"])
    ws.append(["清单 第200章 路基"])
    ws.append([3, 203.1, "挖土方", "m3", 1000, 12.4, 12400])
    ws.append([None, None, "暂列金额", None, None, None, 50000])
    ws.append([None, None, "投标报价", None, None, None, 122400])
    buffer = io.BytesIO()
    wb.save(buffer)
    parsed = parse(buffer.getvalue(), "jtg.xlsx")
    assert [i.code for i in parsed.items] == ["102-1", "103-1", "203.1"]
    assert [i.chapter for i in parsed.items] == [100, 100, 200]
    assert parsed.items[1].unit_price == D("12000.00") and parsed.items[2].amount == D("12400")
    assert parsed.total_yuan == D("72400.00")
    assert parsed.subtotals == 2


def test_chinese_chapter_numerals_and_english_headers() -> None:
    text = "code,name,unit,quantity,unit_price,amount\n第三章 路面,,,,,\n3-1,面层,m2,10,5,50\n"
    parsed = parse(text.encode(), "x.csv")
    assert parsed.items[0].chapter == 3 and parsed.chapters == {3: "路面"}
