"""Collections: named lists of an account's saved videos. Private to their owner: anyone
else's collection is NOT_FOUND, never "not yours"."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..models import Collection, CollectionEntry, SavedVideo
from .access import require_signed_in, visible_video

NAME_MAX = Collection._meta.get_field("name").max_length


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": ValidationError("Name the collection.", code="required")})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": ValidationError(f"Names are at most {NAME_MAX} characters.", code="max_length")})
    return name


def _taken() -> ValidationError:
    return ValidationError({"name": ValidationError("You already have a collection with that name.", code="unique")})


def own_collection(user, collection_id) -> Collection:
    collection = Collection.objects.filter(pk=collection_id, user=user).first() if collection_id else None
    if collection is None:
        raise ValidationError({"collection_id": ValidationError("No such collection.", code="not_found")})
    return collection


@transaction.atomic
def create(user, name: str) -> Collection:
    require_signed_in(user, "make collections")
    name = _name(name)
    # the owner's row, locked, so two creations cannot both pass the count
    type(user).objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).get()
    if Collection.objects.filter(user=user).count() >= settings.COLLECTIONS_MAX:
        limit = settings.COLLECTIONS_MAX
        raise ValidationError({"name": ValidationError(f"You can keep at most {limit} collections.", code="too_large")})
    try:
        with transaction.atomic():
            return Collection.objects.create(user=user, name=name)
    except IntegrityError:
        raise _taken() from None


def rename(user, collection_id, name: str) -> Collection:
    require_signed_in(user, "rename collections")
    collection, collection.name = own_collection(user, collection_id), _name(name)
    try:
        with transaction.atomic():
            collection.save(update_fields=["name"])
    except IntegrityError:
        raise _taken() from None
    return collection


def delete(user, collection_id) -> None:
    """The collection goes; its videos stay saved."""
    require_signed_in(user, "delete collections")
    own_collection(user, collection_id).delete()


@transaction.atomic
def add(user, collection_id, video_id) -> Collection:
    """Put a video the owner may see in the collection, saving it first if need be. Idempotent."""
    require_signed_in(user, "add to collections")
    collection = own_collection(user, collection_id)
    saved, _ = SavedVideo.objects.get_or_create(user=user, video=visible_video(user, video_id))
    CollectionEntry.objects.get_or_create(collection=collection, saved=saved)
    return collection


def remove(user, collection_id, video_id) -> Collection:
    """Take a video out of the collection; it stays saved. Idempotent."""
    require_signed_in(user, "change collections")
    collection = own_collection(user, collection_id)
    CollectionEntry.objects.filter(collection=collection, saved__video_id=video_id).delete()
    return collection
