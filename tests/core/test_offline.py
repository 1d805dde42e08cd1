"""core.offline.handle_post: the one way phone form views answer an offline re-post."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.test import RequestFactory
from django.utils import translation

from zhiyang.core import offline

JSON = {"HTTP_ACCEPT": "application/json", "HTTP_X_ZHIYANG_OFFLINE": "replay"}


class Thing:
    def __init__(self, pk: int) -> None:
        self.pk = pk

    def get_absolute_url(self) -> str:
        return f"/things/{self.pk}/"


class ThingForm(forms.Form):
    name = forms.CharField(max_length=10)
    chainage = forms.FloatField(required=False)
    client_uuid = forms.UUIDField(required=False)


def _json(response: Any) -> Any:
    return json.loads(response.content)


def _post(data: dict[str, Any], as_json: bool = True) -> Any:
    return RequestFactory().post("/things/new/", data, **(JSON if as_json else {}))


def _done(thing: Thing, created: bool) -> HttpResponse:
    return redirect(f"/things/{thing.pk}/?created={int(created)}")


def _run(request: Any, save: Any, **kwargs: Any) -> Any:
    form = ThingForm(request.POST)
    return form, offline.handle_post(request, form, save=save, success=_done, **kwargs)


def test_created_and_repeat_answer_201_then_200() -> None:
    request = _post({"name": "a", "client_uuid": str(uuid.uuid4())})
    assert offline.wants_json(request) and offline.is_replay(request)
    _form, response = _run(request, lambda form: (Thing(7), True))
    assert response.status_code == 201
    assert _json(response) == {"id": 7, "created": True, "url": "/things/7/?created=1"}
    _form, response = _run(request, lambda form: (Thing(7), False))
    assert response.status_code == 200
    assert _json(response)["created"] is False and _json(response)["id"] == 7


def test_invalid_form_is_400_with_translated_messages() -> None:
    with translation.override("zh-hans"):
        _form, response = _run(_post({"name": ""}), lambda form: pytest.fail("saved"))
    assert response.status_code == 400
    errors = _json(response)["errors"]
    assert list(errors) == ["name"] and errors["name"] == ["该字段是必填项。"]
    with translation.override("en"):
        _form, response = _run(_post({"name": ""}), lambda form: pytest.fail("saved"))
    assert _json(response)["errors"]["name"] == ["This field is required."]


def test_service_errors_follow_the_aliases() -> None:
    def refuse(form: Any) -> Any:
        raise ValidationError({"chainage_m": "off the route", "elsewhere": "no"})

    _form, response = _run(_post({"name": "a"}), refuse, aliases={"chainage_m": "chainage"})
    assert response.status_code == 400
    assert _json(response)["errors"] == {"chainage": ["off the route"], "__all__": ["no"]}


def test_a_browser_post_gets_the_page_as_before() -> None:
    form, response = _run(_post({"name": ""}, as_json=False), lambda form: pytest.fail("saved"))
    assert response is None and form.errors["name"]
    form, response = _run(_post({"name": "a"}, as_json=False), lambda form: (Thing(3), True))
    assert response.status_code == 302 and response["Location"] == "/things/3/?created=1"

    def refuse(form: Any) -> Any:
        raise ValidationError("closed")

    form, response = _run(_post({"name": "a"}, as_json=False), refuse)
    assert response is None and form.non_field_errors() == ["closed"]


def test_existing_answers_a_repeat_before_validating() -> None:
    key = str(uuid.uuid4())
    seen = {key: Thing(9)}
    # The form would fail now (no name), but the entry was received before: 200, not 400.
    _form, response = _run(
        _post({"client_uuid": key}),
        lambda form: pytest.fail("saved twice"),
        existing=seen.get,
    )
    assert response.status_code == 200 and _json(response)["id"] == 9

    def foreign(client_uuid: str) -> Any:
        raise ValidationError({"client_uuid": "This client id is already used."})

    _form, response = _run(
        _post({"name": "a", "client_uuid": key}), lambda f: None, existing=foreign
    )
    assert response.status_code == 400
    assert _json(response)["errors"] == {"client_uuid": ["This client id is already used."]}
    form, response = _run(
        _post({"name": "a", "client_uuid": key}, as_json=False), lambda f: None, existing=foreign
    )
    assert response is None and form.errors["client_uuid"]


def test_errors_response_shapes() -> None:
    assert offline.errors_response(ValidationError(["a", "b"])).content == (
        b'{"errors": {"__all__": ["a", "b"]}}'
    )
    response = offline.errors_response({"x": "one", "y": ["two"]}, status=409)
    assert response.status_code == 409
    assert response.content == b'{"errors": {"x": ["one"], "y": ["two"]}}'


def test_saved_response_without_url() -> None:
    class Bare:
        pk = 4

    response = offline.saved_response(Bare(), created=True)
    assert response.status_code == 201 and response.content == b'{"id": 4, "created": true}'
