"""The API's JSON parser: deep, wide, long and non-finite documents answer a structured 400."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from zhiyang.core import jsonsafe
from zhiyang.core.api.parsers import JSONLimits, loads_limited
from zhiyang.core.choices import Role

pytestmark = pytest.mark.django_db

DEEP = '{"description": ' + "[" * 20_000 + "]" * 20_000 + "}"


def _post(client: Any, url: str, body: str) -> Any:
    return client.generic("POST", url, body, content_type="application/json")


def _assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    error = response.json()["error"]
    assert error["status"] == status and error["code"] and error["message"]
    return error


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/network/routes/",
        "/api/v1/network/sections/",
        "/api/v1/safety/hazards/",
        "/api/v1/condition/distress/",
        "/api/v1/standards/overrides/",
        "/api/v1/auth/token/",
    ],
)
def test_deep_json_is_a_structured_400_everywhere(
    url: str, make_user: Any, api_client_for: Any
) -> None:
    client = api_client_for(make_user(role=Role.ADMIN))
    error = _assert_error(_post(client, url, DEEP), 400)
    assert "64" in error["message"]


@pytest.mark.parametrize(
    "body",
    [
        '{"a": NaN}',
        '{"a": Infinity}',
        '{"a": -Infinity}',
        '{"a": 1e400}',
        '{"a": ' + "9" * 400 + "}",
        '{"a": "' + "x" * 100_001 + '"}',
        "[" + ",".join(["1"] * 10_001) + "]",
        "{" + ",".join(f'"k{i}": 1' for i in range(1_001)) + "}",
        '{"a": ',
        "\xff\xfe",
    ],
)
def test_bad_documents_are_400(body: str, make_user: Any, api_client_for: Any) -> None:
    client = api_client_for(make_user(role=Role.ADMIN))
    _assert_error(_post(client, "/api/v1/network/routes/", body), 400)


def test_body_over_the_limit_is_413_in_both_languages(make_user: Any, api_client_for: Any) -> None:
    client = api_client_for(make_user(role=Role.ADMIN))
    body = '{"name": "' + "x" * 3_000_000 + '"}'
    english = client.generic(
        "POST",
        "/api/v1/network/routes/",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "too large" in _assert_error(english, 413)["message"]
    chinese = client.generic(
        "POST",
        "/api/v1/network/routes/",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    message = _assert_error(chinese, 413)["message"]
    assert "too large" not in message


def test_brackets_inside_strings_do_not_count() -> None:
    text = '{"a": "' + "[" * 500 + '", "b": "\\"[[["}'
    assert jsonsafe.nesting_depth(text) == 1
    assert loads_limited(text.encode()) == {"a": "[" * 500, "b": '"[[['}


def test_depth_limit_is_exact() -> None:
    limits = JSONLimits(depth=3)
    assert loads_limited(b"[[[1]]]", limits) == [[[1]]]
    with pytest.raises(Exception, match="3"):
        loads_limited(b"[[[[1]]]]", limits)


@override_settings(API_JSON_LIMITS={"depth": 2})
def test_limits_come_from_settings() -> None:
    assert JSONLimits.from_settings().depth == 2


@given(st.recursive(st.integers() | st.text(max_size=5), lambda c: st.lists(c, max_size=3)))
def test_depth_scan_matches_the_parsed_value(value: Any) -> None:
    import json

    assert jsonsafe.nesting_depth(json.dumps(value)) == jsonsafe.value_depth(value)


def test_toml_comments_do_not_hide_depth() -> None:
    text = "a = " + "[\n# ]\n" * 100 + "1" + "]" * 100
    with pytest.raises(jsonsafe.TooDeep):
        jsonsafe.toml_loads(text)
