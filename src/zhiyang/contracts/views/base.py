"""What every contracts frame page shares, and the POST of a workflow step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect


class ContractsPage:
    """The chrome of a contracts page: the contracts tabs and stylesheet."""

    tabs: ClassVar[str | None] = "contracts"
    body_class: ClassVar[str] = "page-contracts"
    head_template: ClassVar[str | None] = "contracts/_head.html"


def run_step(request: Any, step: Callable[[], Any], done: Any, url: str) -> HttpResponse:
    """Run a service step; its ValidationError becomes a message; back to ``url``."""
    try:
        step()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, str(done))
    return redirect(url)
