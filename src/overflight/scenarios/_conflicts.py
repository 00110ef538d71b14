"""Rules of one scenario file that contradict each other.

Two rules contradict each other when they name a common state, category, operator and to/from
state (as written, an empty list counting as "every"), their windows share a day, and they
decide overflight or landing differently: under "the last rule wins" the earlier would be dead
on those days, which is almost always a mistake in the dates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from overflight.scenarios._common import Window

if TYPE_CHECKING:
    from overflight.scenarios._model import Rule

__all__ = ["contradiction"]


def contradiction(a: Rule, b: Rule) -> str | None:
    """How rule ``b`` contradicts the earlier rule ``a``, or None if it does not."""
    if not a.valid.overlaps(b.valid):
        return None
    shared: list[str] = []
    for label, x, y in (
        ("state", a.states, b.states),
        ("category", a.categories, b.categories),
        ("operator", a.operators, b.operators),
        ("to/from", a.to_from, b.to_from),
    ):
        if not x and not y:
            continue
        common = sorted(set(x) & set(y))
        if not common:
            return None
        shared.append(f"{label} {common[0]}")
    for what, p, q in (
        ("overflight", a.overflight, b.overflight),
        ("landing", a.effective_landing, b.effective_landing),
    ):
        if p is not None and q is not None and p != q:
            days = Window.model_validate(
                {
                    "from": max((d for d in (a.valid.from_, b.valid.from_) if d), default=None),
                    "to": min((d for d in (a.valid.to, b.valid.to) if d), default=None),
                }
            )
            return (
                f"for {', '.join(shared)}: {what} {q} here, {p} there, both in force {days}; "
                f"close one window before the other opens (valid.to is the last day in force) "
                f"or merge the rules"
            )
    return None
