"""Loading the reference demo: the Datong network, two organisations and a user per role.

Everything here is idempotent: running it again changes nothing and duplicates nothing, except
that demo users get their password reset to the demo password. Writes go through the audited
services with ``actor=SYSTEM`` (core.actors).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import import_module, resources
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from zhiyang.core.actors import SYSTEM
from zhiyang.core.choices import Role
from zhiyang.core.models import Organisation, User
from zhiyang.core.services import create_object, update_object
from zhiyang.network.models import District

DEFAULT_DEMO_PASSWORD = "zhiyang-demo"  # noqa: S105 - a documented demo password, not a secret

BRANCH_CODE = "datong-branch"
BRANCH_NAME = "大同公路养护分部"
WORKS_AREA_CODE = "yanggao-tianzhen"
WORKS_AREA_NAME = "阳高天镇工区"
WORKS_AREA_DISTRICTS = ("140221", "140222")  # 阳高县, 天镇县
SCOPED_VIEWER = "yanggao_viewer"

# Apps that add demo data, in this order (later ones may use earlier ones' rows). Each has a
# module ``zhiyang.<app>.demo`` with ``load_demo_data(*, context: DemoContext) -> str``:
# idempotent, writing through the app's services, returning one line for the summary.
DEMO_APPS = (
    "standards",
    "condition",
    "assets",
    "safety",
    "patrol",
    "people",
    "fleet",
    "works",
    "telemetry",
    "sop",
    "planning",
    "contracts",
)


def network_file() -> Path:
    """The reference network (GeoJSON exchange format) shipped with the package."""
    return Path(str(resources.files("zhiyang.demo").joinpath("data/network.geojson")))


def demo_password() -> str:
    """ZHIYANG_DEMO_PASSWORD, else the documented default."""
    return os.environ.get("ZHIYANG_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@dataclass
class DemoUser:
    username: str
    role: str
    organisation: str


@dataclass
class DemoSummary:
    """What ``load_demo`` did, for printing."""

    network: Any = None
    organisations: list[str] = field(default_factory=list)
    users: list[DemoUser] = field(default_factory=list)
    password: str = ""
    data: list[str] = field(default_factory=list)  # one line per app's demo data


@dataclass(frozen=True)
class DemoContext:
    """What the apps' demo loaders build on: the two organisations and the demo users."""

    branch: Organisation
    works_area: Organisation
    users: dict[str, User]  # by username (each role's name, and SCOPED_VIEWER)


def load_app_demos(*, context: DemoContext) -> list[str]:
    """Run each app's demo loader (an app without one is skipped)."""
    lines = []
    for app in DEMO_APPS:
        name = f"zhiyang.{app}.demo"
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        lines.append(module.load_demo_data(context=context))
    return lines


def load_network(*, path: Path | None = None) -> Any:
    """Import the reference network (districts and routes upserted, sections replaced)."""
    from zhiyang.network.importexport import import_network_file

    return import_network_file(path or network_file(), actor=SYSTEM)


def _ensure_organisation(
    *, code: str, name: str, districts: list[District], whole_network: bool = False
) -> Organisation:
    data: dict[str, Any] = {
        "name": name,
        "whole_network": whole_network,
        "districts": districts,
    }
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        return create_object(actor=SYSTEM, model=Organisation, data={"code": code, **data})
    current = {d.pk for d in org.districts.all()}
    if (
        org.name != name
        or org.whole_network != whole_network
        or current != {d.pk for d in districts}
    ):
        org = update_object(actor=SYSTEM, obj=org, data=data)
    return org


def _ensure_user(*, username: str, role: str, organisation: Organisation, password: str) -> User:
    """Create or reset a demo user; audited like any other change (password redacted)."""
    data: dict[str, Any] = {"role": role, "organisation": organisation, "is_active": True}
    user = User.objects.filter(username=username).first()
    if user is None:
        data.update(username=username, password=make_password(password))
        return create_object(actor=SYSTEM, model=User, data=data)
    if not user.check_password(password):
        data["password"] = make_password(password)
    return update_object(actor=SYSTEM, obj=user, data=data)  # audited only if something changed


def load_demo(*, password: str | None = None, network_path: Path | None = None) -> DemoSummary:
    """Load the network, the organisations and one user per role; safe to run again."""
    password = password or demo_password()
    summary = DemoSummary(password=password)
    summary.network = load_network(path=network_path)
    with transaction.atomic():
        districts = list(District.objects.order_by("code"))
        # The branch oversees its works areas: it sees their workers and machines too.
        branch = _ensure_organisation(
            code=BRANCH_CODE, name=BRANCH_NAME, districts=districts, whole_network=True
        )
        works_area = _ensure_organisation(
            code=WORKS_AREA_CODE,
            name=WORKS_AREA_NAME,
            districts=[d for d in districts if d.code in WORKS_AREA_DISTRICTS],
        )
        summary.organisations = [branch.name, works_area.name]
        users: dict[str, User] = {}
        for role in Role.values:
            users[role] = _ensure_user(
                username=role, role=role, organisation=branch, password=password
            )
            summary.users.append(DemoUser(role, role, branch.name))
        users[SCOPED_VIEWER] = _ensure_user(
            username=SCOPED_VIEWER, role=Role.VIEWER, organisation=works_area, password=password
        )
        summary.users.append(DemoUser(SCOPED_VIEWER, Role.VIEWER, works_area.name))
    summary.data = load_app_demos(
        context=DemoContext(branch=branch, works_area=works_area, users=users)
    )
    return summary
