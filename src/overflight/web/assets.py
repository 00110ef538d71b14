"""The page, its scripts, the vendored MapLibre GL JS and the basemap, served from the package.

Each is read once, compressed once, and answered with an ETag, so a reload costs a 304.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from fastapi import APIRouter, Request, Response

from overflight.data.display import display_states

__all__ = ["Asset", "asset_response", "page_router", "states_geojson"]


@dataclass(frozen=True)
class Asset:
    """A file's bytes, gzipped once, with its ETag and type."""

    body: bytes
    gzipped: bytes
    etag: str
    media_type: str

    @classmethod
    def of(cls, body: bytes, media_type: str) -> Asset:
        """The asset for these bytes."""
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        return cls(body, gzip.compress(body, compresslevel=6, mtime=0), etag, media_type)


#: URL path -> (package, resource path, media type).
_FILES = {
    "/": ("overflight.web", "static/index.html", "text/html; charset=utf-8"),
    "/app.js": ("overflight.web", "static/app.js", "text/javascript; charset=utf-8"),
    "/style.css": ("overflight.web", "static/style.css", "text/css; charset=utf-8"),
    "/vendor/maplibre-gl.js": (
        "overflight.export",
        "vendor/maplibre-gl/maplibre-gl.js",
        "text/javascript; charset=utf-8",
    ),
    "/vendor/maplibre-gl.css": (
        "overflight.export",
        "vendor/maplibre-gl/maplibre-gl.css",
        "text/css; charset=utf-8",
    ),
    "/vendor/maplibre-gl-LICENSE.txt": (
        "overflight.export",
        "vendor/maplibre-gl/LICENSE.txt",
        "text/plain; charset=utf-8",
    ),
}


@cache
def _file(url_path: str) -> Asset:
    package, resource, media_type = _FILES[url_path]
    return Asset.of(files(package).joinpath(resource).read_bytes(), media_type)


@cache
def states_geojson() -> Asset:
    """The display geometry of every state (see :func:`display_states`), as compact JSON."""
    body = json.dumps(display_states(), separators=(",", ":")).encode()
    return Asset.of(body, "application/geo+json")


def asset_response(request: Request, asset: Asset) -> Response:
    """The asset, gzipped if the client takes it; 304 if the client holds this version."""
    headers = {"ETag": asset.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


def page_router() -> APIRouter:
    """Routes for the page and the files it loads (not part of the API schema)."""
    router = APIRouter(include_in_schema=False)

    def serve(url_path: str) -> None:
        async def endpoint(request: Request) -> Response:
            return asset_response(request, _file(url_path))

        router.add_api_route(url_path, endpoint, methods=["GET", "HEAD"])

    for url_path in _FILES:
        serve(url_path)
    return router
