"""Fixtures for the demo tests: a fast password hasher and the loaded demo."""

from __future__ import annotations

from typing import Any

import pytest

from zhiyang.demo.services import DemoSummary


@pytest.fixture(autouse=True)
def fast_hasher(settings: Any) -> None:
    # The demo creates nine users; the production hasher would make each load take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(shared_demo: DemoSummary, fast_hasher: None) -> DemoSummary:
    """The reference demo, built once per session (tests/shared_demo.py) and restored into
    this test's transaction, which is rolled back after it."""
    return shared_demo
