"""What every safety frame page shares."""

from typing import ClassVar


class SafetyPage:
    """The chrome of a safety page: the safety tabs and stylesheet."""

    tabs: ClassVar[str | None] = "safety"
    body_class: ClassVar[str] = "page-safety"
    head_template: ClassVar[str | None] = "safety/_head.html"
