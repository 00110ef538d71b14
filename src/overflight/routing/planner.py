"""Plan the shortest route between two places that avoids the denied states' airspace."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from overflight._config import DEFAULT_SPEED_KT
from overflight._threadlocal import clear_thread_caches, per_thread, thread_geometry
from overflight.data.airports import resolve_place
from overflight.data.airspace import (
    data_fingerprint,
    states,
    states_at,
)
from overflight.errors import DeniedEndpointError, InputError, NoRouteError
from overflight.geo.ellipsoid import geodesic_km, path_km
from overflight.geo.sphere import to_lonlat, to_xyz
from overflight.models import LonLat, Place, Route
from overflight.routing.closure import Closure
from overflight.routing.graph import Focus, VisibilityGraph
from overflight.routing.graph_cache import graph_file, read_graph, write_graph
from overflight.routing.obstacles import Obstacles, build_obstacles
from overflight.routing.transit import transit_report
from overflight.routing.verify import check_route

if TYPE_CHECKING:
    from overflight.scenarios import Permissions

__all__ = ["Planner", "clear_caches", "plan_route", "planner_for", "planner_of"]

#: Bump when the graph format or the way it is built changes, to retire old caches.
GRAPH_FORMAT = 6


class Planner:
    """Everything needed to route around one closure, built once and reused."""

    def __init__(self, closure: Closure, graph: VisibilityGraph):
        #: What is closed.
        self.closure = closure
        #: The visibility graph searched for routes.
        self.graph = graph

    @property
    def denied(self) -> tuple[str, ...]:
        """Alpha-2 codes of the denied states, dependencies included."""
        return self.closure.denied

    @property
    def margin_nm(self) -> float:
        """Lateral margin kept from denied airspace."""
        return self.closure.margin_nm

    @property
    def obstacles(self) -> Obstacles:
        """The obstacle polygons (built on demand; the graph may come from disk)."""
        c = self.closure
        return build_obstacles(c.denied, c.margin_nm, c.avoid, c.openings, c.advisory_wkb)

    @property
    def _avoid(self) -> BaseGeometry | None:
        return _union(self.closure.avoid) if self.closure.avoid else None

    @property
    def _advisories(self) -> tuple[tuple[str, bytes], ...]:
        return tuple((a.id, a.wkb) for a in self.closure.advisories if a.obstacle)

    @property
    def _openings(self) -> BaseGeometry | None:
        return _union(self.closure.openings) if self.closure.openings else None

    def route(
        self, origin: Place, destination: Place, *, speed_kt: float = DEFAULT_SPEED_KT
    ) -> Route:
        """The shortest legal route between two places, verified and reported."""
        for role, place in (("origin", origin), ("destination", destination)):
            self._check_endpoint(role, place)
        a = to_xyz(origin.lon, origin.lat)
        b = to_xyz(destination.lon, destination.lat)
        if float(np.dot(a, b)) > _SAME_PLACE_COS:
            raise InputError(
                f"{_label(origin)} and {_label(destination)} are the same place: give two "
                "different places"
            )
        if float(np.dot(a, b)) < _ANTIPODAL_COS:
            # Every meridian-like great circle through antipodes is a shortest path, so "the"
            # route is undefined (and the sphere and the ellipsoid would pick different ones).
            raise InputError(
                f"{_label(origin)} and {_label(destination)} are antipodal: no single "
                "shortest route joins them; move one of them by a few kilometres"
            )
        path = self.graph.shortest_path(a, b)
        if path is None:
            raise self._no_route(origin, destination)
        return self._verified(origin, destination, path, self.denied, speed_kt)

    def route_around(
        self,
        origin: Place,
        destination: Place,
        more: Sequence[str],
        *,
        speed_kt: float = DEFAULT_SPEED_KT,
    ) -> Route | None:
        """A legal route that also avoids more states, found without building their graph.

        The search runs over this planner's graph, testing every leg against the further
        states' airspace too; their own vertices are not in the graph, so the route need not
        be the shortest around them, and None only means none was found this way. What is
        returned is verified against every denied state, these included.
        """
        denied = tuple(sorted({*self.denied, *more}))
        if any(states_at(p.lon, p.lat, denied) for p in (origin, destination)):
            return None
        c = self.closure
        extra = build_obstacles(tuple(sorted(more)), c.margin_nm, (), c.openings)
        path = self.graph.path_around(
            to_xyz(origin.lon, origin.lat), to_xyz(destination.lon, destination.lat), extra
        )
        if path is None:
            return None
        return self._verified(origin, destination, path, denied, speed_kt)

    def verified(
        self,
        origin: Place,
        destination: Place,
        path: Sequence[NDArray[np.float64]],
        *,
        speed_kt: float = DEFAULT_SPEED_KT,
    ) -> Route:
        """The route along a path found in this planner's graph, verified and reported.

        For searches of other kinds over the graph (``routing/alternatives.py``).
        """
        return self._verified(origin, destination, list(path), self.denied, speed_kt)

    def check(self, waypoints: Sequence[LonLat]) -> None:
        """Verify every leg against this planner's closure (``routing/verify.py``).

        Raises
        ------
        VerificationError
            When a leg enters denied airspace or an area to avoid.

        """
        check_route(
            waypoints,
            self.denied,
            avoid=self._avoid,
            openings=self._openings,
            advisories=self._advisories,
        )

    def _verified(
        self,
        origin: Place,
        destination: Place,
        path: list[NDArray[np.float64]],
        denied: tuple[str, ...],
        speed_kt: float,
    ) -> Route:
        """The route along a searched path, checked by the verifier and reported."""
        lon, lat = to_lonlat(np.asarray(path))
        waypoints = [LonLat(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]
        waypoints[0], waypoints[-1] = origin.lonlat, destination.lonlat
        check_route(
            waypoints,
            denied,
            avoid=self._avoid,
            openings=self._openings,
            advisories=self._advisories,
        )
        # The verifier has just shown the route stays out of the denied states but in corridors.
        report = transit_report(waypoints, clear=() if self.closure.openings else denied)
        return Route(
            origin=origin,
            destination=destination,
            denied=denied,
            waypoints=tuple(waypoints),
            distance_km=path_km(waypoints),
            great_circle_km=geodesic_km(*origin.lonlat, *destination.lonlat),
            transit=report.transit,
            high_seas_km=report.high_seas_km,
            margin_nm=self.margin_nm,
            speed_kt=speed_kt,
            track=report.track,
            straits=self._straits_used(waypoints),
        )

    def _straits_used(self, waypoints: list[LonLat]) -> tuple[str, ...]:
        if not self.closure.openings:
            return ()
        from overflight.scenarios import straits_used

        return tuple(s.name for s in straits_used(waypoints, denied=self.denied))

    def _check_endpoint(self, role: str, place: Place) -> None:
        inside = states_at(place.lon, place.lat, self.denied)
        # A disputed area held by a permitted state is open to this flight (closure.py).
        if inside and not self.closure.holds(place.lon, place.lat):
            names = tuple(f"{states()[c].name} ({c})" for c in inside)
            raise DeniedEndpointError(role, _label(place), names)
        if self._avoid is not None and shapely.intersects_xy(self._avoid, place.lon, place.lat):
            raise InputError(f"the {role} {_label(place)} lies inside an area to avoid")
        for area in self.closure.advisories:
            # Every area the closure holds is an obstacle at the level or reaches the ground.
            if shapely.intersects_xy(thread_geometry(area.wkb), place.lon, place.lat):
                raise InputError(
                    f"the {role} {_label(place)} lies inside the area of advisory {area.id}, "
                    f"which binds this flight {area.reason}: choose another airport, "
                    "or plan without advisories (--no-advisories)"
                )
        if self.margin_nm > 0.0 and self.obstacles.contains(place.lon, place.lat):
            raise InputError(
                f"the {role} {_label(place)} lies within the {self.margin_nm:g} nm margin "
                f"around denied airspace; give a smaller --margin-nm"
            )

    def _no_route(self, origin: Place, destination: Place) -> NoRouteError:
        """Say which denied states enclose an endpoint or stand between the two."""
        for role, place in (("origin", origin), ("destination", destination)):
            enclosing = self._enclosing(place)
            if enclosing:
                names = ", ".join(f"{states()[c].name} ({c})" for c in enclosing)
                return NoRouteError(
                    f"the {role} {_label(place)} is enclosed by denied airspace of {names}",
                    states=enclosing,
                )
        return NoRouteError(
            f"denied airspace separates {_label(origin)} from {_label(destination)}",
            states=self.denied,
        )

    def _enclosing(self, place: Place) -> tuple[str, ...]:
        point = shapely.Point(place.lon, place.lat)
        for polygon in self.obstacles.polygons:
            for ring in polygon.interiors:
                hole = shapely.Polygon(ring)
                if hole.contains(point):
                    boundary = shapely.buffer(ring, 0.02)
                    return tuple(
                        c for c in self.denied if shapely.intersects(states()[c].geometry, boundary)
                    )
        return ()


@per_thread(maxsize=64)
def _union(wkb: tuple[bytes, ...]) -> BaseGeometry:
    """The calling thread's union of the areas, prepared (planners are shared by threads)."""
    union = shapely.union_all(shapely.from_wkb(list(wkb)))
    shapely.prepare(union)
    return union


#: Cosine of the central angle above which two points are one place (within about 60 m).
_SAME_PLACE_COS = 1.0 - 5e-11
#: Cosine of the central angle beyond which two points count as antipodal (within ~1 km).
_ANTIPODAL_COS = -1.0 + 1e-8


def _label(place: Place) -> str:
    return place.code if place.name == place.code else f"{place.code} ({place.name})"


def _cache_file(closure: Closure) -> Path:
    key = f"{GRAPH_FORMAT}|{data_fingerprint()}|{closure.key()}"
    return graph_file(key)


@lru_cache(maxsize=16)
def _planner(closure: Closure) -> Planner:
    path = _cache_file(closure)
    graph = read_graph(path)
    if graph is None:
        c = closure
        graph = VisibilityGraph.build(
            build_obstacles(c.denied, c.margin_nm, c.avoid, c.openings, c.advisory_wkb), c.focus
        )
        write_graph(path, graph)
    return Planner(closure, graph)


def clear_caches() -> None:
    """Forget the planners and geometry held in memory (as a new process would start).

    Graphs saved in the cache directory stay; the next planner for a closure reads its graph
    from there.
    """
    _planner.cache_clear()
    build_obstacles.cache_clear()
    clear_thread_caches()


def planner_of(closure: Closure) -> Planner:
    """The planner for a closed set: from memory, from the disk cache, or built and saved."""
    return _planner(closure)


def planner_for(
    deny: Iterable[str],
    margin_nm: float = 0.0,
    *,
    avoid: Sequence[BaseGeometry] = (),
    openings: Sequence[BaseGeometry] = (),
    with_dependencies: bool = True,
    focus: Focus | None = None,
) -> Planner:
    """The (cached) planner for a denied set.

    Dependencies of denied states are denied too unless ``with_dependencies``
    is False (a scenario that already decided each territory on its own).
    With a focus, the planner answers exactly only for routes between its two
    places no longer than its reach (see :class:`Focus`).
    """
    return _planner(
        Closure.of(
            deny,
            margin_nm,
            avoid=avoid,
            openings=openings,
            with_dependencies=with_dependencies,
            focus=focus,
        )
    )


def plan_route(
    origin: str | Place,
    destination: str | Place,
    *,
    deny: Iterable[str] = (),
    margin_nm: float = 0.0,
    speed_kt: float = DEFAULT_SPEED_KT,
    avoid: Sequence[BaseGeometry] = (),
    permissions: Permissions | None = None,
) -> Route:
    """The shortest route from origin to destination avoiding the denied states' airspace.

    Parameters
    ----------
    origin, destination
        ICAO or IATA code, listed airfield identifier, ``"lat,lon"``, or a :class:`Place`.
    deny
        ISO 3166-1 alpha-2 or alpha-3 codes of the states whose airspace is closed.
        Dependencies of a denied state are denied too.
    margin_nm
        Lateral distance to keep from denied airspace, in nautical miles.
    speed_kt
        Cruise speed for the flight time.
    avoid
        Further areas to keep out of (lon/lat polygons), with the same margin.
    permissions
        A resolved scenario: its denied states, margin, avoid areas and open
        strait corridors apply, with ``deny`` on top (``margin_nm`` is then
        the scenario's unless given larger).

    Raises
    ------
    UnknownAirportError, UnknownStateError, CoordinateError
        For input that names nothing known.
    DeniedEndpointError
        When the origin or destination lies in denied airspace.
    NoRouteError
        When denied airspace encloses an endpoint or separates the two.

    Examples
    --------
    >>> route = plan_route("UUMU", "OSLK", deny=["BG", "GR", "TR"])
    >>> "TR" in [t.country for t in route.transit]
    False

    """
    if not np.isfinite(speed_kt) or speed_kt <= 0.0:
        raise InputError(f"speed {speed_kt!r} kt is not a positive number")
    start = origin if isinstance(origin, Place) else resolve_place(origin)
    end = destination if isinstance(destination, Place) else resolve_place(destination)
    closure = Closure.from_permissions(permissions, deny=deny, margin_nm=margin_nm, avoid=avoid)
    return _planner(closure).route(start, end, speed_kt=speed_kt)
