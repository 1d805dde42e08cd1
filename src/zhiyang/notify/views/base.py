"""What every notify page shares."""

from typing import ClassVar


class NotifyPage:
    tabs: ClassVar[str | None] = "notify"
    body_class: ClassVar[str] = "page-notify"
    head_template: ClassVar[str | None] = "notify/_head.html"
