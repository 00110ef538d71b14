"""Compiled loops of the batch: densifying, lengths, and where routes cross the polygons.

A batch of 10,000 routes densified every few km holds millions of points; numpy would
make a temporary array per operation, while these loops make each point once.

The crossings work on the routes as planar lines in lon/lat, as shapely sees them, against
the edges of every polygon (a "layer": a state's shipped polygon, or its shrunk one) on a
grid of cells. Where a route is inside a layer follows from the edges it crosses, counted
with one convention for points on a line (a point on a line is on its negative side, as
if moved off it a hair), so that every point of a route is counted on one side only and
the count of crossings never disagrees with itself at a shared vertex.
"""

from __future__ import annotations

import importlib
import math
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

from overflight.geo.ellipsoid import WGS84_A_KM, WGS84_E2
from overflight.geo.sphere import EARTH_RADIUS_KM

__all__ = [
    "CELL_DEG",
    "crossings",
    "dense_legs",
    "edge_grid",
    "intervals",
    "load_without_scipy",
    "locate",
    "meets_deeper",
    "part_lengths",
    "points_at",
]

F = TypeVar("F", bound=Callable[..., Any])
Float = NDArray[np.float64]
Int = NDArray[np.int64]
Bool = NDArray[np.bool_]

#: Side of the cells of the edge grid, degrees: a few edges of a coast or border each.
CELL_DEG = 0.25
_NX = 1440
_NY = 720
#: How far along its first step a part's start is taken, for the sides of the lines through
#: it: a part that starts on an edge (cut at ±180) starts on the side it goes to.
_NUDGE = 1e-9

#: WGS84 semi-major axis (km) and first eccentricity squared; mean radius for the chord-to-arc
#: term (km). Module constants: the compiled loops read them as such.
_A_KM = WGS84_A_KM
_E2 = WGS84_E2
_R_KM = EARTH_RADIUS_KM


def load_without_scipy() -> None:
    """Load numba's array functions without the import of scipy.linalg that they begin with.

    When a process first loads compiled code, numba checks whether BLAS is there for its
    ``np.dot`` by importing ``scipy.linalg`` (about 0.8 s, a third of a batch's start). No
    loop of the batch or of the search calls BLAS: for the moment of that check the import
    fails at once, numba takes BLAS for absent, and ``scipy.linalg`` imports as usual after.
    """
    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    sys.modules["scipy.linalg"] = None  # type: ignore[assignment]  # import fails, as Python says
    try:
        importlib.import_module("numba.np.arraymath")
    finally:
        if "scipy.linalg" in sys.modules and sys.modules["scipy.linalg"] is None:
            del sys.modules["scipy.linalg"]


def _jit(func: F) -> F:
    return cast(F, numba.njit(cache=True, nogil=True)(func))


#: Every _RESTART-th point's sine and cosine are computed anew, the others' turned from the
#: point before (densifying a leg, measuring a part).
_RESTART = 32


@_jit
def dense_legs(
    a: Float, b: Float, inner: NDArray[np.int64], ends: Float, joined: NDArray[np.bool_]
) -> tuple[Float, NDArray[np.int64]]:
    """Points (lon, lat) along each great circle a[i]-b[i], inner[i] evenly spaced between.

    ``ends`` holds each leg's start and end (lon, lat) as given, which its first and last
    points are; a leg ``joined`` to the one before (the same route's next) leaves out its
    first point, the last one's end. Returns the points and the leg each belongs to. Each
    point is turned from the one before by the step's cosine and sine, and every _RESTART-th
    from the leg's start by its own: the points stay within nanometres of each one turned
    from the start, for half the sines and cosines.
    """
    total = 0
    for i in range(a.shape[0]):
        total += inner[i] + (1 if joined[i] else 2)
    points = np.empty((total, 2))
    leg = np.empty(total, dtype=np.int64)
    k = 0
    for i in range(a.shape[0]):
        ax, ay, az = a[i, 0], a[i, 1], a[i, 2]
        cos_ab = min(1.0, max(-1.0, ax * b[i, 0] + ay * b[i, 1] + az * b[i, 2]))
        theta = math.acos(cos_ab)
        # The unit tangent at a towards b: rotate a towards it by the angle gone.
        tx, ty, tz = b[i, 0] - cos_ab * ax, b[i, 1] - cos_ab * ay, b[i, 2] - cos_ab * az
        norm = math.sqrt(tx * tx + ty * ty + tz * tz)
        if norm > 1e-15:
            tx, ty, tz = tx / norm, ty / norm, tz / norm
        parts = inner[i] + 1
        step = theta / parts
        cd, sd = math.cos(step), math.sin(step)
        c, s = 1.0, 0.0
        if not joined[i]:
            points[k, 0], points[k, 1] = ends[i, 0], ends[i, 1]
            leg[k] = i
            k += 1
        for j in range(1, parts):
            if j % _RESTART == 0:
                turned = j / parts * theta
                c, s = math.cos(turned), math.sin(turned)
            else:
                c, s = c * cd - s * sd, s * cd + c * sd
            x, y, z = c * ax + s * tx, c * ay + s * ty, c * az + s * tz
            points[k, 0] = math.degrees(math.atan2(y, x))
            points[k, 1] = math.degrees(math.atan2(z, math.sqrt(x * x + y * y)))
            leg[k] = i
            k += 1
        points[k, 0], points[k, 1] = ends[i, 2], ends[i, 3]
        leg[k] = i
        k += 1
    return points, leg


@_jit
def _ecef_km(sin_lat: float, cos_lat: float, sin_lon: float, cos_lon: float) -> tuple[float, ...]:
    prime = _A_KM / math.sqrt(1.0 - _E2 * sin_lat * sin_lat)
    return prime * cos_lat * cos_lon, prime * cos_lat * sin_lon, prime * (1.0 - _E2) * sin_lat


@_jit
def _sines(lon_deg: float, lat_deg: float) -> tuple[float, float, float, float]:
    """Sine and cosine of the latitude, then of the longitude, of a point in degrees."""
    lon, lat = math.radians(lon_deg), math.radians(lat_deg)
    return math.sin(lat), math.cos(lat), math.sin(lon), math.cos(lon)


@_jit
def _turn(s: float, c: float, d: float) -> tuple[float, float]:
    """The sine and cosine of an angle d radians past one whose are s and c (|d| < 0.01).

    The sine and cosine of d by their series: to d⁷/5040 and d⁸/40320, under 1e-17.
    """
    d2 = d * d
    sd = d * (1.0 - d2 / 6.0 * (1.0 - d2 / 20.0))
    cd = 1.0 - d2 / 2.0 * (1.0 - d2 / 12.0 * (1.0 - d2 / 30.0))
    return s * cd + c * sd, c * cd - s * sd


@_jit
def part_lengths(lonlat: Float, part_start: Int) -> tuple[Float, Float]:
    """Each point's distance from the start of its part: degrees (planar) and km (WGS84).

    Degrees are what shapely measures along a line; km are the WGS84 lengths of the steps
    between consecutive points a few km apart: the chord between Earth-centred points falls
    short of the geodesic by c³/24R², about 0.13 mm for 5 km, and adding that term leaves
    an error of nanometres. Summed part by part, in order, so that a route's figures never
    depend on the other routes of its chunk. A point's sines and cosines are its
    predecessor's turned by the small step between them, and every _RESTART-th point's
    computed anew, so that rounding cannot build up: four sines a point were most of the
    loop's time.
    """
    deg = np.empty(lonlat.shape[0])
    km = np.empty(lonlat.shape[0])
    for j in range(part_start.shape[0] - 1):
        first = part_start[j]
        total_deg = total_km = 0.0
        deg[first] = km[first] = 0.0
        sin_lat, cos_lat, sin_lon, cos_lon = _sines(lonlat[first, 0], lonlat[first, 1])
        px, py, pz = _ecef_km(sin_lat, cos_lat, sin_lon, cos_lon)
        for i in range(first + 1, part_start[j + 1]):
            dx, dy = lonlat[i, 0] - lonlat[i - 1, 0], lonlat[i, 1] - lonlat[i - 1, 1]
            total_deg += math.sqrt(dx * dx + dy * dy)
            deg[i] = total_deg
            d_lon, d_lat = math.radians(dx), math.radians(dy)
            if (i - first) % _RESTART == 0 or abs(d_lon) >= 0.01 or abs(d_lat) >= 0.01:
                sin_lat, cos_lat, sin_lon, cos_lon = _sines(lonlat[i, 0], lonlat[i, 1])
            else:
                sin_lat, cos_lat = _turn(sin_lat, cos_lat, d_lat)
                sin_lon, cos_lon = _turn(sin_lon, cos_lon, d_lon)
            x, y, z = _ecef_km(sin_lat, cos_lat, sin_lon, cos_lon)
            chord = math.sqrt((x - px) ** 2 + (y - py) ** 2 + (z - pz) ** 2)
            total_km += chord + chord**3 / (24.0 * _R_KM * _R_KM)
            km[i] = total_km
            px, py, pz = x, y, z
    return deg, km


@_jit
def _col(x: float) -> int:
    return min(max(math.floor((x + 180.0) / CELL_DEG), 0), _NX - 1)


@_jit
def _row(y: float) -> int:
    return min(max(math.floor((y + 90.0) / CELL_DEG), 0), _NY - 1)


@_jit
def edge_grid(edges: Float) -> tuple[Int, NDArray[np.int32]]:
    """The cells each edge (x0, y0, x1, y1) may touch: start of each cell's run, edge ids.

    An edge is listed in every cell its bounding box meets.
    """
    counts = np.zeros(_NX * _NY + 1, dtype=np.int64)
    for e in range(edges.shape[0]):
        x0, y0, x1, y1 = edges[e, 0], edges[e, 1], edges[e, 2], edges[e, 3]
        for cy in range(_row(min(y0, y1)), _row(max(y0, y1)) + 1):
            for cx in range(_col(min(x0, x1)), _col(max(x0, x1)) + 1):
                counts[cy * _NX + cx + 1] += 1
    start = np.cumsum(counts)
    fill = start[:-1].copy()
    out = np.empty(start[-1], dtype=np.int32)
    for e in range(edges.shape[0]):
        x0, y0, x1, y1 = edges[e, 0], edges[e, 1], edges[e, 2], edges[e, 3]
        for cy in range(_row(min(y0, y1)), _row(max(y0, y1)) + 1):
            for cx in range(_col(min(x0, x1)), _col(max(x0, x1)) + 1):
                cell = cy * _NX + cx
                out[fill[cell]] = e
                fill[cell] += 1
    return start, out


A = TypeVar("A", Int, Float)


@_jit
def _grow(array: A, size: int) -> A:
    """The array, or a copy twice as long when ``size`` items fill it (compiled per type)."""
    if size < array.shape[0]:
        return array
    bigger = np.empty(2 * array.shape[0] + 16, dtype=array.dtype)
    bigger[: array.shape[0]] = array
    return bigger


@_jit
def _ray_north(
    sx: float,
    sy: float,
    edges: Float,
    layer: Int,
    cell_start: Int,
    cell_edges: NDArray[np.int32],
    stamp: Int,
    ray: int,
    parity: Int,
) -> None:
    """Flip ``parity`` of the layer of every edge that a ray north from (sx, sy) crosses."""
    cx = _col(sx)
    for cy in range(_row(sy), _NY):
        cell = cy * _NX + cx
        for m in range(cell_start[cell], cell_start[cell + 1]):
            e = cell_edges[m]
            if stamp[e] != ray:
                stamp[e] = ray
                ax, ay, bx, by = edges[e, 0], edges[e, 1], edges[e, 2], edges[e, 3]
                # Half-open in x, so that a ray through a vertex counts one of its edges.
                if (ax > sx) != (bx > sx) and ay + (sx - ax) * (by - ay) / (bx - ax) > sy:
                    parity[layer[e]] ^= 1


@_jit
def _part_crossings(
    j: int,
    first: int,
    last: int,
    lap: int,
    points: Float,
    cum_deg: Float,
    edges: Float,
    layer: Int,
    cell_start: Int,
    cell_edges: NDArray[np.int32],
    touch: Bool,
    stamp: Int,
    ev_part: Int,
    ev_layer: Int,
    ev_deg: Float,
    n_ev: int,
    hit_part: Int,
    hit_layer: Int,
    n_hit: int,
) -> tuple[int, int]:
    """The crossings and contacts of part j's segments, written from n_ev and n_hit on.

    Returns the new counts, or -1 for the first when an output ran out of room: the caller
    grows the outputs and asks again, with another ``lap`` so that the edges this attempt
    marked in ``stamp`` are looked at again. (The outputs are never replaced here: an array
    that a loop may replace costs every step of the loop two atomic updates of its
    reference count.)
    """
    base = lap * points.shape[0]
    # The cells of a segment's box are those between its ends' cells: each point's cell is
    # found once, and a segment within one empty cell (nine in ten) is passed at once.
    pc, pr = _col(points[first, 0]), _row(points[first, 1])
    for i in range(first, last):
        px, py = points[i, 0], points[i, 1]
        qx, qy = points[i + 1, 0], points[i + 1, 1]
        qc, qr = _col(qx), _row(qy)
        c0, c1, r0, r1 = min(pc, qc), max(pc, qc), min(pr, qr), max(pr, qr)
        pc, pr = qc, qr
        if c0 == c1 and r0 == r1 and cell_start[r0 * _NX + c0] == cell_start[r0 * _NX + c0 + 1]:
            continue
        sx, sy = px, py
        if i == first:
            sx, sy = px + _NUDGE * (qx - px), py + _NUDGE * (qy - py)
        xmin, xmax = min(px, qx), max(px, qx)
        ymin, ymax = min(py, qy), max(py, qy)
        step = cum_deg[i + 1] - cum_deg[i]
        mark = base + i
        for cy in range(r0, r1 + 1):
            for cx in range(c0, c1 + 1):
                cell = cy * _NX + cx
                for m in range(cell_start[cell], cell_start[cell + 1]):
                    e = cell_edges[m]
                    if stamp[e] == mark:
                        continue
                    stamp[e] = mark
                    ax, ay, bx, by = edges[e, 0], edges[e, 1], edges[e, 2], edges[e, 3]
                    if max(ax, bx) < xmin or min(ax, bx) > xmax:
                        continue
                    if max(ay, by) < ymin or min(ay, by) > ymax:
                        continue
                    ex, ey = bx - ax, by - ay
                    op = ex * (py - ay) - ey * (px - ax)
                    os_ = ex * (sy - ay) - ey * (sx - ax)
                    oq = ex * (qy - ay) - ey * (qx - ax)
                    rx, ry = qx - px, qy - py
                    oa = rx * (ay - py) - ry * (ax - px)
                    ob = rx * (by - py) - ry * (bx - px)
                    k = layer[e]
                    if touch[k] and op * oq <= 0.0 and oa * ob <= 0.0:
                        if n_hit == hit_part.shape[0]:
                            return -1, n_hit
                        hit_part[n_hit], hit_layer[n_hit] = j, k
                        n_hit += 1
                    if (os_ > 0.0) != (oq > 0.0) and (oa > 0.0) != (ob > 0.0):
                        if n_ev == ev_part.shape[0]:
                            return -1, n_hit
                        t = op / (op - oq) if op != oq else 0.0
                        ev_part[n_ev], ev_layer[n_ev] = j, k
                        ev_deg[n_ev] = cum_deg[i] + min(max(t, 0.0), 1.0) * step
                        n_ev += 1
    return n_ev, n_hit


@_jit
def crossings(
    points: Float,
    part_start: Int,
    cum_deg: Float,
    edges: Float,
    layer: Int,
    cell_start: Int,
    cell_edges: NDArray[np.int32],
    layers: int,
    touch: Bool,
) -> tuple[Int, Int, Float, Int, Int, Int, Int]:
    """Where each part (a run of points between part_start[j] and [j + 1]) crosses the layers.

    Returns the crossings (part, layer, degrees along the part) in no order; the layers
    each part starts inside (part, layer), by a ray cast north from its start; and every
    contact of a part with an edge of a layer marked in ``touch``, crossing or not (part,
    layer), for the check, which counts a touch too.
    """
    stamp = np.full(edges.shape[0], -1, dtype=np.int64)
    parity = np.zeros(layers, dtype=np.int64)
    ev_part = np.empty(1024, dtype=np.int64)
    ev_layer = np.empty(1024, dtype=np.int64)
    ev_deg = np.empty(1024)
    n_ev = 0
    in_part = np.empty(max(1024, layers), dtype=np.int64)
    in_layer = np.empty(max(1024, layers), dtype=np.int64)
    n_in = 0
    hit_part = np.empty(64, dtype=np.int64)
    hit_layer = np.empty(64, dtype=np.int64)
    n_hit = 0
    ray = -2
    lap = 0
    for j in range(part_start.shape[0] - 1):
        first, last = part_start[j], part_start[j + 1] - 1
        if last <= first:
            continue
        # The layers the part starts inside: edges crossed by a ray north from its start.
        sx = points[first, 0] + _NUDGE * (points[first + 1, 0] - points[first, 0])
        sy = points[first, 1] + _NUDGE * (points[first + 1, 1] - points[first, 1])
        _ray_north(sx, sy, edges, layer, cell_start, cell_edges, stamp, ray, parity)
        if n_in + layers > in_part.shape[0]:
            in_part = _grow(in_part, in_part.shape[0])
            in_layer = _grow(in_layer, in_layer.shape[0])
        for k in range(layers):
            if parity[k]:
                parity[k] = 0
                in_part[n_in], in_layer[n_in] = j, k
                n_in += 1
        ray -= 1
        while True:
            found, hits = _part_crossings(
                j,
                first,
                last,
                lap,
                points,
                cum_deg,
                edges,
                layer,
                cell_start,
                cell_edges,
                touch,
                stamp,
                ev_part,
                ev_layer,
                ev_deg,
                n_ev,
                hit_part,
                hit_layer,
                n_hit,
            )
            if found >= 0:
                n_ev, n_hit = found, hits
                break
            # Out of room: every output twice as long, and the part again from its start.
            lap += 1
            ev_part = _grow(ev_part, ev_part.shape[0])
            ev_layer = _grow(ev_layer, ev_layer.shape[0])
            ev_deg = _grow(ev_deg, ev_deg.shape[0])
            hit_part = _grow(hit_part, hit_part.shape[0])
            hit_layer = _grow(hit_layer, hit_layer.shape[0])
    return (
        ev_part[:n_ev],
        ev_layer[:n_ev],
        ev_deg[:n_ev],
        in_part[:n_in],
        in_layer[:n_in],
        hit_part[:n_hit],
        hit_layer[:n_hit],
    )


@_jit
def intervals(
    part: Int, layer: Int, deg: Float, start: Bool, part_deg: Float
) -> tuple[Int, Int, Float, Float]:
    """The stretches of each part inside each layer, from its crossings sorted along it.

    The input is sorted by part, layer and degrees along the part; ``start`` marks a
    part that starts inside the layer (listed first of its part and layer). Returns
    (part, layer, from, to) in that order, degrees along the part; a stretch still open
    at the end of its part ends there (its length in degrees, ``part_deg``).
    """
    n = part.shape[0]
    out_part = np.empty(n, dtype=np.int64)
    out_layer = np.empty(n, dtype=np.int64)
    lo = np.empty(n)
    hi = np.empty(n)
    count = 0
    inside = False
    opened = 0.0
    for k in range(n):
        if k == 0 or part[k] != part[k - 1] or layer[k] != layer[k - 1]:
            if inside:
                out_part[count], out_layer[count] = part[k - 1], layer[k - 1]
                lo[count], hi[count] = opened, part_deg[part[k - 1]]
                count += 1
            inside = False
        if start[k]:
            inside, opened = True, 0.0
        elif not inside:
            inside, opened = True, deg[k]
        else:
            inside = False
            out_part[count], out_layer[count] = part[k], layer[k]
            lo[count], hi[count] = opened, deg[k]
            count += 1
    if inside:
        out_part[count], out_layer[count] = part[n - 1], layer[n - 1]
        lo[count], hi[count] = opened, part_deg[part[n - 1]]
        count += 1
    return out_part[:count], out_layer[:count], lo[:count], hi[:count]


@_jit
def meets_deeper(part: Int, layer: Int, lo: Float, hi: Float, layers: int) -> Bool:
    """Per stretch of a layer under ``layers``: whether one of layer + ``layers`` meets it.

    On the same part. The stretches are as :func:`intervals` gives them, sorted by part,
    layer and start; the layers from ``layers`` on are the shrunk polygons of those below.
    """
    count = part.shape[0]
    out = np.zeros(count, dtype=np.bool_)
    first = 0
    while first < count:
        end = first
        while end < count and part[end] == part[first]:
            end += 1
        for r in range(first, end):
            if layer[r] >= layers:
                continue
            deeper = layer[r] + layers
            m = first + np.searchsorted(layer[first:end], deeper)
            while m < end and layer[m] == deeper:
                if lo[m] <= hi[r] and hi[m] >= lo[r]:
                    out[r] = True
                    break
                m += 1
        first = end
    return out


@_jit
def locate(part: Int, at: Float, part_start: Int, cum_deg: Float, cum_km: Float) -> Float:
    """Km along each part at degrees along it, straight between its points (as np.interp)."""
    out = np.empty(at.shape[0])
    for k in range(at.shape[0]):
        a, b = part_start[part[k]], part_start[part[k] + 1]
        out[k] = np.interp(at[k], cum_deg[a:b], cum_km[a:b])
    return out


@_jit
def points_at(km: Float, cum_km: Float, coords: Float, part_start: Int) -> Float:
    """(lon, lat) at each length along a route of parts, as ``transit.RouteLine.points_at``.

    ``cum_km`` and ``coords`` are the parts' km along the route and points, end to end,
    part j from part_start[j]; a length goes to the first part that reaches it (the last
    takes what is left), then straight between the points around it, with the same
    arithmetic, so that the answers are the same to the bit.
    """
    out = np.empty((km.shape[0], 2))
    last = part_start.shape[0] - 2
    for i in range(km.shape[0]):
        x = km[i]
        j = 0
        while j < last and not x <= cum_km[part_start[j + 1] - 1]:
            j += 1
        a, b = part_start[j], part_start[j + 1]
        # The first point at or past x (numpy's searchsorted, side left), less one.
        lo, hi = a, b
        while lo < hi:
            mid = (lo + hi) >> 1
            if cum_km[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        k = min(max(lo - 1, a), b - 2)
        k0, k1 = cum_km[k], cum_km[k + 1]
        span = k1 - k0
        f = (x - k0) / span if span > 0.0 else 0.0
        f = min(max(f, 0.0), 1.0)
        out[i, 0] = coords[k, 0] + f * (coords[k + 1, 0] - coords[k, 0])
        out[i, 1] = coords[k, 1] + f * (coords[k + 1, 1] - coords[k, 1])
    return out
