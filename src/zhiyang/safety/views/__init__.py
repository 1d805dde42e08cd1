"""Safety pages: dashboard, hazards (phone report + closed loop), work zones (map, PDF),
inspections from checklists, incidents.

Lists and forms are declarations on the page frame (core/pages); every row comes through
``core.access`` (404 outside the scope), every write through ``safety.services``.
"""
