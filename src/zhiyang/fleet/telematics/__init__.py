"""ISO 15143-3 (AEMP 2.0) telematics: document parsing (``parsers``), writing
(``fleet.services.import_readings``) and polling a provider endpoint (``poller``)."""
