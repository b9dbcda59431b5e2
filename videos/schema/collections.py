"""Collections of saved videos: the type, the owner's list, and the mutations."""

from datetime import datetime
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import Count, QuerySet
from strawberry import Info, relay
from strawberry_django.relay import DjangoCursorConnection

from platform.graphql.errors import MUTATION_INPUT, Payload, collect_user_errors
from platform.graphql.idempotency import idempotency_key_field, idempotent
from platform.graphql.ids import decode_global_id
from platform.graphql.internals import ordered_relation
from platform.graphql.viewer import current_user, rate_limit, require_user

from ..models import Collection
from ..services import collections
from .types import CURSOR_FIELDS, DeletePayload, SavedVideoType


@strawberry_django.type(Collection, name="Collection", only=CURSOR_FIELDS)
class CollectionType(relay.Node):
    """A named list of saved videos. Only its owner ever sees it."""

    _id_attr = "pk"

    name: str = strawberry_django.field(description="The collection's name, unique among its owner's collections.")
    created_at: datetime = strawberry_django.field(description="When it was made.")

    @strawberry_django.field(annotate={"entry_count": Count("entries")}, description="Videos in it.")
    def video_count(self, root: Collection) -> int:
        return root.entry_count if hasattr(root, "entry_count") else root.entries.count()

    # a relation field, not a resolver: the videos of a whole page of collections load in one query
    videos: DjangoCursorConnection[SavedVideoType] = strawberry_django.connection(
        field_name="saves",
        field_cls=ordered_relation("-created_at", "-id"),
        description="Its videos the owner may still see, newest save first.",
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Collection], info: Info, **kwargs) -> QuerySet[Collection]:
        viewer = current_user(info)
        return queryset.filter(user=viewer) if viewer else queryset.none()


@strawberry.type(
    description="What the collection mutations answer: the collection as it now is, or why nothing changed."
)
class CollectionPayload(Payload):
    collection: CollectionType | None = strawberry.field(
        default=None, description="The collection after the change; null when errors is not empty."
    )


@strawberry.input(description="A new collection's name.")
class CreateCollectionInput:
    name: str = strawberry.field(description="1 to 50 characters; unique among your collections.")


@strawberry.input(description="A collection and its new name.")
class RenameCollectionInput:
    collection_id: strawberry.ID = strawberry.field(description="The collection's global ID.")
    name: str = strawberry.field(description="The new name, unique among the viewer's collections.")


@strawberry.input(description="One of the viewer's collections.")
class CollectionInput:
    collection_id: strawberry.ID = strawberry.field(description="The collection's global ID.")


@strawberry.input(description="A video and one of the viewer's collections.")
class CollectionVideoInput:
    collection_id: strawberry.ID = strawberry.field(description="The collection's global ID.")
    video_id: strawberry.ID = strawberry.field(description="The video's global ID.")
    idempotency_key: str | None = idempotency_key_field()


def _ids(input) -> tuple[int, int | None]:
    collection = decode_global_id(input.collection_id, "Collection", "collection_id")
    video = decode_global_id(input.video_id, "Video", "video_id") if hasattr(input, "video_id") else None
    return collection, video


def _fresh(collection: Collection) -> Collection:
    return Collection.objects.get(pk=collection.pk)


@strawberry.type
class CollectionMutation:
    @strawberry_django.mutation(description="Start a named collection of saved videos.")
    def create_collection(
        self, info: Info, input: Annotated[CreateCollectionInput, MUTATION_INPUT]
    ) -> CollectionPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "make collections")
            rate_limit(info, "save")
            return CollectionPayload(collection=_fresh(collections.create(viewer, input.name)))
        return CollectionPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Rename one of your collections.")
    def rename_collection(
        self, info: Info, input: Annotated[RenameCollectionInput, MUTATION_INPUT]
    ) -> CollectionPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "rename collections")
            rate_limit(info, "save")
            collection = collections.rename(viewer, _ids(input)[0], input.name)
            return CollectionPayload(collection=_fresh(collection))
        return CollectionPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Delete one of your collections; its videos stay saved.")
    def delete_collection(self, info: Info, input: Annotated[CollectionInput, MUTATION_INPUT]) -> DeletePayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "delete collections")
            rate_limit(info, "save")
            collections.delete(viewer, _ids(input)[0])
            return DeletePayload(deleted_id=input.collection_id)
        return DeletePayload(errors=failure.errors)

    @strawberry_django.mutation(description="Put a video in one of your collections (saving it too). Idempotent.")
    @idempotent
    def add_to_collection(
        self, info: Info, input: Annotated[CollectionVideoInput, MUTATION_INPUT]
    ) -> CollectionPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "add to collections")
            rate_limit(info, "save")
            collection = collections.add(viewer, *_ids(input))
            return CollectionPayload(collection=_fresh(collection))
        return CollectionPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Take a video out of one of your collections; it stays saved.")
    @idempotent
    def remove_from_collection(
        self, info: Info, input: Annotated[CollectionVideoInput, MUTATION_INPUT]
    ) -> CollectionPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "change collections")
            rate_limit(info, "save")
            collection = collections.remove(viewer, *_ids(input))
            return CollectionPayload(collection=_fresh(collection))
        return CollectionPayload(errors=failure.errors)
