"""Table columns for places on the network (the page frame's tables: core/pages/tables.py)."""

from __future__ import annotations

from typing import Any

from zhiyang.core.pages.tables import Column, resolve
from zhiyang.network.chainage import format_chainage


class ChainageColumn(Column):
    """A place on the network: route code and chainage (``G109 K12+345``), or a range when
    ``end`` names a second chainage field. ``route`` and ``start``/``end`` are dotted paths."""

    css_class = "nowrap"

    def __init__(
        self,
        label: Any = "",
        *,
        route: str | None = "route.code",
        start: str = "chainage_m",
        end: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("accessor", self._place)
        super().__init__(label, **kwargs)
        self.route_path, self.start_path, self.end_path = route, start, end

    def _place(self, row: Any) -> str | None:
        start = resolve(row, self.start_path)
        if start is None:
            return None
        text = format_chainage(start)
        if self.end_path:
            end = resolve(row, self.end_path)
            if end is not None:
                text = f"{text}–{format_chainage(end)}"
        code = resolve(row, self.route_path) if self.route_path else None
        return f"{code} {text}" if code else text

    def sort_fields(self) -> tuple[str, ...]:
        if self.sort is True:
            paths = [p for p in (self.route_path, self.start_path) if p]
            return tuple(p.replace(".", "__") for p in paths)
        return super().sort_fields()
