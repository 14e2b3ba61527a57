"""Anonymous activity counts: counting on the desk, small-cell suppression, the
outbox and its sync to the central endpoint.

The app and the CLI call only what is exported here, with plain data; nothing here
knows the engine or Qt.
"""
from .counters import APPOINTMENT_KINDS, iso_week, record_appointment, record_handout, record_simulation
from .payload import SCHEMA as PAYLOAD_SCHEMA, SCHEMA_PATH as PAYLOAD_SCHEMA_PATH, build_payload
from .service import SyncReport, sync_now
from .status import NotConfigured, SyncStatus, configure, status_lines, sync_status

__all__ = [
    "APPOINTMENT_KINDS", "iso_week", "record_appointment", "record_handout", "record_simulation",
    "PAYLOAD_SCHEMA", "PAYLOAD_SCHEMA_PATH", "build_payload",
    "SyncReport", "sync_now", "NotConfigured", "SyncStatus", "configure", "status_lines", "sync_status",
]
