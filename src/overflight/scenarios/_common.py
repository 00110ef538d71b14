"""Small models shared by scenario files and the shipped data files: sources and date windows."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Source", "Window"]


class Source(BaseModel):
    """Where a fact comes from: a document, a statement, a news report."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Title of the document or article.
    title: str = Field(min_length=1, description="Title of the document or article.")
    #: Who published it (an authority, an agency, a newspaper).
    publisher: str | None = Field(default=None, description="Who published it.")
    #: Where it can be read.
    url: str | None = Field(default=None, description="Where it can be read.")
    #: When it was published.
    date: dt.date | None = Field(default=None, description="When it was published.")


class Window(BaseModel):
    """A validity window of whole days; both ends inclusive, either may be open."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    #: First day in force (None: since ever).
    from_: dt.date | None = Field(default=None, alias="from", description="First day in force.")
    #: Last day in force (None: still in force).
    to: dt.date | None = Field(default=None, description="Last day in force (inclusive).")

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError(
                f"the window ends ({self.to}) before it starts ({self.from_}): "
                f"'to' is the last day in force and must not precede 'from'"
            )
        return self

    def contains(self, day: dt.date) -> bool:
        """Whether the window is in force on ``day``.

        >>> Window.model_validate({"from": dt.date(2020, 1, 1)}).contains(dt.date(2019, 12, 31))
        False
        """
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day <= self.to)

    def overlaps(self, other: Window) -> bool:
        """Whether the two windows share at least one day."""
        starts_before_other_ends = self.from_ is None or other.to is None or self.from_ <= other.to
        other_starts_before_end = other.from_ is None or self.to is None or other.from_ <= self.to
        return starts_before_other_ends and other_starts_before_end

    def __str__(self) -> str:
        if self.from_ is not None and self.to is not None:
            return f"from {self.from_} to {self.to}"
        if self.from_ is not None:
            return f"from {self.from_} on"
        return f"until {self.to}" if self.to is not None else "always"
