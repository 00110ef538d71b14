"""Aircraft profiles and the reserve rule that turns a published range into a usable one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from overflight.models import KM_PER_NM

__all__ = ["DEFAULT_RESERVE", "AircraftProfile", "FigureSources", "Reference", "Reserve"]


@dataclass(frozen=True)
class Reserve:
    """Range kept back from a published figure when planning a leg.

    Published ranges already include the publisher's fuel reserves, but assume a direct
    route in still air. Planned legs are great circles around denied airspace, without
    airways, departure and arrival procedures or wind, so a further margin is kept::

        usable_range_km = range_km * (1 - fraction) - minutes / 60 * cruise_speed_kt * 1.852

    The defaults keep 5 % of the range for routing and wind and 45 minutes of cruise for
    holding and diversion, the size of the reserves most operators plan with.

    >>> round(Reserve().usable_km(13530.0, 490.0))
    12173
    """

    #: Share of the published range kept for routing and wind.
    fraction: float = 0.05
    #: Minutes of flight at cruise speed kept for holding and diversion.
    minutes: float = 45.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.fraction < 1.0:
            raise ValueError(f"reserve fraction {self.fraction!r} must be in [0, 1)")
        if not 0.0 <= self.minutes <= 600.0:
            raise ValueError(f"reserve minutes {self.minutes!r} must be in [0, 600]")

    def usable_km(self, range_km: float, cruise_speed_kt: float) -> float:
        """The range left for a leg, never negative."""
        held_km = self.minutes / 60.0 * cruise_speed_kt * KM_PER_NM
        return max(0.0, range_km * (1.0 - self.fraction) - held_km)


#: The reserve used unless the caller gives another.
DEFAULT_RESERVE = Reserve()


class FigureSources(BaseModel):
    """The document each figure of a profile comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cruise_speed_kt: str = Field(min_length=1, description="Source of the cruise speed.")
    range_km: str = Field(min_length=1, description="Source of the range.")
    min_runway_m: str = Field(min_length=1, description="Source of the runway length.")


class Reference(BaseModel):
    """A published document a profile's figures come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, description="Title of the document or page.")
    publisher: str = Field(min_length=1, description="Who publishes it.")
    url: str = Field(pattern=r"^https?://", description="Where it is published.")
    date: dt.date | None = Field(default=None, description="Its date or revision, if stated.")


class AircraftProfile(BaseModel):
    """An aircraft type as the planner needs it: speed, range and runway."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: ICAO type designator (ICAO Doc 8643), e.g. ``B788``.
    designator: str = Field(
        pattern=r"^[A-Z0-9]{2,4}$", description="ICAO type designator (Doc 8643), e.g. B788."
    )
    #: Full name, e.g. ``Boeing 787-8 Dreamliner``.
    name: str = Field(min_length=1, description="Full name.")
    #: Other names it is looked up by (``787-8``, ``Dreamliner``).
    aliases: tuple[str, ...] = Field(default=(), description="Other names to look it up by.")
    #: Typical cruise true airspeed.
    cruise_speed_kt: float = Field(gt=50.0, le=700.0, description="Cruise true airspeed, kt.")
    #: Range at the payload described by :attr:`payload`.
    range_km: float = Field(gt=0.0, le=25000.0, description="Range at `payload`, km.")
    #: The payload the range holds for.
    payload: str = Field(min_length=1, description="The payload the range holds for.")
    #: Shortest runway considered for a fuel stop.
    min_runway_m: float = Field(gt=0.0, le=6000.0, description="Shortest usable runway, m.")
    #: Anything a reader of the figures should know.
    note: str = Field(default="", description="Remarks on the figures.")
    #: Where each figure comes from.
    sources: FigureSources | None = Field(default=None, description="Source of each figure.")
    #: The documents named in :attr:`sources`, with publisher and address.
    references: tuple[Reference, ...] = Field(
        default=(), description="The documents the figures come from."
    )

    def usable_range_km(self, reserve: Reserve = DEFAULT_RESERVE) -> float:
        """The range a planned leg may use, after the reserve (see :class:`Reserve`)."""
        return reserve.usable_km(self.range_km, self.cruise_speed_kt)

    def endurance_h(self, reserve: Reserve = DEFAULT_RESERVE) -> float:
        """Hours of cruise a planned leg may last: the usable range over the cruise speed.

        A leg is within range when its time in the wind is at most this; in still air that is
        a leg no longer than :meth:`usable_range_km`. The reserve is the same (see
        :class:`Reserve`): its share for wind stays, as a monthly mean is not the day's wind.
        """
        return self.usable_range_km(reserve) / (self.cruise_speed_kt * KM_PER_NM)
