"""The per-request set of accounts whose comments the viewer must not see (pinned comments)."""

from strawberry import Info

from accounts.services.relations import relations


def hidden_authors(info: Info) -> frozenset[int]:
    """Accounts on either side of a block with the viewer, and those they muted."""
    return relations(info).hidden_authors
