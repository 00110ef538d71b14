"""Aircraft profiles: cruise speed, range at a typical payload and runway needs.

Built-in profiles cover the types the built-in scenarios fly (Il-76MD, An-124, C-17,
Tu-154M, A320neo, 737-800, 787-8, 777-300ER, A350-900); each figure names its source. Users
add their own in YAML files of the same schema::

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
the published range less a :class:`Reserve` (5 % and 45 minutes by default).
"""

from overflight.aircraft._load import aircraft, list_aircraft, load_aircraft, read_aircraft_file
from overflight.aircraft._model import DEFAULT_RESERVE, AircraftProfile, FigureSources, Reserve

__all__ = [
    "DEFAULT_RESERVE",
    "AircraftProfile",
    "FigureSources",
    "Reserve",
    "aircraft",
    "list_aircraft",
    "load_aircraft",
    "read_aircraft_file",
]
