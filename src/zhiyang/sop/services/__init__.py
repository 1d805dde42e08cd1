"""SOP services: every write of the sop app, audited, in one transaction each.

- ``load_instructions``: the packaged instructions into a fresh database (post_migrate);
- ``publish_version``: validated new content becomes the published version;
- ``submit_run``: a whole checklist from the phone, idempotent by ``client_uuid``;
- ``sign_off``: a step or the whole run, by the role the instruction names;
- ``raise_ncr`` → ``rectify_ncr`` → ``approve_ncr`` / ``reject_ncr``.

Field names of a submission (``parse_submission``) are the phone form's and the API's; they
are documented in docs/sop.md and are a contract with the offline (PWA) tests.

One module per topic; ``from zhiyang.sop import services`` re-exports them all, so callers
say ``services.x(...)`` whatever module ``x`` lives in.
"""

from __future__ import annotations

from zhiyang.sop.services.instructions import (
    DEFAULT_BASE,
    STANDARD_CODE,
    MeasurementSpec,
    default_context,
    f40_parameters,
    load_instructions,
    measurement_specs,
    publish_version,
    published_version,
)
from zhiyang.sop.services.ncr import NCR_REVIEWERS, approve_ncr, raise_ncr, rectify_ncr, reject_ncr
from zhiyang.sop.services.runs import (
    TRUE_VALUES,
    PhotoInput,
    StepInput,
    Submission,
    parse_submission,
    submit_run,
    version_for,
)
from zhiyang.sop.services.signoff import required_sign_offs, role_of, sign_off

__all__ = [
    "DEFAULT_BASE",
    "NCR_REVIEWERS",
    "STANDARD_CODE",
    "TRUE_VALUES",
    "MeasurementSpec",
    "PhotoInput",
    "StepInput",
    "Submission",
    "approve_ncr",
    "default_context",
    "f40_parameters",
    "load_instructions",
    "measurement_specs",
    "parse_submission",
    "publish_version",
    "published_version",
    "raise_ncr",
    "rectify_ncr",
    "reject_ncr",
    "required_sign_offs",
    "role_of",
    "sign_off",
    "submit_run",
    "version_for",
]
