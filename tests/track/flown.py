"""Tracks flown along the planner's own routes: densified, perturbed, with gaps, written out.

Every perturbation is drawn from a seeded generator, so a test sees the same track each run.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from overflight.geo.ellipsoid import densify_path, wgs84

__all__ = ["Flown", "fly", "syria_2015", "through_the_strait", "write"]

#: (lon, lat, time) of each fix.
Flown = list[tuple[float, float, dt.datetime]]


def fly(
    waypoints: Sequence[tuple[float, float]],
    *,
    start: dt.datetime,
    step_km: float = 8.0,
    noise_km: float = 0.5,
    speed_kt: float = 430.0,
    gaps_km: Sequence[tuple[float, float]] = (),
    seed: int = 1,
) -> Flown:
    """Fixes along the great circles through the waypoints, every ``step_km`` on average.

    Positions are moved by up to ``noise_km``, spacing and times are irregular (each step
    between half and one and a half times ``step_km``), and fixes between the km of each
    ``gaps_km`` pair are left out, as over an ocean out of reach of receivers.
    """
    rng = np.random.default_rng(seed)
    dense = np.asarray(densify_path(waypoints, step_km / 4.0))
    _, _, metres = wgs84().inv(dense[:-1, 0], dense[:-1, 1], dense[1:, 0], dense[1:, 1])
    along = np.concatenate([[0.0], np.cumsum(metres) / 1000.0])
    out: Flown = []
    km = 0.0
    while km < along[-1]:
        if not any(a < km < b for a, b in gaps_km):
            lon = float(np.interp(km, along, dense[:, 0]))
            lat = float(np.interp(km, along, dense[:, 1]))
            dx, dy = rng.uniform(-noise_km, noise_km, 2)
            lat += dy / 111.0
            lon += dx / (111.0 * max(math.cos(math.radians(lat)), 0.1))
            seconds = km / (speed_kt * 1.852) * 3600.0 + rng.uniform(0.0, 2.0)
            out.append((lon, lat, start + dt.timedelta(seconds=seconds)))
        km += step_km * rng.uniform(0.5, 1.5)
    last = dense[-1]
    seconds = along[-1] / (speed_kt * 1.852) * 3600.0 + 3.0
    out.append((float(last[0]), float(last[1]), start + dt.timedelta(seconds=seconds)))
    return out


def syria_2015() -> Flown:
    """UUMU to OSLK on 2015-09-15 for Russian state aircraft: Caspian, Iran, Iraq.

    Planned under the registry's refusals of that day, and kept off Azerbaijan and Armenia
    (over the Caspian Sea, as the flights were reported); no fix over the Caspian for 350 km.
    """
    from overflight.analysis.plan import plan_request
    from overflight.analysis.request import FlightRequest

    plan = plan_request(
        FlightRequest(
            origin="UUMU",
            destination="OSLK",
            operator="RU",
            category="state",
            date=dt.date(2015, 9, 15),
            deny=("AZ", "AM"),
        )
    )
    start = dt.datetime(2015, 9, 15, 6, 0, tzinfo=dt.UTC)
    return fly(plan.route.waypoints, start=start, seed=11, gaps_km=[(900.0, 1250.0)])


def through_the_strait() -> list[tuple[float, float]]:
    """Waypoints from the Atlantic into the Alboran Sea along the Gibraltar corridor's middle."""
    import shapely

    from overflight.scenarios import straits

    corridor = straits()["gibraltar"].geometry
    west, south, east, north = corridor.bounds
    middle = []
    for x in np.linspace(west + 0.01, east - 0.01, 12).tolist():
        across = corridor.intersection(shapely.LineString([(x, south - 1.0), (x, north + 1.0)]))
        middle.append((x, across.centroid.y))
    return [(-9.0, 35.9), *middle, (-2.0, 36.2)]


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write(flown: Flown, path: Path) -> Path:
    """The fixes as a track file in the format of the path's suffix."""
    kind = path.suffix.lower()
    if kind == ".kml":
        body = "".join(f"<when>{_iso(t)}</when>\n" for _, _, t in flown) + "".join(
            f"<gx:coord>{x} {y} 10668</gx:coord>\n" for x, y, _ in flown
        )
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">\n'
            f"<Document><Placemark><gx:Track>\n{body}</gx:Track></Placemark></Document></kml>\n",
            encoding="utf-8",
        )
    elif kind == ".gpx":
        points = "".join(
            f'<trkpt lat="{y}" lon="{x}"><ele>10668</ele><time>{_iso(t)}</time></trkpt>\n'
            for x, y, t in flown
        )
        path.write_text(
            '<?xml version="1.0"?>\n<gpx version="1.1" creator="tests" '
            'xmlns="http://www.topografix.com/GPX/1/1">\n'
            f"<trk><trkseg>\n{points}</trkseg></trk></gpx>\n",
            encoding="utf-8",
        )
    elif kind == ".csv":
        rows = "".join(f"{_iso(t)};{y};{x};35000;450\n" for x, y, t in flown)
        path.write_text("time;lat;lon;altitude;speed\n" + rows, encoding="utf-8")
    elif kind == ".geojson":
        feature = {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[x, y] for x, y, _ in flown]},
            "properties": {"times": [_iso(t) for _, _, t in flown]},
        }
        path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    elif kind == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table(
            {
                "latitude": [y for _, y, _ in flown],
                "longitude": [x for x, _, _ in flown],
                "timestamp": [t for _, _, t in flown],
            }
        )
        pq.write_table(table, path)
    else:
        raise ValueError(f"no writer for {path.suffix}")
    return path
