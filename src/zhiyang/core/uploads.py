"""Upload handlers that stop a file over ``MAX_UPLOAD_FILE_BYTES`` while it arrives.

Django bounds the non-file part of a body (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not the files;
these handlers raise ``FileTooBig`` (a ``RequestDataTooBig``) as soon as one file passes the
limit, so nothing unbounded reaches the disk, and the error handlers answer 413 (JSON under
/api/, a page elsewhere). The per-form limits (e.g. imports) stay below this one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler


class FileTooBig(RequestDataTooBig):
    """One uploaded file is over ``MAX_UPLOAD_FILE_BYTES``."""


class _LimitMixin:
    _received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self._received = 0
        super().new_file(*args, **kwargs)  # type: ignore[misc]

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._received += len(raw_data)
        if self._received > settings.MAX_UPLOAD_FILE_BYTES:
            raise FileTooBig("Uploaded file exceeds settings.MAX_UPLOAD_FILE_BYTES.")
        return super().receive_data_chunk(raw_data, start)  # type: ignore[misc,no-any-return]


class LimitedMemoryUploadHandler(_LimitMixin, MemoryFileUploadHandler):
    """Small files in memory, within the per-file limit."""


class LimitedTemporaryUploadHandler(_LimitMixin, TemporaryFileUploadHandler):
    """Large files in a temporary file, within the per-file limit."""
