"""Who a user is, as far as "who sees what" is concerned.

Every ``visible_to(user)`` queryset method starts from :func:`viewer_for`, so the rule is written
once: an admin (superuser) sees everything, a coordinator sees every region whose code starts with
their scope region's code, a companion sees their own villages and plans, a village official (Kepala Desa, Lurah,
Camat) reads the plans in force of their village or kecamatan, anyone else sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Q

if TYPE_CHECKING:
    from villages.models import Companion, VillageOfficial


@dataclass(frozen=True)
class Viewer:
    is_admin: bool = False
    companion: Companion | None = None
    prefix: str | None = None
    # A village official's village or kecamatan code: they read what lies within it, and write nothing but notes.
    watches: str | None = None
    official: VillageOfficial | None = None

    @property
    def is_coordinator(self) -> bool:
        return self.prefix is not None

    @property
    def is_reviewer(self) -> bool:
        """A coordinator or an admin: reviews the plans and reports in scope, imports village data, exports recaps."""
        return self.is_admin or self.is_coordinator

    @property
    def is_companion(self) -> bool:
        return self.companion is not None and self.prefix is None

    @property
    def is_village_official(self) -> bool:
        """A Kepala Desa, Lurah or Camat: reads plans in force within ``watches``; neither reviewer nor companion."""
        return self.watches is not None


NOBODY = Viewer()


def viewer_for(user) -> Viewer:
    """The viewer a user is; cached on the user object for the length of a request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_rkt_viewer", None)
    if cached is not None:
        return cached
    companion = _companion_of(user)
    if user.is_superuser:
        viewer = Viewer(is_admin=True, companion=companion)
    elif companion is None:
        official = _official_of(user)
        viewer = NOBODY if official is None else Viewer(watches=official.region_id, official=official)
    elif companion.is_coordinator:
        viewer = Viewer(companion=companion, prefix=companion.scope_region_id)
    else:
        viewer = Viewer(companion=companion)
    user._rkt_viewer = viewer
    return viewer


def _companion_of(user) -> Companion | None:
    from villages.models import Companion

    try:
        return user.companion
    except Companion.DoesNotExist:
        return None


def _official_of(user) -> VillageOfficial | None:
    from villages.models import VillageOfficial

    try:
        return user.village_official
    except VillageOfficial.DoesNotExist:
        return None


def within(field: str, code: str) -> Q:
    """``field`` is the region ``code`` or lies below it (``34.03`` matches ``34.03.01.2001``).

    The dot is part of the prefix so that ``34.0`` never matches ``34.03``. Twin of :func:`is_within`.
    """
    return Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})


def is_within(region_code: str, code: str) -> bool:
    """Twin of :func:`within` for one region code already read."""
    return region_code == code or region_code.startswith(f"{code}.")


def below(field: str, code: str) -> Q:
    """Villages (or links to villages) strictly below region ``code``.

    The rule is :func:`villages.scope.within`; on SQLite, whose LIKE cannot use an index, the same
    prefix is added as a range so a kabupaten's 150 villages are read through the code index instead
    of a scan of the 90,000 national regions. (PostgreSQL uses its pattern index for the LIKE, and a
    locale collation may not order "." before "/", so the range is left out there.)
    """
    condition = within(f"{field.removesuffix('_id')}__code" if field.endswith("_id") else field, code)
    if connection.vendor == "sqlite":
        condition &= Q(**{f"{field}__gt": f"{code}.", f"{field}__lt": f"{code}/"})
    return condition
