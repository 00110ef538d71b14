"""What every command shares: the exit statuses and the one map from errors to them.

Exit status: 0 success, 2 bad input, 3 no route possible, 4 internal check failed,
130 interrupted (a batch that can be resumed).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING

import typer

from overflight.errors import InputError, NoRouteError, OverflightError, RequestError

if TYPE_CHECKING:
    from overflight.analysis.plan import Plan

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_NO_ROUTE",
    "exit_on_error",
    "fail",
    "option_name",
    "planning",
    "tell_place_notes",
]

EXIT_BAD_INPUT = 2
EXIT_NO_ROUTE = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130


def fail(message: str, status: int) -> typer.Exit:
    """Print the error on stderr; the exit to raise with the status."""
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(status)


@contextmanager
def exit_on_error() -> Iterator[None]:
    """Turn the library's errors raised in the block into their message and exit status.

    Bad input exits with 2, no route with 3, a failed internal check with 4. A request field
    found wrong while planning (a ``category`` the registry does not know) is named as the
    option the user typed (``--category``).
    """
    try:
        yield
    except RequestError as exc:
        raise fail(str(exc.spelled({exc.field: option_name(exc.field)})), EXIT_BAD_INPUT) from None
    except InputError as exc:
        raise fail(str(exc), EXIT_BAD_INPUT) from None
    except NoRouteError as exc:
        raise fail(str(exc), EXIT_NO_ROUTE) from None
    except OverflightError as exc:
        raise fail(str(exc), EXIT_INTERNAL) from None


def option_name(field: str) -> str:
    """How the command line spells a request field: ``category`` is ``--category``.

    >>> option_name("flight_level"), option_name("state")
    ('--fl', '--state')
    """
    from overflight.cli.options import OPTION_NAMES

    return OPTION_NAMES.get(field) or "--" + field.replace("_", "-")


@contextmanager
def planning(aircraft: str | None) -> Iterator[None]:
    """Around planning: a spinner on a terminal, and the exit status of :func:`exit_on_error`."""
    from overflight.routing.graph import use_compiled_queries

    # One route: loading the compiler would cost more than it saves; fuel stops ask many.
    use_compiled_queries(aircraft is not None)
    spinner: AbstractContextManager[object] = nullcontext()
    # rich loads only when it could find a terminal (it also takes these variables for one).
    if sys.stderr.isatty() or {"FORCE_COLOR", "TTY_COMPATIBLE"} & os.environ.keys():
        from rich.console import Console

        status = Console(stderr=True)
        if status.is_terminal:
            spinner = status.status("planning…", spinner="dots")
    with exit_on_error(), spinner:
        yield


def tell_place_notes(plan: Plan) -> None:
    """Print the notes of the plan's places on stderr, for outputs that have no room for them."""
    places = (plan.route.origin, plan.route.destination)
    if all(place.note is None for place in places):
        return  # nothing to tell: rich stays unloaded
    from rich.console import Console

    from overflight.cli.render import render_place_notes

    Console(stderr=True).print(*render_place_notes(*places))
