"""Local time: Indonesia's three zones (WIB, WITA, WIT), carried by each province and taken by everything below it.

A region's zone is its province's :attr:`Region.time_zone`, which an admin may change. :func:`province_time_zone` is
where a province's zone comes from when regions are loaded (and when the field was first filled); a province row
without one (made by hand, before it was set) answers the same. Nothing here is cached for the process: a
:class:`Zones` is the provinces read once (about 38 rows), for one page, export or round, and then asked per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from villages.models import Region

# Kemendagri province codes by zone. WIB: Sumatra (11–21), Java and Banten (31–36), Kalimantan Barat and Tengah
# (61, 62); WITA: Bali and Nusa Tenggara (51–53), the rest of Kalimantan (63–65), Sulawesi (71–76); WIT: Maluku
# (81, 82), the Papua provinces (91–97).
_PROVINCES = {
    Region.TimeZone.WIB: [*range(11, 22), *range(31, 37), 61, 62],
    Region.TimeZone.WITA: [51, 52, 53, 63, 64, 65, *range(71, 77)],
    Region.TimeZone.WIT: [81, 82, *range(91, 98)],
}
_BY_PROVINCE = {f"{code:02d}": zone for zone, codes in _PROVINCES.items() for code in codes}


def province_time_zone(code: str) -> str:
    """The IANA name of the zone the province of ``code`` lies in; a code outside the list has the capital's (WIB)."""
    return _BY_PROVINCE.get(code[:2], Region.TimeZone.WIB).value


def default_zone() -> ZoneInfo:
    """The app's own zone (settings.TIME_ZONE): for what belongs to no region."""
    return ZoneInfo(settings.TIME_ZONE)


def companion_zone(companion) -> ZoneInfo:
    """The local time of a companion's work: the province of their first assigned village (the app's zone for
    none). A plan's own is :attr:`pillars.models.WorkPlan.zone`."""
    first = companion.villages.order_by("code").values_list("code", flat=True).first()
    return zone_of(first)


def zone_of(region_code: str | None) -> ZoneInfo:
    """The time zone of ``region_code`` (any level), from its province: one query. Many codes: :class:`Zones`."""
    if not region_code:
        return default_zone()
    return Zones.read([region_code[:2]]).of(region_code)


@dataclass(frozen=True)
class Zones:
    """The provinces' zones as read at one moment: ask :meth:`of` for as many rows as needed."""

    by_province: dict[str, str]

    @classmethod
    def read(cls, provinces: Iterable[str] | None = None) -> Zones:
        """Every province's zone (or those of ``provinces``), in one query."""
        rows = Region.objects.filter(level=Region.Level.PROVINCE)
        if provinces is not None:
            rows = rows.filter(code__in=list(provinces))
        return cls(dict(rows.values_list("code", "time_zone")))

    def of(self, region_code: str | None) -> ZoneInfo:
        """The zone of ``region_code``'s province; the app's zone for no code."""
        if not region_code:
            return default_zone()
        province = region_code[:2]
        return ZoneInfo(self.by_province.get(province) or province_time_zone(province))

    def in_use(self) -> list[ZoneInfo]:
        """The zones of the provinces read, and the app's own, each once (in a fixed order)."""
        return sorted({self.of(code) for code in self.by_province} | {default_zone()}, key=str)

    def provinces_in(self, zone: ZoneInfo) -> list[str]:
        """The province codes read whose zone is ``zone``, for a database filter."""
        return sorted(code for code in self.by_province if self.of(code) == zone)
