"""The verifier on legs given by hand: what it rejects, what it accepts, and its grazing tolerance.

No planner here: the legs are literal, so each test says what the verifier decides by itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import shapely

from overflight.data.airspace import states
from overflight.errors import VerificationError
from overflight.routing import verify
from overflight.routing.verify import TOLERANCE_DEG, check_route

MOSCOW, WARSAW = (37.41, 55.97), (20.97, 52.17)


def test_a_leg_across_a_denied_state_is_rejected_naming_it() -> None:
    with pytest.raises(VerificationError, match=r"leg 1 .* enters the airspace of BY"):
        check_route([MOSCOW, WARSAW], ["BY"])


def test_only_the_leg_that_enters_is_named() -> None:
    # Warsaw to Berlin is clear of Belarus; the second leg, back to Moscow, is not.
    with pytest.raises(VerificationError, match=r"leg 2 .* enters the airspace of BY"):
        check_route([WARSAW, (13.4, 52.5), MOSCOW], ["BY"])


def test_states_not_denied_are_not_checked() -> None:
    check_route([MOSCOW, WARSAW], ["FI", "UA"])


@pytest.mark.parametrize(
    "leg",
    [
        pytest.param([(-40.0, 40.0), (-30.0, 45.0)], id="mid-Atlantic"),
        pytest.param([(178.0, 40.0), (-178.0, 42.0)], id="north-Pacific-across-180"),
    ],
)
def test_a_leg_over_the_high_seas_passes_with_every_state_denied(
    leg: list[tuple[float, float]],
) -> None:
    check_route(leg, tuple(states()))


def test_a_leg_along_the_high_seas_corridor_of_the_gulf_of_finland_passes() -> None:
    """International waters a few nautical miles wide between Finland's and Estonia's seas."""
    check_route([(24.5, 59.762), (25.5, 59.875)], ["FI", "EE", "RU"])


def test_a_leg_across_the_antimeridian_is_checked_on_both_sides() -> None:
    """Along 66°N from 170°E to 170°W: Chukotka, on both sides of the cut."""
    with pytest.raises(VerificationError, match="RU"):
        check_route([(170.0, 66.0), (-170.0, 66.0)], ["RU"])


def _libya_east_edge() -> float:
    """Longitude of Libya's airspace at its straight border with Egypt, 24.0°N to 24.5°N."""
    band = shapely.intersection(states()["LY"].geometry, shapely.box(20.0, 24.0, 30.0, 24.5))
    return float(band.bounds[2])


@pytest.mark.parametrize(("depth", "passes"), [(0.5, True), (0.9, True), (1.5, False), (5, False)])
def test_grazing_within_the_tolerance_passes(depth: float, passes: bool) -> None:
    """A leg along a meridian, inside a straight border by ``depth`` times TOLERANCE_DEG.

    Meridians are great circles, so the leg is exactly that far inside along its whole length.
    """
    lon = _libya_east_edge() - depth * TOLERANCE_DEG
    leg = [(lon, 24.0), (lon, 24.5)]
    if passes:
        check_route(leg, ["LY"])
    else:
        with pytest.raises(VerificationError, match="LY"):
            check_route(leg, ["LY"])


def test_an_avoid_area_is_kept_out_of_like_denied_airspace() -> None:
    box = shapely.box(-36.0, 41.0, -34.0, 44.0)
    with pytest.raises(VerificationError, match="area to avoid"):
        check_route([(-40.0, 40.0), (-30.0, 45.0)], [], avoid=box)
    check_route([(-40.0, 40.0), (-30.0, 45.0)], [], avoid=shapely.box(-36.0, 30.0, -34.0, 35.0))


def test_denied_airspace_inside_an_opening_may_be_crossed() -> None:
    """Only what lies outside the openings (strait corridors) must stay clear."""
    belarus = shapely.box(23.0, 51.0, 33.0, 57.0)
    check_route([MOSCOW, WARSAW], ["BY"], openings=belarus)
    with pytest.raises(VerificationError, match="BY"):
        check_route([MOSCOW, WARSAW], ["BY"], openings=shapely.box(23.0, 51.0, 26.0, 57.0))


def _shrunk(code: str) -> bytes:
    """A state's airspace shrunk by the tolerance, made here as the verifier defines it."""
    return shapely.to_wkb(shapely.buffer(states()[code].geometry, -TOLERANCE_DEG, quad_segs=2))


def test_the_kept_shrunk_areas_are_the_states_shrunk_by_the_tolerance() -> None:
    for code in states():
        assert verify._shrunk_wkb(code) == _shrunk(code), code


#: Prints the verifier's shrunk areas of three states as hex WKB, in a process of its own;
#: with REFUSE set, a process in which GEOS's buffer (the shrinking) fails.
_SHRUNK_IN_A_NEW_PROCESS = textwrap.dedent(
    """
    import os, shapely

    def refuse(*args, **kwargs):
        raise AssertionError("a state shrunk again")

    if os.environ.get("REFUSE"):
        shapely.buffer = refuse
    from overflight.routing.verify import shrunk_area
    print(" ".join(shapely.to_wkb(shrunk_area(c)).hex() for c in ("TR", "BG", "RU")))
    """
)


def _shrunk_in_new_processes(cache: Path, count: int, *, refuse: bool) -> list[list[str]]:
    """What ``count`` processes started at once on the cache directory print."""
    env = {**os.environ, "OVERFLIGHT_CACHE_DIR": str(cache), "REFUSE": "1" if refuse else ""}
    running = [
        subprocess.Popen(
            [sys.executable, "-c", _SHRUNK_IN_A_NEW_PROCESS],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    answers = []
    for process in running:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        answers.append(out.split())
    return answers


def test_a_new_process_reads_the_shrunk_areas_from_the_cache_directory(tmp_path: Path) -> None:
    """Three processes starting at once on an empty cache each make them and agree; the file
    they leave is whole, and a later process reads every state from it, shrinking none."""
    expected = [_shrunk(c).hex() for c in ("TR", "BG", "RU")]
    assert _shrunk_in_new_processes(tmp_path, 3, refuse=False) == [expected] * 3
    kept = sorted(p.name for p in (tmp_path / "data").iterdir())
    assert [n for n in kept if n.startswith("airspace-shrunk-")] == [
        f"airspace-shrunk-1-{verify._shrunk_key()}.columns"
    ]
    assert not [n for n in kept if n.endswith(".tmp")]
    assert _shrunk_in_new_processes(tmp_path, 1, refuse=True) == [expected]
