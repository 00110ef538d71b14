"""--explain: the refusals under which the shortest route follows the track (an inference)."""

from __future__ import annotations

from overflight.analysis.track import MATCH_KM, Track, explain_track, report_track


def test_the_caspian_corridor_is_explained_by_bulgaria_and_turkey(syria_2015: Track) -> None:
    report = report_track(syria_2015, operator="RU", category="state")
    answer = explain_track(report)
    assert answer.unexplained is None
    best = answer.explanations[0]
    # Several smallest sets explain it equally well (Ukraine or Bulgaria or Greece closes the
    # Black Sea way; Georgia or Armenia the Caucasus): one holds Bulgaria and Turkey.
    assert any({"BG", "TR"} <= set(e.refused) for e in answer.explanations)
    assert all("TR" in e.refused for e in answer.explanations)
    # Every set found is of the smallest size, and none refuses a state the track crosses.
    assert {len(e.refused) for e in answer.explanations} == {len(best.refused)}
    crossed = {o.transit.country for o in report.overflown if o.transit.distance_km > 25.0}
    assert all(not set(e.refused) & crossed for e in answer.explanations)
    # Each is a real match; the route with no refusal is far from the track.
    assert all(e.mean_km <= MATCH_KM for e in answer.explanations)
    assert answer.free_mean_km > 5 * MATCH_KM
    assert set(best.in_force) == set(best.refused) & set(report.denied)


def test_the_gibraltar_track_is_explained_by_a_set_with_france_and_spain(gibraltar: Track) -> None:
    report = report_track(gibraltar, deny=("FR", "ES"))
    answer = explain_track(report)
    assert answer.unexplained is None
    (best, *_) = answer.explanations
    assert {"FR", "ES"} <= set(best.refused)
    assert set(best.in_force) == {"FR", "ES"}
    assert best.route.straits == () or "Gibraltar" in best.route.straits[0]
    assert best.mean_km <= MATCH_KM
    assert "inference" in answer.to_dict()


def test_a_track_no_refusal_explains_is_said_to_be_unexplained(over_ukraine: Track) -> None:
    # Moscow - Kyiv - Antalya is a dog-leg no refusal makes shortest (Ukraine is crossed).
    answer = explain_track(report_track(over_ukraine, operator="RU"))
    assert answer.explanations == ()
    assert answer.unexplained is not None
    assert "airways" in answer.unexplained
