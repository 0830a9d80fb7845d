"""The version check every save makes: a row read under a lock, refused if it moved past the version the form
was opened at.
"""

from __future__ import annotations

from pillars.errors import VersionConflict


def check_version(current, version: int | None) -> None:
    # None: a caller with its own staleness check (the workbook upload compares a fingerprint).
    if version is not None and current.version != version:
        raise VersionConflict(current)


def locked_current(model, pk: int, version: int | None):
    """The row ``pk`` of ``model`` (a plan, an activity, a progress entry or a monthly report) under a row
    lock, refused with :class:`VersionConflict` if it moved past ``version``: the check every page makes
    before a save, for a writer without a service of its own (the admin). Call it inside a transaction."""
    current = model.objects.select_for_update().get(pk=pk)
    check_version(current, version)
    return current
