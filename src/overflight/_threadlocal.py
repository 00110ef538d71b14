"""GEOS geometries are confined to the thread that made them.

A GEOS geometry is not safe to use from two threads at once: a prepared geometry builds its
indexes on first use, and two threads doing so together corrupt the heap (libgeos/geos#825);
the server and Dask call the library from several threads. So shared data (the shipped state
areas, obstacles, strait corridors, avoid areas) holds geometry as WKB bytes, which are
immutable, and every thread reads its own prepared copy through :func:`thread_geometry`;
caches of values built from geometry use :func:`per_thread`. Values with no GEOS object in
them (numpy arrays, graphs, tuples) stay shared.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar, cast

import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["PerThread", "clear_thread_caches", "per_thread", "thread_geometry"]

P = ParamSpec("P")
R = TypeVar("R")

#: Every per-thread cache of every thread, so that tests can empty them all.
_ALL: weakref.WeakSet[Any] = weakref.WeakSet()
_ALL_LOCK = threading.Lock()


class PerThread(Generic[P, R]):
    """A function cached like :func:`functools.lru_cache`, with one cache per thread."""

    def __init__(self, func: Callable[P, R], maxsize: int | None) -> None:
        self._func = func
        self._maxsize = maxsize
        self._local = threading.local()
        functools.update_wrapper(self, func)

    def _cached(self) -> Callable[P, R]:
        cached: Callable[P, R] | None = getattr(self._local, "cached", None)
        if cached is None:
            wrapper = cast(Callable[P, R], functools.lru_cache(self._maxsize)(self._func))
            self._local.cached = wrapper
            with _ALL_LOCK:
                _ALL.add(wrapper)
            return wrapper
        return cached

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self._cached()(*args, **kwargs)


def per_thread(maxsize: int | None = 128) -> Callable[[Callable[P, R]], PerThread[P, R]]:
    """Cache a function's results per thread (for results that hold GEOS objects)."""

    def decorate(func: Callable[P, R]) -> PerThread[P, R]:
        return PerThread(func, maxsize)

    return decorate


@per_thread(maxsize=4096)
def thread_geometry(wkb: bytes) -> BaseGeometry:
    """The calling thread's prepared geometry for the WKB (the same object on every call).

    >>> import shapely
    >>> wkb = shapely.to_wkb(shapely.box(0, 0, 1, 1))
    >>> thread_geometry(wkb) is thread_geometry(wkb), thread_geometry(wkb).area
    (True, 1.0)
    """
    geometry = shapely.from_wkb(wkb)
    shapely.prepare(geometry)
    return geometry


def clear_thread_caches() -> None:
    """Empty the per-thread caches of every thread (they refill on use)."""
    with _ALL_LOCK:
        caches = list(_ALL)
    for cached in caches:
        cached.cache_clear()
