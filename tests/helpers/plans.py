"""Plans written to JSON and rebuilt from it, so that tests can start from a fixed plan.

:func:`plan_to_json` keeps every field of a :class:`~overflight.analysis.plan.Plan`: its
routes with their drawn tracks, the scenario's permissions, the aircraft, the stop plan and
the request. :func:`plan_from_json` rebuilds an equal plan. Floats go through JSON exactly
(``repr``), so an exporter given the rebuilt plan writes what it wrote for the original.

This lives with the tests on purpose: the library's JSON (``Plan.to_dict``) is a report for
users, not a serialisation, and leaves out what the exporters draw (the tracks) and what the
permissions hold.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import shapely.geometry
from pydantic import BaseModel
from shapely.geometry.base import BaseGeometry

from overflight.aircraft import AircraftProfile
from overflight.analysis.fuel import StopPlan
from overflight.analysis.plan import DisputedCrossing, Plan
from overflight.analysis.request import FlightRequest
from overflight.models import LonLat, Place, Route, StateTransit, Track
from overflight.scenarios import Permissions

__all__ = ["dump_plan", "plan_from_json", "plan_to_json", "read_plan"]


def _plain(value: Any) -> Any:
    """A value as JSON-ready data: dataclasses by field, tuples as lists, dates as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, BaseGeometry):
        return _plain(shapely.geometry.mapping(value))
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list | Track):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"no JSON form for {type(value).__name__}: {value!r}")


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """Every field of the plan as JSON-ready data (see :func:`plan_from_json`)."""
    data: dict[str, Any] = _plain(plan)
    return data


def _place(data: dict[str, Any]) -> Place:
    return Place(**data)


def _lonlat(pair: list[float]) -> LonLat:
    lon, lat = pair
    return LonLat(lon, lat)


def _transit(data: dict[str, Any]) -> StateTransit:
    return StateTransit(
        **{
            **data,
            "entry": _lonlat(data["entry"]),
            "exit": _lonlat(data["exit"]),
            "shared_with": tuple(data.get("shared_with", ())),
        }
    )


def _route(data: dict[str, Any]) -> Route:
    return Route(
        **{
            **data,
            "origin": _place(data["origin"]),
            "destination": _place(data["destination"]),
            "denied": tuple(data["denied"]),
            "waypoints": tuple(_lonlat(p) for p in data["waypoints"]),
            "transit": tuple(_transit(t) for t in data["transit"]),
            "straits": tuple(data["straits"]),
            "track": tuple(tuple(_lonlat(p) for p in part) for part in data["track"]),
        }
    )


def _stop_plan(data: dict[str, Any]) -> StopPlan:
    return StopPlan(
        **{
            **data,
            "legs": tuple(_route(leg) for leg in data["legs"]),
            "stops": tuple(_place(p) for p in data["stops"]),
            "direct": None if data["direct"] is None else _route(data["direct"]),
        }
    )


def _permissions(data: dict[str, Any]) -> Permissions:
    return Permissions(
        **{
            **data,
            "on": dt.date.fromisoformat(data["on"]),
            "overflight_denied": tuple(data["overflight_denied"]),
            "landing_allowed": frozenset(data["landing_allowed"]),
            "avoid": tuple(shapely.geometry.shape(g) for g in data["avoid"]),
            "endpoints": tuple(data["endpoints"]),
            "reasons": MappingProxyType(dict(data["reasons"])),
        }
    )


def _request(data: dict[str, Any]) -> FlightRequest:
    on = data["date"]
    return FlightRequest(**{**data, "date": None if on is None else dt.date.fromisoformat(on)})


def plan_from_json(data: dict[str, Any]) -> Plan:
    """The plan :func:`plan_to_json` wrote, equal to the one it was written from."""
    permissions, aircraft, stops, request = (
        data[k] for k in ("permissions", "aircraft", "stops", "request")
    )
    return Plan(
        route=_route(data["route"]),
        permissions=None if permissions is None else _permissions(permissions),
        aircraft=None if aircraft is None else AircraftProfile.model_validate(aircraft),
        stops=None if stops is None else _stop_plan(stops),
        request=None if request is None else _request(request),
        disputed=_disputed(data.get("disputed")),
    )


def _disputed(data: list[dict[str, Any]] | None) -> tuple[DisputedCrossing, ...] | None:
    if data is None:
        return None
    return tuple(DisputedCrossing(**{**d, "claimants": tuple(d["claimants"])}) for d in data)


#: A [lon, lat] pair that json.dumps(indent=1) spread over four lines.
_PAIR = re.compile(r"\[\s*(-?[0-9][0-9.e+-]*),\s*(-?[0-9][0-9.e+-]*)\s*\]")


def dump_plan(plan: Plan) -> str:
    """The plan as indented JSON text, one coordinate pair a line."""
    text = json.dumps(plan_to_json(plan), indent=1, ensure_ascii=False)
    return _PAIR.sub(r"[\1, \2]", text) + "\n"


def read_plan(path: Path) -> Plan:
    """The plan written to a file by :func:`dump_plan`."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return plan_from_json(data)
