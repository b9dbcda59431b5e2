from typing import Annotated

import strawberry
import strawberry_django
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Count, Q
from strawberry import Info

from accounts.models import User
from accounts.schema.types import UserType
from accounts.services.keyword_filters import filters_of
from platform.graphql.arguments import VIDEO_ID, first_arg
from platform.graphql.batch import one_visible
from platform.graphql.cost import ListSize
from platform.graphql.ids import node_pk
from platform.graphql.input_limits import MaxLength
from platform.graphql.lists import first_visible
from platform.graphql.viewer import current_user

from ..models import Hashtag, Sound, Video
from .tag_types import HashtagType, SoundType
from .types import VideoType

SEARCH_MAX = 50
# each group holds at most search's `first`, which the cost model already multiplies by
_IN_PAGE = ListSize(max=SEARCH_MAX, sized_by_parent=True)


@strawberry.type(description="What a search found, best first in each group.")
class SearchResults:
    text: strawberry.Private[str]
    limit: strawberry.Private[int]

    @strawberry_django.field(
        description="Accounts whose username or display name contains the words.", directives=[_IN_PAGE]
    )
    def users(self, info: Info) -> list[UserType]:
        matches = User.objects.filter(Q(username__icontains=self.text) | Q(display_name__icontains=self.text))
        return first_visible(info, matches, UserType, self.limit, "-follower_count")

    @strawberry_django.field(description="Hashtags whose name contains the words.", directives=[_IN_PAGE])
    def hashtags(self, info: Info) -> list[HashtagType]:
        matches = Hashtag.objects.filter(name__contains=self.text.lower().lstrip("#"))
        return first_visible(info, matches, HashtagType, self.limit, "name")

    @strawberry_django.field(
        description="Sounds whose title contains the words, most used first.", directives=[_IN_PAGE]
    )
    def sounds(self, info: Info) -> list[SoundType]:
        matches = Sound.objects.filter(title__icontains=self.text).annotate(uses=Count("videos"))
        return first_visible(info, matches, SoundType, self.limit, "-uses")

    @strawberry_django.field(
        description="Public videos the viewer may see whose caption matches the words (full-text), minus the "
        "viewer's keyword filters.",
        directives=[_IN_PAGE],
    )
    def videos(self, info: Info) -> list[VideoType]:
        viewer = current_user(info)
        # public videos; first_visible narrows them to those the viewer may see (VideoType.get_queryset)
        public = Video.objects.filter(visibility=Video.Visibility.PUBLIC)
        public = filters_of(viewer).exclude_from(public, "caption")
        matches = public.annotate(search=SearchVector("caption", config="simple")).filter(
            search=SearchQuery(self.text, config="simple", search_type="websearch")
        )
        return first_visible(info, matches, VideoType, self.limit, "-view_count")


@strawberry.type
class Query:
    @strawberry_django.field(description="A video by its global ID; null when missing or not visible to you.")
    async def video(self, info: Info, id: VIDEO_ID) -> VideoType | None:
        return await one_visible(info, VideoType, Video, node_pk(id, "Video"))

    @strawberry_django.field(description="A sound by its global ID, for its page; null when not visible to you.")
    def sound(
        self, id: Annotated[strawberry.ID, strawberry.argument(description="The sound's global ID.")]
    ) -> SoundType | None:
        pk = node_pk(id, "Sound")
        return Sound.objects.filter(pk=pk) if pk else Sound.objects.none()

    @strawberry_django.field(description="A hashtag by name, with or without the #.")
    def hashtag(
        self,
        name: Annotated[
            str,
            strawberry.argument(description="The tag, with or without its #.", directives=[MaxLength(length=100)]),
        ],
    ) -> HashtagType | None:
        return Hashtag.objects.filter(name=name.strip().lstrip("#").lower())

    @strawberry.field(
        description="Accounts, hashtags and videos matching the words.", directives=[ListSize(max=SEARCH_MAX)]
    )
    def search(
        self,
        query: Annotated[
            str,
            strawberry.argument(
                description="Words to look for, up to 200 characters.", directives=[MaxLength(length=200)]
            ),
        ],
        first: Annotated[int, first_arg(f"How many of each kind to return, 0 to {SEARCH_MAX}.")] = 10,
    ) -> "SearchResults":
        return SearchResults(text=query.strip(), limit=max(0, min(first, SEARCH_MAX)) if query.strip() else 0)
