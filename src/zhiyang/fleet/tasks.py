"""Background tasks (django-tasks): poll telematics sources."""

from __future__ import annotations

from django_tasks import task

from zhiyang.core.actors import SYSTEM
from zhiyang.fleet.models import TelematicsSource
from zhiyang.fleet.telematics.poller import PollError, poll_source


@task()
def poll_sources(source_id: int | None = None) -> dict[str, str]:
    """Poll one source (or every active one); returns ``{source name: outcome}``.

    Failures are recorded on the source (``last_error``) and reported, not raised, so one
    failing provider does not hide the others' results.
    """
    sources = TelematicsSource.objects.filter(active=True)
    if source_id is not None:
        sources = TelematicsSource.objects.filter(pk=source_id)
    outcome: dict[str, str] = {}
    for source in sources.select_related("organisation"):
        try:
            result = poll_source(source, actor=SYSTEM)
        except PollError as exc:
            outcome[source.name] = f"error: {exc}"
        else:
            outcome[source.name] = (
                f"{result.snapshots_created} snapshots, {result.duplicates} duplicates, "
                f"{len(result.unknown)} unknown, {result.pages} pages"
            )
    return outcome
