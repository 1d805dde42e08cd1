"""The OpenAPI schema of the whole API is generated without a warning: no two components
share a name, every choice set has one enum name (settings.ENUM_NAME_OVERRIDES)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


def test_schema_of_every_app_without_warnings(capsys: Any) -> None:
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    apps = {path.split("/")[3] for path in schema["paths"]}
    assert {"core", "network", "condition", "people", "fleet", "safety", "standards"} <= apps
    captured = capsys.readouterr()
    assert "Warning" not in captured.err and "Error" not in captured.err, captured.err
    assert not GENERATOR_STATS, GENERATOR_STATS
