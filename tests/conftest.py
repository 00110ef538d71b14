"""Fixtures shared by every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from overflight.routing import planner


@pytest.fixture(autouse=True, scope="session")
def private_graph_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep built graphs in a fresh directory, never in the user's cache.

    A fresh directory per session also means every denied set the tests use is
    built by the code under test rather than read from an older build.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path_factory.mktemp("overflight-cache")))
        planner._planner.cache_clear()
        yield
        planner._planner.cache_clear()
