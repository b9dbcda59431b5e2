"""Arguments many fields share, described once: `after: Annotated[str | None, AFTER] = None`."""

from typing import Annotated

import strawberry

AFTER = strawberry.argument(description="The endCursor of the page before; null for the first page.")
VIDEO_ID = Annotated[strawberry.ID, strawberry.argument(description="The video's global ID.")]


def first_arg(description: str) -> object:
    """`first: Annotated[int, first_arg("…")] = 10`: how many to return, with its bounds."""
    return strawberry.argument(description=description)
