"""Pages of the telemetry app: the live page and paving setups (``live``), the alarm list and
its actions (``alarms``, on the page frame), devices and dead letters (``devices``)."""
