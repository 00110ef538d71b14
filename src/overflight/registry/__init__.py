"""The registry: sourced, dated refusals, permissions and advisories since 2014, for a flight.

One YAML file per event in ``events/`` (format and conventions in ``REGISTRY.md``), in the
scenario rule format plus an ``id``, a ``source`` and, for rules aimed at named carriers,
``airlines``; merged into one :class:`World` with the knowledge date ``as_of`` declared in
``registry.yaml``. Read on first use and kept.

>>> import datetime as dt
>>> from overflight.registry import world
>>> answer = world().resolve(airline="QTR", date=dt.date(2018, 1, 1))
>>> [c for c in ("SA", "AE", "BH", "EG") if c in answer.permissions.overflight_denied]
['SA', 'AE', 'BH', 'EG']
>>> world().resolve(airline="QTR", date=dt.date(2021, 6, 1)).rules
()
"""

from overflight.registry._advisories import (
    Advisory,
    AdvisoryFile,
    BoundAdvisory,
    advisories_for,
    advisory_by_id,
    read_advisories,
    read_advisory_file,
)
from overflight.registry._load import Event
from overflight.registry._world import AppliedRule, Resolution, World, world

__all__ = [
    "Advisory",
    "AdvisoryFile",
    "AppliedRule",
    "BoundAdvisory",
    "Event",
    "Resolution",
    "World",
    "advisories_for",
    "advisory_by_id",
    "read_advisories",
    "read_advisory_file",
    "world",
]
