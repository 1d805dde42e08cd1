"""Who performs a write: a user, or the system itself.

Every service takes ``actor`` as a keyword-only argument typed ``Actor``: either a ``User``
(checked against the permission matrix and the organisation scope) or ``SYSTEM`` (the demo,
management commands run by an operator, scheduled jobs, the telemetry ingest), which may do
anything and is written to the audit trail as "system". ``None`` is not an actor: a service
that receives it refuses, so "nobody" can never be mistaken for "the system".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Protocol, TypeAlias, cast, final

from django.core.exceptions import PermissionDenied

from zhiyang.core.roles import resource_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zhiyang.core.models import Organisation, User


@final
class System:
    """The system as an actor (one instance: ``SYSTEM``)."""

    _instance: System | None = None
    username: Final = "system"
    is_authenticated: Final = False
    is_superuser: Final = False

    def __new__(cls) -> System:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "system"

    def __reduce__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = System()

Actor: TypeAlias = "User | System"


def is_system(actor: object) -> bool:
    """True for the system actor."""
    return actor is SYSTEM


def may(actor: Actor | AnonymousUser, resource: str, action: str = "view") -> bool:
    """True if ``actor`` may ``action`` on ``resource`` by the permission matrix.

    The system may do everything; a user as the matrix says (superusers everything); an
    anonymous or inactive user nothing (so a page may pass ``request.user`` as it is). The
    one answer to "may this actor ...", used for pseudo-resources such as ``works.approval``.
    """
    if actor is SYSTEM:
        return True
    if actor is None:
        raise TypeError("actor is None: pass a User or zhiyang.core.actors.SYSTEM")
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return False
    return bool(actor.may(resource, action))  # type: ignore[union-attr]


def require(actor: Actor, resource: str | type, action: str, message: str = "") -> None:
    """Refuse (``PermissionDenied`` with ``message``) unless ``may(actor, resource, action)``;
    ``resource`` is a matrix name or a model class. The check at the top of a service."""
    name = resource if isinstance(resource, str) else resource_of(resource)
    if not may(actor, name, action):
        raise PermissionDenied(message or None)


def audit_user(actor: Actor | None) -> User | None:
    """The user to store on an audit row or a ``…_by`` field (``None`` for the system)."""
    if actor is SYSTEM or actor is None:
        return None
    return actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[return-value]


def organisation_of(actor: Actor) -> Organisation | None:
    """The actor's organisation (``None`` for the system and for users without one)."""
    if actor is SYSTEM:
        return None
    return cast("User", actor).organisation


class _SignedIn(Protocol):
    @property
    def user(self) -> Any: ...


def user_of(request: _SignedIn) -> User:
    """The signed-in user of a page or API request, as the actor of the writes it asks for.

    The login middleware (pages) and DRF's authentication (API) let no anonymous request
    reach a view that writes; this says so to the type checker and refuses if one did.
    """
    user = request.user
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    return cast("User", user)
