"""What every assets frame page shares."""

from typing import ClassVar


class AssetsPage:
    """The chrome of an assets page: the assets tabs and stylesheet."""

    tabs: ClassVar[str | None] = "assets"
    body_class: ClassVar[str] = "page-assets"
    head_template: ClassVar[str | None] = "assets/_head.html"
