"""Aircraft profiles: cruise speed, range at a typical payload and runway needs.

Built-in profiles cover the types the built-in scenarios fly and those planners ask for
(airliners from the 737-800 to the 777-200LR, the A321neo and A321XLR, military transports
from the A400M to the An-124); each figure names its source. Users add their own in YAML files
of the same schema (the README's "Aircraft profiles" section), one profile or a list of them;
``FILE:KEY`` names one profile of a file that holds several::

    - designator: C130
      name: Lockheed C-130J Hercules
      cruise_speed_kt: 348
      range_km: 3300
      payload: 18 t of cargo
      min_runway_m: 1100

Look a type up by ICAO designator, name or alias, in any case:

>>> from overflight.aircraft import load_aircraft
>>> b788 = load_aircraft("787-8")
>>> b788.designator, b788.cruise_speed_kt, round(b788.usable_range_km())
('B788', 490.0, 12173)

The planner flies a leg only if it is no longer than :meth:`AircraftProfile.usable_range_km`:
the published range less a :class:`Reserve` (5 % and 45 minutes by default); in a month's wind,
only if its time there is within :meth:`AircraftProfile.endurance_h`.
"""

from overflight.aircraft._load import aircraft, list_aircraft, load_aircraft, read_aircraft_file
from overflight.aircraft._model import (
    DEFAULT_RESERVE,
    AircraftProfile,
    FigureSources,
    Reference,
    Reserve,
)

__all__ = [
    "DEFAULT_RESERVE",
    "AircraftProfile",
    "FigureSources",
    "Reference",
    "Reserve",
    "aircraft",
    "list_aircraft",
    "load_aircraft",
    "read_aircraft_file",
]
