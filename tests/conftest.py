"""Fixtures shared by every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from overflight.routing import planner

# Every property test draws the same examples on every run: a test must not pass or fail by the
# luck of a draw. (To hunt for new counterexamples, load a profile without derandomize.)
settings.register_profile("derandomised", derandomize=True, database=None)
settings.load_profile("derandomised")


@pytest.fixture(autouse=True, scope="session")
def private_graph_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep built graphs in a fresh directory, never in the user's cache.

    A fresh directory per session also means every denied set the tests use is
    built by the code under test rather than read from an older build.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path_factory.mktemp("overflight-cache")))
        planner.clear_caches()
        yield
        planner.clear_caches()
