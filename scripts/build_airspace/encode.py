"""Writing the data file: GeoJSON features, provenance metadata, deterministic gzip.

It exists so that the file's format lives in one place (documented under "File format" in
``src/overflight/data/AIRSPACE.md``) and so that the same inputs and library versions give a
byte-identical file: fixed key order, one feature per line, no build date, gzip timestamp 0.
"""

from __future__ import annotations

import gzip
import io
import json
from typing import Any

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from .codes import SOVEREIGN
from .fetch import LAND, SOURCE
from .geometry import polygons_of
from .simplify import DECIMALS, MAX_EDGE_KM, SIMPLIFY_KM, TAU_KM

# Recorded in the file's metadata as the program that built it. It names the single-file script
# that this package was split from; the text is part of the file's bytes, so it changes only
# together with a rebuild of the data file.
BUILDER = "scripts/build_airspace.py"


def feature(code: str, code3: str, name: str, geometry: BaseGeometry) -> dict[str, Any]:
    """GeoJSON Feature with the shipped property schema."""
    polygons = polygons_of(geometry)
    rings = [
        [
            np.asarray(p.exterior.coords).tolist(),
            *[np.asarray(r.coords).tolist() for r in p.interiors],
        ]
        for p in polygons
    ]
    geojson = (
        {"type": "Polygon", "coordinates": rings[0]}
        if len(rings) == 1
        else {"type": "MultiPolygon", "coordinates": rings}
    )
    return {
        "type": "Feature",
        "properties": {
            "code": code,
            "code3": code3,
            "name": name,
            "sovereign": SOVEREIGN.get(code),
        },
        "geometry": geojson,
    }


def metadata() -> dict[str, Any]:
    """The top-level ``overflight`` member: provenance and parameters, no build date."""
    return {
        "source": {
            "package": SOURCE.name,
            "version": SOURCE.version,
            "sha1": SOURCE.sha1,
            "content": "OpenStreetMap admin_level=2 land and territorial sea, November 2017",
        },
        "land_source": {"package": LAND.name, "version": LAND.version, "sha1": LAND.sha1},
        "licence": "ODbL-1.0",
        "attribution": "© OpenStreetMap contributors",
        "tau_km": TAU_KM,
        "simplify_tolerance_km": SIMPLIFY_KM,
        "max_edge_km": MAX_EDGE_KM,
        "coordinate_decimals": DECIMALS,
        "edges": "great-circle arcs; each edge is at most max_edge_km long",
        "builder": BUILDER,
        "built_with": {
            "shapely": shapely.__version__,
            "geos": shapely.geos_version_string,
            "pyproj": pyproj.__version__,
            "proj": pyproj.proj_version_str,
        },
    }


def encode(features: list[dict[str, Any]]) -> bytes:
    """Deterministic GeoJSON text, one feature per line, gzipped with a zero timestamp."""
    head = json.dumps({"type": "FeatureCollection", "overflight": metadata()}, ensure_ascii=False)
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = head[:-1] + ', "features": [\n' + ",\n".join(lines) + "\n]}\n"
    raw = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    return raw.getvalue()
