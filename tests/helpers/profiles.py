"""A user's file of aircraft profiles, shared by the aircraft and command-line tests."""

#: Two profiles: a type the built-in profiles lack, and one that shadows a built-in designator.
FLEET_YAML = """\
- designator: C130
  name: Lockheed C-130J Hercules
  aliases: [Hercules]
  cruise_speed_kt: 348
  range_km: 3300
  payload: 18 t of cargo
  min_runway_m: 1100
- designator: B788
  name: Boeing 787-8 (long-range charter)
  cruise_speed_kt: 480
  range_km: 14000
  payload: 150 passengers
  min_runway_m: 2900
"""
