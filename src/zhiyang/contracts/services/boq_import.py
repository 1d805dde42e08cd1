"""Importing the bill of quantities from the owner's workbook (.xlsx) or CSV.

What owners issue, and what is read:

- headers in Chinese or English, found in the first rows (a title row above is fine):
  清单编号/子目号/细目号 (code), 项目名称/子目名称 (name), 单位 (unit), 数量/工程量
  (quantity), 单价/综合单价 (unit price), 合价/金额 (amount); units in brackets
  (``单价（元）``) are ignored — header matching is ``condition.imports.tables``';
- chapter rows ``第100章 总则`` (also in the code column with the name beside it), on one
  sheet or one sheet per chapter; sheets without such a header (a cover, a summary) are
  skipped;
- sub-items ``-a`` under a heading ``101-1`` become ``101-1-a``; heading rows without
  unit, quantity or price are not items; subtotal rows (合计/小计/总计) are skipped;
- merged cells: a value merged down several rows applies to each of them;
- numbers as text with thousands separators, full-width digits, ``¥``/``元``;
- lump sums: unit 总额/项 with no quantity is quantity 1 at the amount;
- CSV in UTF-8 or GB18030 (what Chinese Excel saves).

Everything is validated first; any error (reported by sheet, row and column as the file
names it) means nothing is written. The import is one transaction, audited on the
contract. A BOQ already measured is not replaced (use a variation).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhiyang.condition.imports.tables import _csv_rows, alias_table, is_blank, normalise
from zhiyang.contracts.models import BoqChapter, BoqItem, BoqRevision, Contract, MeasurementLine
from zhiyang.contracts.models.common import money, qty
from zhiyang.contracts.services.common import record_update
from zhiyang.core import actors, audit
from zhiyang.core.actors import Actor
from zhiyang.network.importexport.common import ImportValidationError, RowError

ALIASES = alias_table(
    {
        "code": [
            "清单编号",
            "子目号",
            "子目编号",
            "细目号",
            "细目编号",
            "项目编码",
            "编号",
            "清单号",
            "项目编号",
            "清单编码",
            "子目编码",
            "编码",
            "itemno",
        ],
        "name": ["项目名称", "子目名称", "细目名称", "名称", "清单名称", "工程名称", "description"],
        "unit": ["单位", "计量单位"],
        "quantity": ["数量", "工程量", "清单数量", "清单工程量", "工程数量", "qty"],
        "unit_price": ["单价", "综合单价", "price", "unitprice"],
        "amount": ["合价", "金额", "合计金额", "合价金额", "金额合计", "总价", "total"],
    }
)
LUMP_UNITS = frozenset({"总额", "项", "lumpsum", "ls"})
HEADER_SCAN_ROWS = 20
MAX_ROWS = 20_000
AMOUNT_TOLERANCE = Decimal("0.5")
_CHAPTER = re.compile(r"第\s*([0-9一二三四五六七八九十百千零〇]+)\s*章\s*(.*)$")
_SUBTOTAL = re.compile(r"(合\s*计|小\s*计|总\s*计)")
_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}


@dataclass
class ParsedItem:
    sheet: str
    row: int
    chapter: int | None
    code: str
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass
class ParsedBoq:
    chapters: dict[int, str] = field(default_factory=dict)
    items: list[ParsedItem] = field(default_factory=list)
    headings: int = 0
    subtotals: int = 0
    sheets: list[str] = field(default_factory=list)

    @property
    def total_yuan(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal("0"))


def chinese_number(text: str) -> int:
    """100 from "100" or "一百"."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _NUMERALS:
            current = _NUMERALS[char]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[char]
            total += (current or 1) * unit
            current = 0
    return total + current


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def decimal(value: Any) -> Decimal | None:
    """A Decimal from a cell: numbers, text with separators, full-width digits, ¥ and 元."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_("Not a number."))
    if isinstance(value, int | float):
        result = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        cleaned = unicodedata.normalize("NFKC", str(value))
        cleaned = re.sub(r"[\s,¥￥元]", "", cleaned)
        try:
            result = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not result.is_finite():
        raise ValueError(_("Not a finite number."))
    return result


def _sheets(data: bytes, filename: str) -> list[tuple[str, list[tuple[Any, ...]]]]:
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix in ("csv", "txt", "tsv"):
        return [("", _csv_rows(data))]
    if suffix not in ("xlsx", "xlsm"):
        raise ImportValidationError(
            [RowError(0, "", _("Unsupported file type; use .csv or .xlsx."))]
        )
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportValidationError(
            [
                RowError(
                    0,
                    "",
                    _("The file is not a readable Excel workbook: %(reason)s") % {"reason": exc},
                )
            ]
        ) from exc
    result = []
    for sheet in workbook.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        # A value merged down several rows belongs to each of them (across: the first only).
        for merged in sheet.merged_cells.ranges:
            if merged.max_row == merged.min_row:
                continue
            for col in range(merged.min_col, merged.max_col + 1):
                top = rows[merged.min_row - 1][col - 1] if merged.min_row - 1 < len(rows) else None
                for r in range(merged.min_row, merged.max_row):
                    if r < len(rows) and col - 1 < len(rows[r]):
                        rows[r][col - 1] = top if col == merged.min_col else None
        result.append((sheet.title, [tuple(r) for r in rows]))
    workbook.close()
    return result


def _header(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """(last header row index, field -> column, field -> header as written).

    A header in two rows (``金额（元）`` merged over ``单价 | 合价``) is read as one: the
    second row's names win for their columns."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        titles: dict[str, str] = {}
        for col, title in enumerate(row):
            name = ALIASES.get(normalise(text(title)))
            if name and name not in columns:
                columns[name], titles[name] = col, str(title).strip()
        if {"code", "name"} <= columns.keys() and (
            {"quantity", "unit_price", "amount"} & columns.keys()
        ):
            below = rows[index + 1] if index + 1 < len(rows) else ()
            found = {
                col: ALIASES.get(normalise(text(title)))
                for col, title in enumerate(below)
                if not is_blank(title)
            }
            mapped = {col: name for col, name in found.items() if name}
            if mapped and len(mapped) == len(found):
                for col, name in mapped.items():
                    columns[name], titles[name] = col, str(below[col]).strip()
                index += 1
            if {"quantity", "unit_price"} & columns.keys():
                return index, columns, titles
    return None


def parse(data: bytes, filename: str) -> ParsedBoq:
    """Read and validate the whole file; ImportValidationError lists every problem."""
    errors: list[RowError] = []
    result = ParsedBoq()
    seen: dict[str, tuple[str, int]] = {}
    chapter: int | None = None
    for sheet, rows in _sheets(data, filename):
        found = _header(rows)
        if found is None:
            continue
        start, columns, titles = found
        result.sheets.append(sheet)
        heading_code = ""
        for above in rows[:start]:  # "清单 第100章 总则" as the sheet's title
            for value in above:
                match = _CHAPTER.search(text(value))
                if match and not _SUBTOTAL.search(match.group(2)):
                    chapter = chinese_number(match.group(1))
                    result.chapters[chapter] = match.group(2).strip() or _("Chapter %(n)d") % {
                        "n": chapter
                    }
        for index in range(start + 1, min(len(rows), start + 1 + MAX_ROWS)):
            row = rows[index]
            number = index + 1

            def cell(
                name: str, row: tuple[Any, ...] = row, columns: dict[str, int] = columns
            ) -> Any:
                col = columns.get(name)
                return row[col] if col is not None and col < len(row) else None

            if not row or all(is_blank(v) for v in row):
                continue
            first = next((text(v) for v in row if not is_blank(v)), "")
            match = _CHAPTER.search(first)
            if match and not is_blank(cell("quantity")) and not _CHAPTER.search(text(cell("code"))):
                match = None  # an item whose name mentions a chapter
            if match:
                chapter = chinese_number(match.group(1))
                name = match.group(2).strip() or text(cell("name"))
                if _SUBTOTAL.search(name):
                    result.subtotals += 1
                    continue
                result.chapters[chapter] = name or _("Chapter %(n)d") % {"n": chapter}
                continue
            code, name, unit = text(cell("code")), text(cell("name")), text(cell("unit"))
            if _SUBTOTAL.search(code) or (not code and _SUBTOTAL.search(name)):
                result.subtotals += 1
                continue
            values: dict[str, Decimal | None] = {}
            for key in ("quantity", "unit_price", "amount"):
                try:
                    values[key] = decimal(cell(key))
                except ValueError as exc:
                    errors.append(RowError(number, titles.get(key, key), str(exc), sheet))
                    values[key] = None
            if not code:
                if not unit and values["quantity"] is None:
                    if name:
                        result.subtotals += 1  # a summary line (暂列金额, 总价…)
                    continue
                errors.append(RowError(number, titles["code"], _("The item has no code."), sheet))
                continue
            if not unit and all(v is None for v in values.values()):
                heading_code = code  # a heading (101-1) over its sub-items (-a, -b)
                result.headings += 1
                continue
            if code.startswith("-") and heading_code:
                code = heading_code + code
            quantity, price, amount = values["quantity"], values["unit_price"], values["amount"]
            if quantity is None and normalise(unit) in LUMP_UNITS:
                quantity = Decimal("1")
            if price is None and amount is not None and quantity:
                price = money(amount / quantity)
            problem = False
            for key, value in (("quantity", quantity), ("unit_price", price)):
                if value is None:
                    errors.append(
                        RowError(number, titles.get(key, key), _("This cell is needed."), sheet)
                    )
                    problem = True
                elif value < 0:
                    errors.append(
                        RowError(number, titles.get(key, key), _("Must not be negative."), sheet)
                    )
                    problem = True
            if not unit:
                errors.append(
                    RowError(number, titles.get("unit", "unit"), _("This cell is needed."), sheet)
                )
                problem = True
            if not name:
                errors.append(RowError(number, titles["name"], _("This cell is needed."), sheet))
                problem = True
            if code in seen:
                where = seen[code]
                errors.append(
                    RowError(
                        number,
                        titles["code"],
                        _("Item %(code)s is already on row %(row)d.")
                        % {"code": code, "row": where[1]},
                        sheet,
                    )
                )
                problem = True
            if problem or quantity is None or price is None:
                continue
            computed = money(quantity * price)
            if amount is not None and abs(amount - computed) > AMOUNT_TOLERANCE:
                errors.append(
                    RowError(
                        number,
                        titles.get("amount", "amount"),
                        _("The amount %(amount)s is not quantity × unit price (%(computed)s).")
                        % {"amount": amount, "computed": computed},
                        sheet,
                    )
                )
                continue
            if len(code) > 40 or len(name) > 300 or len(unit) > 20:
                errors.append(RowError(number, titles["name"], _("Text too long."), sheet))
                continue
            seen[code] = (sheet, number)
            result.items.append(
                ParsedItem(
                    sheet=sheet,
                    row=number,
                    chapter=chapter,
                    code=code,
                    name=name,
                    unit=unit,
                    quantity=qty(quantity),
                    unit_price=money(price),
                    amount=money(amount) if amount is not None else computed,
                )
            )
    if not result.sheets:
        errors.append(
            RowError(
                1,
                "",
                _("No sheet has BOQ headers (code, name, unit, quantity, unit price)."),
            )
        )
    elif not result.items and not errors:
        errors.append(RowError(1, "", _("The file has no BOQ items.")))
    if errors:
        raise ImportValidationError(errors)
    return result


@dataclass(frozen=True)
class BoqImportSummary:
    chapters: int
    items: int
    total_yuan: Decimal
    headings: int
    subtotals: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "chapters": self.chapters,
            "items": self.items,
            "total_yuan": str(self.total_yuan),
            "headings": self.headings,
            "subtotals": self.subtotals,
        }


def import_boq(*, actor: Actor, contract: Contract, data: bytes, filename: str) -> BoqImportSummary:
    """Replace the contract's BOQ by the file's (version 1); nothing changes on any error."""
    actors.require(actor, BoqItem, "add")
    parsed = parse(data, filename)
    if MeasurementLine.objects.filter(item__contract=contract).exists():
        raise ImportValidationError(
            [RowError(0, "", _("This BOQ has been measured; change it with a variation."))]
        )
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        before = audit.snapshot(contract)
        BoqRevision.objects.filter(item__contract=contract).delete()
        BoqItem.objects.filter(contract=contract).delete()
        BoqChapter.objects.filter(contract=contract).delete()
        chapters = {
            n: BoqChapter.objects.create(contract=contract, number=n, name=name[:200])
            for n, name in parsed.chapters.items()
        }
        items = BoqItem.objects.bulk_create(
            BoqItem(
                contract=contract,
                chapter=chapters.get(p.chapter) if p.chapter is not None else None,
                code=p.code,
                name=p.name,
                unit=p.unit,
                quantity=p.quantity,
                unit_price_yuan=p.unit_price,
                amount_yuan=p.amount,
                order=order,
                since_version=1,
            )
            for order, p in enumerate(parsed.items, start=1)
        )
        BoqRevision.objects.bulk_create(
            BoqRevision(
                item=item,
                version=1,
                quantity=item.quantity,
                unit_price_yuan=item.unit_price_yuan,
                amount_yuan=item.amount_yuan,
            )
            for item in items
        )
        contract.boq_version = 1
        contract.save(update_fields=["boq_version"])
        record_update(actor, contract, before)
    return BoqImportSummary(
        chapters=len(parsed.chapters),
        items=len(parsed.items),
        total_yuan=parsed.total_yuan,
        headings=parsed.headings,
        subtotals=parsed.subtotals,
    )
