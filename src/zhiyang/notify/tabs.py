"""The notify app's tab bar: the inbox and one's own settings for everyone; channels and the
delivery log for those granted them."""

from django.utils.translation import gettext_lazy as _

from zhiyang.core.pages import Tab, Tabs

TABS = Tabs(
    "notify",
    _("Notifications"),
    (
        Tab("inbox", _("Inbox"), "notify:inbox-list", "notify.inboxitem"),
        Tab("preferences", _("My settings"), "notify:preferences", "notify.inboxitem"),
        Tab("channels", _("Channels"), "notify:channel-list", "notify.channel"),
        Tab("deliveries", _("Delivery log"), "notify:delivery-list", "notify.delivery"),
    ),
)
