"""The page frame: generic scoped views, declarative tables and permission-aware links.

Import from here in an app's ``views/`` and ``tables.py``; see docs/adding-a-model.md.
"""

from zhiyang.core.pages.links import Link, Tab, Tabs
from zhiyang.core.pages.tables import (
    DETAIL,
    BadgeColumn,
    Column,
    DateColumn,
    NumberColumn,
    Table,
)
from zhiyang.core.pages.urls import object_urls
from zhiyang.core.pages.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PageView,
    xlsx_response,
)

__all__ = [
    "DETAIL",
    "BadgeColumn",
    "Column",
    "DateColumn",
    "Link",
    "NumberColumn",
    "ObjectDeleteView",
    "ObjectDetailView",
    "ObjectEditView",
    "ObjectListView",
    "PageView",
    "Tab",
    "Table",
    "Tabs",
    "object_urls",
    "xlsx_response",
]
