"""The per-request set of accounts whose comments the viewer must not see (pinned comments)."""

from strawberry import Info

from accounts.services.mutes import muted_by
from accounts.services.social_graph import blocked_either_way
from platform.graphql.viewer import current_user, per_request


def hidden_authors(info: Info) -> set[int]:
    """Accounts on either side of a block with the viewer, and those they muted."""

    def compute() -> set[int]:
        viewer = current_user(info)
        return blocked_either_way(viewer) | muted_by(viewer)

    return per_request(info, "_hidden_comment_authors", compute)
