"""The public surface is deliberate: this list changes only on purpose."""

import overflight


def test_public_names_are_pinned() -> None:
    assert overflight.__all__ == [
        "AircraftFileError",
        "AircraftProfile",
        "CoordinateError",
        "DeniedEndpointError",
        "InputError",
        "InputFileError",
        "LonLat",
        "NoRouteError",
        "OverflightError",
        "Permissions",
        "Place",
        "Planner",
        "Route",
        "Scenario",
        "ScenarioError",
        "StateArea",
        "StateTransit",
        "UnknownAircraftError",
        "UnknownAirlineError",
        "UnknownAirportError",
        "UnknownScenarioError",
        "UnknownStateError",
        "VerificationError",
        "compare_routes",
        "find_chokepoints",
        "list_scenarios",
        "load_aircraft",
        "load_scenario",
        "plan_route",
        "plan_with_stops",
        "planner_for",
        "resolve_place",
        "search_airports",
        "states",
    ]
    assert overflight.__all__ == sorted(overflight.__all__)


def test_errors_share_one_root_and_builtins() -> None:
    assert issubclass(overflight.UnknownAirportError, overflight.OverflightError)
    assert issubclass(overflight.UnknownAirportError, LookupError)
    assert issubclass(overflight.InputError, ValueError)
    assert issubclass(overflight.NoRouteError, overflight.OverflightError)


def test_every_error_of_the_tree_is_exported() -> None:
    """The errors module's tree and the package's names agree (UnknownAirlineError included)."""
    import overflight.errors

    assert set(overflight.errors.__all__) - {"RequestError"} <= set(overflight.__all__)
    assert issubclass(overflight.UnknownAirlineError, LookupError)
