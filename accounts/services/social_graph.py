from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from platform.events import announce

from ..events import (
    AccountBlocked,
    BlockLifted,
    FollowEnded,
    FollowRequestAccepted,
    FollowRequested,
    FollowRequestsClosed,
    FollowStarted,
)
from ..models import Block, Follow, FollowRequest, User


def is_blocked_between(a: User, b: User) -> bool:
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


def require_other_active_user(actor: User, target: User, verb: str) -> None:
    if not actor.is_authenticated:
        raise PermissionDenied(f"Sign in to {verb}.")
    if actor.pk == target.pk:
        raise ValidationError({"user_id": ValidationError(f"You cannot {verb} yourself.", code="self_action")})
    if not target.is_active:
        raise ValidationError({"user_id": ValidationError("No such account.", code="not_found")})


def _remove_follow(follower_id: int, followee_id: int) -> bool:
    follows = Follow.objects.filter(follower_id=follower_id, followee_id=followee_id)
    since = follows.values_list("created_at", flat=True).first()
    deleted, _ = follows.delete()
    if deleted:
        User.objects.filter(pk=follower_id).update(following_count=F("following_count") - 1)
        User.objects.filter(pk=followee_id).update(follower_count=F("follower_count") - 1)
        announce(FollowEnded(follower_id=follower_id, followee_id=followee_id, since=since))
    return bool(deleted)


def _close_requests(requests) -> int:
    pairs = tuple(requests.values_list("requester_id", "target_id"))
    deleted, _ = requests.delete()
    if pairs:
        announce(FollowRequestsClosed(pairs=pairs))
    return deleted


@transaction.atomic
def follow(actor: User, target: User) -> bool:
    """Follow `target`, or ask to when it is private (see `request_state`). Idempotent:
    following twice changes nothing. Returns whether a new follow was made. Counters move in
    the same transaction as the row, so they stay exact."""
    require_other_active_user(actor, target, "follow")
    if is_blocked_between(actor, target):
        raise ValidationError({"user_id": ValidationError("You cannot follow this account.", code="blocked")})
    if target.is_private and not Follow.objects.filter(follower=actor, followee=target).exists():
        try:
            with transaction.atomic():
                _, asked = FollowRequest.objects.get_or_create(requester=actor, target=target)
        except IntegrityError:
            asked = False  # a concurrent request asked first
        if asked:
            announce(FollowRequested(requester_id=actor.pk, target_id=target.pk))
        return False
    return _make_follow(actor.pk, target.pk)


def _make_follow(follower_id: int, followee_id: int) -> bool:
    try:
        with transaction.atomic():
            made, created = Follow.objects.get_or_create(follower_id=follower_id, followee_id=followee_id)
    except IntegrityError:
        # A concurrent request made the same follow first; the unique constraint held.
        return False
    if created:
        User.objects.filter(pk=follower_id).update(following_count=F("following_count") + 1)
        User.objects.filter(pk=followee_id).update(follower_count=F("follower_count") + 1)
        announce(FollowStarted(follower_id=follower_id, followee_id=followee_id, at=made.created_at))
    return created


def request_pending(actor: User, target: User) -> bool:
    return FollowRequest.objects.filter(requester=actor, target=target).exists()


@transaction.atomic
def accept_follow_request(target: User, requester: User) -> bool:
    """The private account lets `requester` follow it. Returns whether there was a request."""
    if not target.is_authenticated:
        raise PermissionDenied("Sign in to answer follow requests.")
    request = FollowRequest.objects.select_for_update().filter(requester=requester, target=target).first()
    if request is None:
        raise ValidationError({"user_id": ValidationError("No follow request from this account.", code="not_found")})
    _close_requests(FollowRequest.objects.filter(pk=request.pk))
    _make_follow(requester.pk, target.pk)
    announce(FollowRequestAccepted(requester_id=requester.pk, target_id=target.pk))
    return True


def decline_follow_request(target: User, requester: User) -> bool:
    """Refuse a request (the requester is not told). Idempotent."""
    if not target.is_authenticated:
        raise PermissionDenied("Sign in to answer follow requests.")
    return bool(_close_requests(FollowRequest.objects.filter(requester=requester, target=target)))


def accept_all_follow_requests(target: User) -> int:
    """An account going public lets everyone waiting in."""
    accepted = 0
    for request in FollowRequest.objects.select_for_update().filter(target=target).select_related("requester"):
        accept_follow_request(target, request.requester)
        accepted += 1
    return accepted


@transaction.atomic
def unfollow(actor: User, target: User) -> bool:
    """Stop following `target`. Idempotent. Returns whether a follow was removed."""
    require_other_active_user(actor, target, "unfollow")
    _close_requests(FollowRequest.objects.filter(requester=actor, target=target))  # cancels a pending request
    return _remove_follow(actor.pk, target.pk)


@transaction.atomic
def block(actor: User, target: User) -> bool:
    """Block `target`: follows both ways are removed and each is hidden from the other."""
    require_other_active_user(actor, target, "block")
    with transaction.atomic():
        try:
            with transaction.atomic():
                _, created = Block.objects.get_or_create(blocker=actor, blocked=target)
        except IntegrityError:
            created = False
        _remove_follow(actor.pk, target.pk)
        _remove_follow(target.pk, actor.pk)
        _close_requests(
            FollowRequest.objects.filter(Q(requester=actor, target=target) | Q(requester=target, target=actor))
        )
        announce(AccountBlocked(blocker_id=actor.pk, blocked_id=target.pk))
    return created


@transaction.atomic
def unblock(actor: User, target: User) -> bool:
    """Lift a block the actor made. Follows removed by the block are not restored."""
    if not actor.is_authenticated:
        raise PermissionDenied("Sign in to unblock.")
    deleted, _ = Block.objects.filter(blocker=actor, blocked=target).delete()
    if deleted:
        announce(BlockLifted(blocker_id=actor.pk, blocked_id=target.pk))
    return bool(deleted)
