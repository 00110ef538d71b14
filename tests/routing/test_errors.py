"""Every way a route request can fail: the right error, the right builtin, a message that helps."""

from __future__ import annotations

import math

import pytest

from overflight import (
    CoordinateError,
    DeniedEndpointError,
    InputError,
    NoRouteError,
    OverflightError,
    Place,
    UnknownAirportError,
    UnknownStateError,
    plan_route,
    planner_for,
)


@pytest.mark.parametrize(
    ("origin", "destination", "deny", "role", "state", "name"),
    [
        # Lesotho lies wholly inside South Africa.
        ("FXMM", "FBSK", ["ZA"], "origin", "ZA", "South Africa"),
        ("FBSK", "FXMM", ["ZAF"], "destination", "ZA", "South Africa"),
        # San Marino lies wholly inside Italy.
        ("43.94,12.45", "LFPG", ["IT"], "origin", "IT", "Italy"),
        ("LSZH", "43.94,12.45", ["it"], "destination", "IT", "Italy"),
    ],
)
def test_an_enclave_of_a_denied_state_cannot_be_left(
    origin: str, destination: str, deny: list[str], role: str, state: str, name: str
) -> None:
    with pytest.raises(NoRouteError) as caught:
        plan_route(origin, destination, deny=deny)
    message = str(caught.value)
    assert name in message
    assert f"({state})" in message
    assert role in message
    assert caught.value.states == (state,)
    assert isinstance(caught.value, OverflightError)


@pytest.mark.parametrize(
    ("origin", "deny"),
    [
        # Armenia is landlocked between Georgia, Azerbaijan, Iran and Turkey.
        ("UDYZ", ["GE", "AZ", "IR", "TR"]),
        # The high seas of the Caspian, closed all round.
        ("42.0,51.0", ["RU", "KZ", "TM", "IR", "AZ"]),
    ],
)
def test_a_place_enclosed_by_several_denied_states_names_them_all(
    origin: str, deny: list[str]
) -> None:
    with pytest.raises(NoRouteError) as caught:
        plan_route(origin, "EGLL", deny=deny)
    assert caught.value.states == tuple(sorted(deny))
    for code in deny:
        assert f"({code})" in str(caught.value)


@pytest.mark.parametrize(
    ("origin", "destination", "deny", "role", "state", "name"),
    [
        ("UUEE", "EFHK", ["RU"], "origin", "RU", "Russia"),
        ("EFHK", "UUEE", ["RUS"], "destination", "RU", "Russia"),
        ("OSLK", "UUMU", ["SY", "TR"], "origin", "SY", "Syria"),
        (
            Place("PT", "in Kyiv", 30.52, 50.45, kind="point"),
            "EPWA",
            ["UA"],
            "origin",
            "UA",
            "Ukraine",
        ),
    ],
)
def test_an_endpoint_in_denied_airspace_is_refused(
    origin: str | Place, destination: str, deny: list[str], role: str, state: str, name: str
) -> None:
    with pytest.raises(DeniedEndpointError) as caught:
        plan_route(origin, destination, deny=deny)
    message = str(caught.value)
    assert message.startswith(f"the {role} ")
    assert f"{name} ({state})" in message
    assert caught.value.role == role
    assert any(state in s for s in caught.value.states)
    assert isinstance(caught.value, InputError)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("EGLX", "EGLL"),  # one letter off Heathrow
        ("OSLQ", "OSLK"),  # one letter off Latakia
        ("Heathrow", "EGLL"),
    ],
)
def test_an_unknown_airport_comes_with_suggestions(code: str, expected: str) -> None:
    with pytest.raises(UnknownAirportError) as caught:
        plan_route(code, "LFPG")
    error = caught.value
    assert error.code == code
    assert repr(code) in str(error)
    assert any(s.startswith(expected) for s in error.suggestions), error.suggestions
    assert "closest matches" in str(error)
    assert isinstance(error, LookupError)
    assert isinstance(error, ValueError)
    assert isinstance(error, OverflightError)


def test_an_unknown_destination_is_reported_as_such() -> None:
    with pytest.raises(UnknownAirportError) as caught:
        plan_route("LFPG", "QQQQQQ")
    assert caught.value.code == "QQQQQQ"


@pytest.mark.parametrize("code", ["XX", "RUSS", "Russia", "ZZZ"])
def test_an_unknown_state_code_is_named(code: str) -> None:
    with pytest.raises(UnknownStateError) as caught:
        plan_route("EGLL", "LFPG", deny=["FR", code])
    assert caught.value.code == code
    assert repr(code) in str(caught.value)
    assert "ISO 3166-1" in str(caught.value)
    assert isinstance(caught.value, LookupError)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, OverflightError)


def test_an_unknown_state_code_suggests_the_likely_one() -> None:
    with pytest.raises(UnknownStateError) as caught:
        plan_route("EGLL", "LFPG", deny=["Rusia"])
    assert any(s.startswith(("RU", "RUS")) for s in caught.value.suggestions)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("95,10", "95"),
        ("-90.5,10", "-90.5"),
        ("45,190", "190"),
        ("45,-180.01", "-180.01"),
    ],
)
def test_coordinates_out_of_range_are_refused(text: str, bad: str) -> None:
    for origin, destination in ((text, "LFPG"), ("LFPG", text)):
        with pytest.raises(CoordinateError) as caught:
            plan_route(origin, destination)
        assert bad in str(caught.value)
        assert "[-90, 90]" in str(caught.value)
        assert isinstance(caught.value, ValueError)
        assert isinstance(caught.value, InputError)


@pytest.mark.parametrize("margin", [-1.0, -1e-9, 200.5, 1e6, math.inf, math.nan])
def test_a_margin_out_of_range_is_refused(margin: float) -> None:
    with pytest.raises(InputError) as caught:
        plan_route("EGLL", "LFPG", deny=["BE"], margin_nm=margin)
    assert "margin" in str(caught.value)
    assert "0 to 200" in str(caught.value)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(InputError):
        planner_for(["BE"], margin)


@pytest.mark.parametrize("margin", [0.0, 200.0])
def test_the_ends_of_the_margin_range_are_accepted(margin: float) -> None:
    assert planner_for([], margin).margin_nm == margin


@pytest.mark.parametrize("speed", [0.0, -450.0, math.nan, math.inf])
def test_a_speed_that_is_not_a_positive_number_is_refused(speed: float) -> None:
    with pytest.raises(InputError, match="speed"):
        plan_route("EGLL", "LFPG", speed_kt=speed)


@pytest.mark.parametrize(
    ("error", "builtins"),
    [
        (InputError, (ValueError,)),
        (UnknownAirportError, (InputError, ValueError, LookupError)),
        (UnknownStateError, (InputError, ValueError, LookupError)),
        (CoordinateError, (InputError, ValueError)),
        (DeniedEndpointError, (InputError, ValueError)),
        (NoRouteError, ()),
    ],
)
def test_every_error_is_an_overflight_error_and_the_right_builtin(
    error: type[Exception], builtins: tuple[type[Exception], ...]
) -> None:
    assert issubclass(error, OverflightError)
    for builtin in builtins:
        assert issubclass(error, builtin)
    # No route is not bad input: a caller catching ValueError must not swallow it.
    if error is NoRouteError:
        assert not issubclass(error, ValueError)


@pytest.mark.parametrize("deny", [[], ["GH"]])
def test_antipodal_ends_are_refused_with_a_reason(deny: list[str]) -> None:
    # Every great circle through (0, 0) and (0, 180) is a shortest path: no route is "the" one.
    with pytest.raises(InputError, match="antipodal"):
        plan_route("0,0", "0,180", deny=deny)
    # A few kilometres off the antipode the route is unique again, and verified.
    route = plan_route("0,0", "0.05,-179.95", deny=deny)
    assert route.distance_km > 19_900


def _raised(call: object) -> OverflightError:
    assert callable(call)
    with pytest.raises(OverflightError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(lambda: plan_route("XQXQ", "EFHK"), id="unknown airport"),
        pytest.param(lambda: plan_route("EFHK", "RJAA", deny=["QQ"]), id="unknown state"),
        pytest.param(lambda: plan_route("FXMM", "FBSK", deny=["ZA"]), id="no route"),
        pytest.param(lambda: plan_route("95,10", "EFHK"), id="coordinate"),
    ],
)
def test_an_error_crosses_to_another_process_as_it_was(error: object) -> None:
    """Pickled (as a worker process sends it back), the same type, message and attributes."""
    import pickle

    raised = _raised(error)
    again = pickle.loads(pickle.dumps(raised))
    assert type(again) is type(raised)
    assert str(again) == str(raised)
    assert again.args == raised.args
    assert vars(again) == vars(raised)


def test_a_file_error_crosses_to_another_process_as_it_was() -> None:
    import pickle

    from overflight.errors import InputFileError, ScenarioError

    for raised in (
        InputFileError("not a number", file="pairs.csv", line=3, field="speed"),
        ScenarioError("unknown state 'QQ'", file="s.yaml", line=2, column=5, others=("x",)),
    ):
        again = pickle.loads(pickle.dumps(raised))
        assert (type(again), str(again), vars(again)) == (type(raised), str(raised), vars(raised))
