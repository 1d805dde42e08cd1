"""What every patrol frame page shares."""

from typing import ClassVar


class PatrolPage:
    """The chrome of a patrol page: the patrol tabs and stylesheet."""

    tabs: ClassVar[str | None] = "patrol"
    body_class: ClassVar[str] = "page-patrol"
    head_template: ClassVar[str | None] = "patrol/_head.html"


def section_text(route_code: str, start_m: float, end_m: float) -> str:
    """``G109 K0+000–K8+000``."""
    from zhiyang.network.chainage import format_chainage

    return f"{route_code} {format_chainage(start_m)}–{format_chainage(end_m)}"
