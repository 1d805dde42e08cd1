"""Pages of the notify app."""

from django.urls import path

from zhiyang.core.pages import object_urls
from zhiyang.notify.views import channels, inbox, preferences

app_name = "notify"

urlpatterns = [
    path("", inbox.InboxList.as_view(), name="inbox-list"),
    path("<int:pk>/open/", inbox.InboxOpen.as_view(), name="inbox-open"),
    path("read-all/", inbox.InboxReadAll.as_view(), name="inbox-read-all"),
    path("settings/", preferences.Preferences.as_view(), name="preferences"),
    *object_urls(
        "channel",
        "channels/",
        list=channels.ChannelList,
        create=channels.ChannelEdit,
        detail=channels.ChannelDetail,
        edit=channels.ChannelEdit,
        delete=channels.ChannelDelete,
    ),
    path("channels/<int:pk>/test/", channels.ChannelTest.as_view(), name="channel-test"),
    path("deliveries/", channels.DeliveryList.as_view(), name="delivery-list"),
]
