"""Declarative tables: the columns of a list page, declared once, drawn as HTML (sortable,
paginated) and written to Excel with the same labels and values.

A table is a class whose attributes are columns, in the order they are declared::

    class HazardTable(Table):
        description = Column(_("Hazard"), link=DETAIL, truncate=40)
        level = BadgeColumn(_("Level"), prefix="safety-level-")
        status = Column(_("Status"), sort=True)
        place = ChainageColumn(_("Place"), sort=True)  # network.tables
        deadline = DateColumn(_("Deadline"), sort=True)

        class Meta:
            order_by = ("-reported_at", "-id")
            empty_text = _("No hazards in your scope.")

Why our own thin class and not django-tables2: the frame needs exactly four things from a
table (columns with translated labels, whitelisted sorting, our pagination include, an Excel
export of the filtered rows with display values), all in this project's markup and CSS.
django-tables2 brings its own templates, ordering and pagination conventions to override, and
exports through tablib (one more dependency) with its own value rules; this module is the
~250 lines we need, typed, and the cells are computed in Python once (templates only loop).

A column reads its value from ``accessor`` (a dotted path: ``route.code``; a choice field
gives its display label, like ``get_status_display``; a callable gets the row), or from the
attribute of its own name. ``link`` makes the cell a link: ``DETAIL`` (the row's
``get_absolute_url``), a URL name reversed with the row's pk, or a callable ``row -> url``.
``sort`` makes the header a sort link: ``True`` sorts by the accessor path, a string or
tuple names the ORM fields. ``template`` renders the cell with a small template (context:
``row``, ``value``, ``column``, and the request: ``{% csrf_token %}`` works, so a cell can
hold a small POST form) for the few cells that are more than a value. ``permission=(resource,
action)`` shows the column only to users whose role may do that (a column of action buttons).
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.paginator import Page
from django.db import models
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from zhiyang.core.pagination import DEFAULT_PER_PAGE, page_of

DETAIL = "__detail__"
SORT_PARAM = "sort"
EMPTY = "—"


class Column:
    """One column: a header label, where its value comes from, how a cell shows it."""

    _counter: ClassVar[int] = 0
    css_class = ""

    def __init__(
        self,
        label: Any = "",
        *,
        accessor: str | Callable[[Any], Any] | None = None,
        link: str | Callable[[Any], str | None] | None = None,
        sort: bool | str | Sequence[str] = False,
        css: str = "",
        template: str | None = None,
        truncate: int | None = None,
        export: bool = True,
        default: str = EMPTY,
        permission: tuple[str, str] | None = None,
    ) -> None:
        self.label = label
        self.accessor = accessor
        self.link = link
        self.sort = sort
        self.css = " ".join(filter(None, (self.css_class, css)))
        self.template = template
        self.truncate = truncate
        self.export = export
        self.default = default
        self.permission = permission
        self.name = ""
        Column._counter += 1
        self._order = Column._counter

    # ------------------------------------------------------------------ values
    def value(self, row: Any) -> Any:
        """The raw value of the cell (a choice field's label, a related object's attribute)."""
        accessor = self.accessor if self.accessor is not None else self.name
        if callable(accessor):
            return accessor(row)
        return resolve(row, accessor)

    def text(self, value: Any) -> str:
        """The value as the text a person reads (HTML-escaped by the template)."""
        if value is None or value == "":
            return self.default
        if isinstance(value, dt.datetime):
            return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
        if isinstance(value, dt.date):
            return formats.date_format(value, "Y-m-d")
        if isinstance(value, bool):
            from django.utils.translation import gettext

            return gettext("Yes") if value else gettext("No")
        text = str(value)
        if self.truncate:
            text = Truncator(text).chars(self.truncate)
        return text

    def shown_to(self, user: Any) -> bool:
        """True unless the column needs a permission the user's role lacks."""
        if self.permission is None:
            return True
        from zhiyang.core import actors

        return actors.may(user, *self.permission)

    def html(self, row: Any, value: Any, request: HttpRequest | None = None) -> SafeString | str:
        """The cell's content: the text (escaped later), or the cell template's output."""
        if self.template:
            return render_to_string(
                self.template, {"row": row, "value": value, "column": self}, request=request
            )
        return self.text(value)

    def export_value(self, row: Any) -> Any:
        """The value written to Excel: numbers and dates as such, the rest as its text."""
        value = self.value(row)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).replace(tzinfo=None)
        if isinstance(value, bool):
            return self.text(value)
        if isinstance(value, int | float | decimal.Decimal | dt.date):
            return value
        return str(value)

    def url(self, row: Any) -> str | None:
        if self.link is None:
            return None
        if self.link == DETAIL:
            getter = getattr(row, "get_absolute_url", None)
            return getter() if getter else None
        if callable(self.link):
            return self.link(row)
        return reverse(self.link, args=[row.pk])

    # ------------------------------------------------------------------ sorting
    def sort_fields(self) -> tuple[str, ...]:
        """The ORM fields this column sorts by (empty: not sortable)."""
        if not self.sort:
            return ()
        if self.sort is True:
            accessor = self.accessor if isinstance(self.accessor, str) else self.name
            return (accessor.replace(".", "__"),)
        if isinstance(self.sort, str):
            return (self.sort,)
        return tuple(self.sort)


class DateColumn(Column):
    """A date or a date and time (site time), never wrapped."""

    css_class = "nowrap"


class NumberColumn(Column):
    """A number, right-aligned, with ``decimals`` places and thousands grouped."""

    css_class = "num"

    def __init__(self, label: Any = "", *, decimals: int = 0, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.decimals = decimals

    def text(self, value: Any) -> str:
        if value is None or value == "":
            return self.default
        return formats.number_format(value, self.decimals, use_l10n=True, force_grouping=True)


class BadgeColumn(Column):
    """A choice shown as a badge. Its CSS class is ``prefix`` + the stored value, or what
    ``css_for(row)`` says (e.g. ``badge-warn`` for an active work zone)."""

    css_class = "nowrap"

    def __init__(
        self,
        label: Any = "",
        *,
        prefix: str = "badge-",
        css_for: Callable[[Any], str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, **kwargs)
        self.prefix = prefix
        self.css_for = css_for

    def badge_class(self, row: Any) -> str:
        if self.css_for is not None:
            return self.css_for(row)
        accessor = self.accessor if isinstance(self.accessor, str) else self.name
        return f"{self.prefix}{resolve(row, accessor, display=False)}"

    def html(self, row: Any, value: Any, request: HttpRequest | None = None) -> SafeString | str:
        if self.template:
            return super().html(row, value, request)
        return format_html(
            '<span class="badge {}">{}</span>', self.badge_class(row), self.text(value)
        )


def resolve(row: Any, path: str, *, display: bool = True) -> Any:
    """Follow a dotted ``path`` from ``row``; a model choice field gives its display label
    (unless ``display=False``); a callable at the end is called; a missing link gives None."""
    value = row
    parts = path.split(".")
    for i, part in enumerate(parts):
        if value is None:
            return None
        last = i == len(parts) - 1
        if display and last and isinstance(value, models.Model):
            getter = getattr(value, f"get_{part}_display", None)
            if getter is not None:
                return getter() if getattr(value, part) not in (None, "") else None
        value = getattr(value, part, None)
        if callable(value) and not isinstance(value, models.Manager):
            value = value()
    return value


@dataclass(frozen=True)
class Cell:
    column: Column
    content: SafeString | str
    url: str | None


@dataclass(frozen=True)
class Row:
    record: Any
    cells: list[Cell]
    css: str


@dataclass(frozen=True)
class Header:
    column: Column
    sort_key: str | None  # the ?sort= value a click asks for
    sorted: str  # "asc", "desc" or ""


class Table:
    """Rows of a queryset under the declared columns, sorted and paginated for a request.

    ``Meta`` (all optional): ``order_by`` (default ordering, after any ?sort=),
    ``per_page``, ``empty_text``, ``row_css`` (``row -> str``), ``id`` (the <table> id).
    """

    base_columns: ClassVar[dict[str, Column]] = {}

    class Meta:
        order_by: Sequence[str] = ("-pk",)
        per_page = DEFAULT_PER_PAGE
        empty_text: Any = ""
        row_css: Callable[[Any], str] | None = None
        id = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared: dict[str, Column] = {}
        for base in reversed(cls.__mro__[1:]):
            declared.update(getattr(base, "base_columns", {}))
        own = [(name, col) for name, col in vars(cls).items() if isinstance(col, Column)]
        for name, column in sorted(own, key=lambda item: item[1]._order):
            column.name = name
            declared[name] = column
        cls.base_columns = declared

    def __init__(self, queryset: models.QuerySet[Any], *, request: HttpRequest) -> None:
        self.request = request
        user = getattr(request, "user", None)
        self.columns = [c for c in self.base_columns.values() if c.shown_to(user)]
        self.meta = self._meta()
        self.sort = self._requested_sort()
        self.queryset = queryset.order_by(*self._ordering())
        self._page: Page | None = None

    @classmethod
    def _meta(cls) -> Any:
        merged = type("Meta", (), {})
        for klass in reversed(cls.__mro__):
            meta = vars(klass).get("Meta")
            if meta is not None:
                for key, value in vars(meta).items():
                    if not key.startswith("__"):
                        setattr(merged, key, value)
        return merged

    def _requested_sort(self) -> tuple[str, bool] | None:
        """(column name, descending) from ?sort=, only for a sortable column."""
        raw = self.request.GET.get(SORT_PARAM, "")
        name = raw.removeprefix("-")
        column = self.base_columns.get(name)
        if column is None or not column.sort_fields():
            return None
        return name, raw.startswith("-")

    def _ordering(self) -> list[str]:
        default = list(self.meta.order_by)
        if self.sort is None:
            return default
        name, descending = self.sort
        fields = [f"-{f}" if descending else f for f in self.base_columns[name].sort_fields()]
        return fields + [f for f in default if f.lstrip("-") not in {x.lstrip("-") for x in fields}]

    # ------------------------------------------------------------------ drawing
    @property
    def page(self) -> Page:
        if self._page is None:
            self._page = page_of(self.request, self.queryset, per_page=self.meta.per_page)
        return self._page

    def headers(self) -> list[Header]:
        result = []
        for column in self.columns:
            if not column.sort_fields():
                result.append(Header(column, None, ""))
                continue
            current = ""
            if self.sort and self.sort[0] == column.name:
                current = "desc" if self.sort[1] else "asc"
            key = f"-{column.name}" if current == "asc" else column.name
            result.append(Header(column, key, current))
        return result

    def rows(self) -> list[Row]:
        return [self.row(record) for record in self.page.object_list]

    def row(self, record: Any) -> Row:
        cells = []
        for column in self.columns:
            value = column.value(record)
            cells.append(Cell(column, column.html(record, value, self.request), column.url(record)))
        css = self.meta.row_css(record) if self.meta.row_css else ""
        return Row(record, cells, css)

    # ------------------------------------------------------------------ Excel
    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.export]

    def xlsx(self, *, title: str, limit: int) -> bytes:
        """Every row of the (filtered, sorted) queryset, up to ``limit``, as a workbook."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        columns = self.export_columns()
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=_sheet_title(title))
        header = []
        for column in columns:
            cell = _write_only_cell(sheet, str(column.label))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for record in _bounded(self.queryset, limit):
            sheet.append([column.export_value(record) for column in columns])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _write_only_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    return WriteOnlyCell(sheet, value=value)


def _sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")
    return (cleaned or "Sheet")[:31]


def _bounded(queryset: models.QuerySet[Any], limit: int) -> Iterable[Any]:
    return queryset[:limit].iterator(chunk_size=2000) if limit else queryset.iterator()
