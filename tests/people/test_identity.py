"""ID numbers: encrypted at rest, unique and searchable by keyed hash, masked per role,
never in the audit trail."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiyang.core import crypto
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog
from zhiyang.people import identity, services
from zhiyang.people.models import Worker
from zhiyang.people.validators import mask_id_number, validate_id_number

from .conftest import ID_NUMBER

pytestmark = pytest.mark.django_db


def _raw_column(worker: Worker) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM people_worker WHERE id = %s", [worker.pk])
        return cursor.fetchone()[0]


def test_id_number_is_encrypted_at_rest_and_read_back(worker_factory):
    worker = worker_factory(id_number=ID_NUMBER)
    raw = _raw_column(worker)
    assert ID_NUMBER not in raw and raw.startswith(crypto.TOKEN_PREFIX)
    assert Worker.objects.get(pk=worker.pk).id_number == ID_NUMBER
    # The hash column is keyed: not a plain digest of the number.
    import hashlib

    assert worker.id_number_hash != hashlib.sha256(ID_NUMBER.encode()).hexdigest()


def test_key_from_environment_and_rotation(monkeypatch, worker_factory):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.KEY_ENV, old)
    crypto.reset_key_cache()
    try:
        worker = worker_factory(id_number=ID_NUMBER)
        monkeypatch.setenv(crypto.KEY_ENV, f"{new},{old}")  # rotated: the old still decrypts
        crypto.reset_key_cache()
        assert Worker.objects.get(pk=worker.pk).id_number == ID_NUMBER
        monkeypatch.setenv(crypto.KEY_ENV, "not-a-key")
        crypto.reset_key_cache()
        with pytest.raises(Exception, match="ZHIYANG_FIELD_KEY"):
            crypto.field_keys()
    finally:
        monkeypatch.delenv(crypto.KEY_ENV)
        crypto.reset_key_cache()


def test_id_number_validation_and_uniqueness_per_organisation(worker_factory, two_districts):
    validate_id_number("11010519491231002X")  # the standard's worked example
    with pytest.raises(ValidationError):
        validate_id_number("110105194912310021")  # wrong check character
    with pytest.raises(ValidationError):
        validate_id_number("1101051949")
    worker_factory(id_number=ID_NUMBER)
    with pytest.raises(ValidationError, match="already exists"):
        worker_factory(id_number=ID_NUMBER.lower())
    # Another organisation may employ the same person.
    worker_factory(id_number=ID_NUMBER, organisation=two_districts["org_east"])


def test_find_by_id_number_through_the_hash(worker_factory):
    worker = worker_factory(id_number=ID_NUMBER)
    found = services.find_worker_by_id_number(Worker.objects.all(), f" {ID_NUMBER} ")
    assert found == worker


@pytest.mark.parametrize(
    ("role", "full"),
    [
        ("admin", True),
        ("safety_officer", True),
        ("manager", False),
        ("engineer", False),
    ],
)
def test_masking_follows_the_matrix(role, full, make_user, worker_factory, two_districts):
    worker = worker_factory(id_number=ID_NUMBER)
    user = make_user(role=role, organisation=two_districts["org_west"])
    shown = identity.display_id_number(user, worker)
    assert shown == (ID_NUMBER if full else "1402**********3414")
    assert identity.may_see_identity(user) is full


def test_mask_keeps_only_the_ends():
    assert mask_id_number(ID_NUMBER) == "1402**********3414"
    assert mask_id_number("") == ""


def test_audit_trail_never_holds_the_id_number(worker_factory):
    worker = worker_factory(id_number=ID_NUMBER)
    services.update_worker(actor=SYSTEM, worker=worker, data={"id_number": "11010519491231002X"})
    entries = AuditLog.objects.filter(resource="people.worker", object_id=str(worker.pk))
    assert entries.count() == 2
    for entry in entries:
        text = str(entry.before) + str(entry.after)
        assert ID_NUMBER not in text and "11010519491231002X" not in text
        assert (entry.after or entry.before)["id_number"] == crypto.REDACTED
    update = entries.get(action="update")
    assert "id_number_hash" in update.changed_fields()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_character_property(first17):
    """Exactly one check character makes an 18-character number valid; masking keeps the
    length and the first and last four characters and hides the rest."""
    from zhiyang.people.validators import id_check_character

    good = first17 + id_check_character(first17)
    validate_id_number(good)
    for other in "0123456789X":
        if other != good[-1]:
            with pytest.raises(ValidationError):
                validate_id_number(first17 + other)
    masked = mask_id_number(good)
    assert len(masked) == 18 and masked[:4] == good[:4] and masked[-4:] == good[-4:]
    assert set(masked[4:-4]) == {"*"}
