"""Pages of the notify app: the inbox, one's own notification settings, the organisation's
channels (settings, test message) and the delivery log."""
