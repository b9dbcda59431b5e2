import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from graphql import GraphQLError
from strawberry import Info, relay

from platform.graphql.viewer import current_user

from ..services.following import following_page
from .types import FeedConnection, FeedEdge, FeedItem, FeedReason, PageVideos

MAX_PAGE = 50


@strawberry.type
class Query:
    @strawberry_django.field(description="Videos of the accounts you follow, newest first. Empty when signed out.")
    def following(self, info: Info, first: int = 10, after: str | None = None) -> FeedConnection:
        if not 0 <= first <= MAX_PAGE:
            raise GraphQLError(f"Argument 'first' must be between 0 and {MAX_PAGE}.")
        try:
            page = following_page(current_user(info), first=first, after=after)
        except ValidationError as exc:
            raise GraphQLError(exc.messages[0]) from None
        videos = PageVideos(page.video_ids)
        edges = [
            FeedEdge(
                cursor=page.cursors[video_id],
                node=FeedItem(
                    video_id=video_id,
                    page=videos,
                    reason=FeedReason.FOLLOWING,
                    explanation=f"New from @{page.authors[video_id]}, whom you follow.",
                ),
            )
            for video_id in page.video_ids
        ]
        return FeedConnection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=after is not None,
                start_cursor=None,
                end_cursor=page.end_cursor,
            ),
        )
