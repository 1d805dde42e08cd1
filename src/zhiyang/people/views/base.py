"""What the people pages on the frame share."""

from __future__ import annotations

from typing import ClassVar


class PeoplePage:
    """Mixin for the frame views of the people app: its stylesheet."""

    head_template: ClassVar[str | None] = "people/includes/head.html"
