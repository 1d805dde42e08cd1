"""Who may read a worker's full ID number: the one place that decides.

The permission matrix has a pseudo-resource ``people.identity`` with the action ``view``.
Unlike real resources it is granted only by its own explicit entry: ``people.*`` or ``*``
(which give managers and engineers the right to *see* workers) do not unmask ID numbers.
Everybody else sees ``1402**********1234``.
"""

from __future__ import annotations

from typing import Any

from zhiyang.core import actors

IDENTITY_RESOURCE = "people.identity"


def may_see_identity(user: Any) -> bool:
    return actors.may(user, IDENTITY_RESOURCE, "view")


def display_id_number(user: Any, worker: Any) -> str:
    """The worker's ID number as ``user`` may see it (full or masked; "" when none)."""
    if not worker.id_number:
        return ""
    return worker.id_number if may_see_identity(user) else worker.masked_id_number
