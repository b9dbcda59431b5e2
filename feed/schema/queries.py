from typing import Annotated

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from strawberry import Info, relay

from accounts.models import User
from accounts.schema.types import SUGGESTION_REASONS, UserType
from accounts.services.relations import relations
from platform.graphql.arguments import AFTER, first_arg
from platform.graphql.cost import ListSize
from platform.graphql.errors import ClientError, ErrorCode
from platform.graphql.ids import node_pk
from platform.graphql.lists import in_given_order
from platform.graphql.viewer import anonymous_session_key, current_user, stash
from platform.rate_limits import RateLimited
from videos.models import Video
from videos.services.served import remember_served, viewer_key

from ..services.following import following_page
from ..services.for_you import for_you_page
from ..services.pools import stats
from ..services.reasons import Reason
from ..services.suggested_accounts import suggest
from .types import FeedConnection, FeedEdge, FeedItem, PageVideos, VideoPerformance

MAX_PAGE = 50


def _check_page_size(first: int, lowest: int) -> None:
    if not lowest <= first <= MAX_PAGE:
        message = f"Argument 'first' must be between {lowest} and {MAX_PAGE}."
        raise ClientError(message, ErrorCode.OUT_OF_RANGE, field="first")


@strawberry.type
class Query:
    @strawberry_django.field(description="Videos of the accounts you follow, newest first. Empty when signed out.")
    def following(
        self,
        info: Info,
        first: Annotated[int, first_arg(f"Videos per page, 0 to {MAX_PAGE}.")] = 10,
        after: Annotated[str | None, AFTER] = None,
    ) -> FeedConnection:
        _check_page_size(first, lowest=0)
        try:
            page = following_page(current_user(info), first=first, after=after, known=relations(info))
        except ValidationError as exc:
            raise ClientError(exc.messages[0], ErrorCode.INVALID_CURSOR, field="after") from None
        if viewer := current_user(info):
            remember_served(viewer_key(viewer, ""), page.video_ids)
        videos = PageVideos(page.video_ids)
        edges = [
            FeedEdge(
                cursor=page.cursors[video_id],
                node=FeedItem(
                    video_id=video_id,
                    page=videos,
                    reason=Reason.FOLLOWING,
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

    @strawberry_django.field(description="Your For You feed: followed accounts, interests, trends and discoveries.")
    def for_you(
        self,
        info: Info,
        first: Annotated[int, first_arg(f"Picks per page, 1 to {MAX_PAGE}.")] = 10,
        after: Annotated[str | None, AFTER] = None,
    ) -> FeedConnection:
        _check_page_size(first, lowest=1)
        viewer = current_user(info)
        session_key = ""
        if viewer is None:
            try:  # an anonymous viewer's watching personalises the next pages
                session_key = anonymous_session_key(info)
            except RateLimited:  # too many new sessions from this address: an unpersonalised page
                session_key = ""
        picks, token = for_you_page(viewer, session_key, first=first, cursor=after, known=relations(info))
        if viewer or session_key:  # what the feed served is what this viewer's reports may vote on
            remember_served(viewer_key(viewer, session_key), [pick.pk for pick in picks])
        videos = PageVideos([pick.pk for pick in picks])
        return FeedConnection(
            edges=[
                FeedEdge(
                    cursor=token,
                    node=FeedItem(
                        video_id=pick.pk, page=videos, reason=Reason(pick.reason), explanation=pick.explanation
                    ),
                )
                for pick in picks
            ],
            page_info=relay.PageInfo(
                has_next_page=bool(picks),
                has_previous_page=after is not None,
                start_cursor=token if picks else None,
                end_cursor=token,
            ),
        )

    @strawberry_django.field(description="How one of your videos is doing in distribution; null for others' videos.")
    def video_performance(
        self,
        info: Info,
        video_id: Annotated[strawberry.ID, strawberry.argument(description="The global ID of one of your videos.")],
    ) -> VideoPerformance | None:
        viewer, pk = current_user(info), node_pk(video_id, "Video")
        if viewer is None or pk is None:
            return None
        video = Video.objects.filter(pk=pk, author=viewer).first()
        return VideoPerformance(**vars(stats(video))) if video else None

    @strawberry_django.field(
        description="Accounts to follow, each with its suggestionReason: followed by people you follow, posting "
        "about what you watch, or popular. Never ones you follow, asked to follow, blocked or muted.",
        directives=[ListSize(max=MAX_PAGE)],
    )
    def suggested_accounts(
        self, info: Info, first: Annotated[int, first_arg(f"How many to return, 0 to {MAX_PAGE}.")] = 10
    ) -> list[UserType]:
        suggestions = suggest(current_user(info), max(0, min(first, MAX_PAGE)))
        stash(info, SUGGESTION_REASONS, {pick.user_id: pick.reason for pick in suggestions})
        return in_given_order(info, User.objects.all(), UserType, [pick.user_id for pick in suggestions])
