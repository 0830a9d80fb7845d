"""Uploading a plan workbook filled in offline: read the sheet (:mod:`.sheet`), preview what it would change
(:mod:`.preview`), then apply it, all or nothing (:mod:`.apply`)."""

from reports.upload.apply import plan_upload_apply, require_upload_allowed
from reports.upload.preview import ConfirmUploadForm, Preview, UploadForm, build_preview, fingerprint
from reports.upload.sheet import (
    MAX_BYTES,
    Origin,
    ParsedRow,
    RowError,
    UploadError,
    column_label,
    read_rows,
    read_workbook,
)

__all__ = [
    "MAX_BYTES",
    "Origin",
    "ConfirmUploadForm",
    "ParsedRow",
    "Preview",
    "RowError",
    "UploadError",
    "UploadForm",
    "build_preview",
    "column_label",
    "fingerprint",
    "plan_upload_apply",
    "read_rows",
    "read_workbook",
    "require_upload_allowed",
]
