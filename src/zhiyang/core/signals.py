"""Signals of the core app that other apps connect to.

``worker_started`` is sent by ``zhiyang worker`` before it runs any task, so an app can
recover work that a worker killed earlier left behind (notify resends its outbox).
"""

from django.dispatch import Signal

worker_started = Signal()
