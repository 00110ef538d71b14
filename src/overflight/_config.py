"""Defaults and limits of a request, in one place: the library, the CLI and the HTTP API agree.

>>> DEFAULT_SPEED_KT, SPEED_KT_RANGE, MARGIN_NM_MAX, FLIGHT_LEVEL_RANGE
(450.0, (50.0, 1500.0), 200.0, (0, 600))
"""

from __future__ import annotations

import datetime as dt
import os
from contextvars import ContextVar
from pathlib import Path

__all__ = [
    "DEFAULT_CACHE_MAX_MB",
    "DEFAULT_FLIGHT_LEVEL",
    "DEFAULT_GROUND_TIME_H",
    "DEFAULT_MAX_STOPS",
    "DEFAULT_SPEED_KT",
    "DISPUTED_POLICIES",
    "FLIGHT_LEVEL_RANGE",
    "GROUND_TIME_H_MAX",
    "MARGIN_NM_MAX",
    "MAX_STOPS",
    "REGISTRY_FIRST_DAY",
    "SPEED_KT_RANGE",
    "cache_dir",
    "compiled_queries",
    "owns_process",
    "run_as_command",
    "use_compiled_queries",
]

#: Cruise speed for times when neither a speed nor an aircraft is given, knots.
DEFAULT_SPEED_KT = 450.0
#: Cruise speeds accepted, knots: a slow turboprop to well beyond any airliner.
SPEED_KT_RANGE = (50.0, 1500.0)
#: Widest lateral margin kept from denied airspace, nautical miles.
MARGIN_NM_MAX = 200.0
#: Cruise flight level when none is given, and the levels accepted (FL000 to FL600).
DEFAULT_FLIGHT_LEVEL = 350
FLIGHT_LEVEL_RANGE = (0, 600)
#: Fuel stops: how many are planned at most by default, and the most a request may ask for.
DEFAULT_MAX_STOPS = 3
MAX_STOPS = 5
#: Time on the ground at each fuel stop by default, and the most accepted, hours.
DEFAULT_GROUND_TIME_H = 1.0
GROUND_TIME_H_MAX = 48.0
#: Size the graph cache on disk is kept under, megabytes (OVERFLIGHT_CACHE_MAX_MB overrides):
#: some 65 graphs of 26 states denied (3.9 MB each), 200 of Russia, Belarus and Ukraine (1.2 MB).
DEFAULT_CACHE_MAX_MB = 256

#: How disputed areas are crossed: ``union`` (closed when any claimant is denied, except where
#: the flight departs or arrives) or ``control`` (open wherever a permitted state holds them).
DISPUTED_POLICIES = ("union", "control")

#: The first day the registry of refusals covers: the world on an earlier date is not known.
REGISTRY_FIRST_DAY = dt.date(2014, 1, 1)


#: Whether queries use the compiled kernels (fast once loaded) or numpy and shapely (no
#: compiler start-up: better for a process that answers one query). A context variable, so
#: that one thread's choice (a one-shot command's) is not another's (the server's planning
#: threads). The search (routing/graph.py) and the verifier (routing/edges.py) each follow it
#: with kernels of their own.
_COMPILED: ContextVar[bool] = ContextVar("overflight_compiled_queries", default=True)


def use_compiled_queries(enabled: bool) -> None:
    """Choose, for the calling thread, how queries are searched and checked.

    Compiled kernels or numpy, shapely and Python: both give the same routes; the compiled
    way answers a detour query several times faster but costs about a second to load in a
    new process.
    """
    _COMPILED.set(enabled)


def compiled_queries() -> bool:
    """Whether the calling thread's queries use the compiled kernels."""
    return _COMPILED.get()


#: Whether the library runs as the process's own command (the ``overflight`` program) rather
#: inside a user's program: only then may it change what the process loads for everyone.
_OWNS_PROCESS = False


def run_as_command() -> None:
    """Mark the process as the ``overflight`` program's own (its ``main`` reading ``argv``)."""
    global _OWNS_PROCESS
    _OWNS_PROCESS = True
    # Arrow's buffers from the C library's allocator (unless the user chose another pool):
    # with Arrow's default, mimalloc, writing a batch's 10,000-row output took 20 to 80 ms,
    # mostly in the kernel, from one run to the next; with this one, 18 ms every time.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")


def owns_process() -> bool:
    """Whether the library runs as the process's own command, not inside a user's program."""
    return _OWNS_PROCESS


def cache_dir() -> Path:
    """Where built graphs are kept between runs (OVERFLIGHT_CACHE_DIR overrides)."""
    override = os.environ.get("OVERFLIGHT_CACHE_DIR")
    if override:
        return Path(override) / "graphs"
    import platformdirs  # only when the default is needed

    return Path(platformdirs.user_cache_dir("overflight")) / "graphs"
