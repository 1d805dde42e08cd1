"""Poll an ISO 15143-3 Fleet endpoint: follow ``rel=next`` pages, honour rate limits.

A poll fetches and validates EVERY page first and then writes them all in one transaction
(``services.write_readings``): one malformed page means nothing from that poll is written,
the source's ``last_error`` says which page and where, and the next poll starts over. This is
safer than committing earlier pages because a provider's pages are one snapshot of the fleet.

Rate limits: at least ``min_interval_s`` between two requests (within a poll, by sleeping; a
new poll sooner than that after the last one is refused), HTTP 429/503 answers are retried
after their ``Retry-After`` (seconds or an HTTP date, capped by ``MAX_RETRY_WAIT_S``) up to
``MAX_RETRIES`` times, each request has the source's timeout, and a poll stops after
``max_pages`` pages (reported as a warning).
"""

from __future__ import annotations

import email.utils
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import crypto
from zhiyang.core.actors import Actor
from zhiyang.fleet.choices import ImportOrigin, SnapshotFormat
from zhiyang.fleet.models import TelematicsSource
from zhiyang.fleet.telematics.parsers import (
    MAX_DOCUMENT_BYTES,
    MachineReading,
    TelematicsDocumentError,
    parse_document,
)

MAX_RETRIES = 3
MAX_RETRY_WAIT_S = 300.0
USER_AGENT = "Zhiyang-fleet/1 (ISO 15143-3 client)"

ACCEPT = {
    SnapshotFormat.XML: "application/xml",
    SnapshotFormat.JSON: "application/json",
    SnapshotFormat.AUTO: "application/json, application/xml;q=0.9",
}


class PollError(Exception):
    """A poll that failed; nothing from it was written."""


@dataclass(frozen=True)
class Progress:
    page: int
    url: str
    machines: int  # machines read so far in this poll


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Poller:
    """Fetches a source's pages; ``sleep`` and ``clock`` are injectable for tests."""

    def __init__(
        self,
        source: TelematicsSource,
        *,
        progress: Callable[[Progress], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.progress = progress or (lambda _p: None)
        self.sleep = sleep
        self.clock = clock
        self._last_request: float | None = None
        self.requests = 0
        self.waited_s = 0.0

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": ACCEPT[SnapshotFormat(self.source.format)], "User-Agent": USER_AGENT}
        try:
            value = crypto.decrypt(self.source.auth_value_encrypted)
        except crypto.SecretUnreadable as exc:
            raise PollError(
                _(
                    "The stored auth value cannot be decrypted (was the secret key changed?); "
                    "enter it again."
                )
            ) from exc
        if value:
            headers[self.source.auth_header_name or "Authorization"] = value
        return headers

    def _wait_for_rate_limit(self) -> None:
        if self._last_request is None or not self.source.min_interval_s:
            return
        wait = self.source.min_interval_s - (self.clock() - self._last_request)
        if wait > 0:
            self.waited_s += wait
            self.sleep(wait)

    def fetch(self, url: str) -> tuple[bytes, str]:
        """One page's body and content type, with retries on 429/503."""
        headers = self._headers()
        for attempt in range(MAX_RETRIES + 1):
            self._wait_for_rate_limit()
            request = urllib.request.Request(url, headers=headers, method="GET")  # noqa: S310
            self._last_request = self.clock()
            self.requests += 1
            try:
                with urllib.request.urlopen(request, timeout=self.source.timeout_s) as response:  # noqa: S310
                    body = response.read(MAX_DOCUMENT_BYTES + 1)
                    if len(body) > MAX_DOCUMENT_BYTES:
                        raise PollError(_("%(url)s: the page is larger than 20 MB.") % {"url": url})
                    return body, response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as exc:
                if exc.code in (429, 503) and attempt < MAX_RETRIES:
                    wait = retry_after_seconds(exc.headers.get("Retry-After"))
                    wait = 1.0 if wait is None else wait
                    if wait > MAX_RETRY_WAIT_S:
                        raise PollError(
                            _("%(url)s: HTTP %(status)d, retry after %(s)d s is too long.")
                            % {"url": url, "status": exc.code, "s": wait}
                        ) from exc
                    self.waited_s += wait
                    self.sleep(wait)
                    self._last_request = None  # Retry-After already spaced the requests.
                    continue
                raise PollError(
                    _("%(url)s: HTTP %(status)d %(reason)s")
                    % {"url": url, "status": exc.code, "reason": exc.reason}
                ) from exc
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    raise PollError(
                        _("%(url)s: no answer within %(s)d s.")
                        % {"url": url, "s": self.source.timeout_s}
                    ) from exc
                raise PollError(
                    _("%(url)s: %(reason)s") % {"url": url, "reason": exc.reason}
                ) from exc
            except TimeoutError as exc:
                raise PollError(
                    _("%(url)s: no answer within %(s)d s.")
                    % {"url": url, "s": self.source.timeout_s}
                ) from exc
        raise PollError(
            _("%(url)s: still rate-limited after %(n)d retries.") % {"url": url, "n": MAX_RETRIES}
        )

    def pages(self) -> tuple[list[MachineReading], int, list[str]]:
        """All machines of all pages (validated), the page count and warnings."""
        # ISO 15143-3 pages are addressed by the URL (/Fleet/{page}); providers that take a
        # page size parameter are configured with a {page_size} placeholder in the URL.
        url = self.source.base_url.replace("{page_size}", str(self.source.page_size))
        if urlsplit(url).scheme not in ("http", "https"):
            raise PollError(_("The fleet URL must start with http:// or https://."))
        seen: set[str] = set()
        machines: list[MachineReading] = []
        warnings: list[str] = []
        page = 0
        wanted = SnapshotFormat(self.source.format)
        while url:
            if page >= self.source.max_pages:
                warnings.append(
                    _("Stopped after %(n)d pages (the source's maximum); more pages remain.")
                    % {"n": page}
                )
                break
            seen.add(url)
            page += 1
            body, content_type = self.fetch(url)
            try:
                document = parse_document(
                    body,
                    content_type=content_type,
                    format="" if wanted == SnapshotFormat.AUTO else str(wanted),
                )
            except TelematicsDocumentError as exc:
                raise PollError(
                    _("Page %(page)d (%(url)s): %(message)s")
                    % {"page": page, "url": url, "message": exc.message()}
                ) from exc
            if len(document.machines) > self.source.page_size:
                warnings.append(
                    _("Page %(page)d has %(n)d machines, more than the page size %(size)d.")
                    % {"page": page, "n": len(document.machines), "size": self.source.page_size}
                )
            machines.extend(document.machines)
            self.progress(Progress(page=page, url=url, machines=len(machines)))
            following = document.links.get("next")
            url = urljoin(url, following) if following else ""
            if url in seen:
                url = ""  # a provider whose last page links to itself
        return machines, page, warnings


def poll_source(
    source: TelematicsSource,
    *,
    actor: Actor,
    force: bool = False,
    progress: Callable[[Progress], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    """Poll one source and import what it answers (atomically); returns the ImportResult.

    Raises ``PollError`` (recorded in ``source.last_error``) when the poll fails; nothing of
    it is written then.
    """
    from zhiyang.fleet import services

    now = timezone.now()
    if (
        not force
        and source.last_polled_at is not None
        and source.min_interval_s
        and (now - source.last_polled_at).total_seconds() < source.min_interval_s
    ):
        wait = source.min_interval_s - (now - source.last_polled_at).total_seconds()
        raise PollError(
            _("Polled less than %(min)d s ago (rate limit); try again in %(s)d s.")
            % {"min": source.min_interval_s, "s": int(wait) + 1}
        )
    poller = Poller(source, progress=progress, sleep=sleep)
    try:
        machines, pages, warnings = poller.pages()
        result = services.write_readings(
            machines,
            actor=actor,
            organisation=source.organisation,
            origin=ImportOrigin.POLL,
            source=source,
            filename=source.base_url[:255],
            pages=pages,
            create_unknown=source.create_unknown,
        )
    except PollError as exc:
        TelematicsSource.objects.filter(pk=source.pk).update(
            last_polled_at=now, last_error=str(exc)[:2000]
        )
        source.last_polled_at, source.last_error = now, str(exc)[:2000]
        raise
    result.warnings.extend(warnings)
    TelematicsSource.objects.filter(pk=source.pk).update(
        last_polled_at=now, last_success_at=timezone.now(), last_error="; ".join(warnings)
    )
    source.last_polled_at, source.last_error = now, "; ".join(warnings)
    return result
