"""What the videos app does when an account is erased (accounts.events.AccountPurging):
its hearts, comment hearts and comments leave every counter they moved exact; comments others
answered stay, blanked and without author, so the thread keeps its shape; its watch history
stays in the statistics under a pseudonym; its videos go with their files."""

import secrets
from datetime import timedelta

from django.db.models import Count, F

from accounts.models import User
from platform.events import announce

from ..events import VideosAudienceChanged
from ..models import Comment, CommentHeart, Heart, Video, VideoImpression, VideoView, WatchBatch, WatchEvent
from .uploads import forget_files


def forget_account(user: User) -> None:
    _forget_hearts(user)
    _forget_comment_hearts(user)
    _forget_comments(user)
    _anonymise_watching(user)
    _delete_videos(user)


def _forget_hearts(user: User) -> None:
    hearts = Heart.objects.filter(user=user)
    Video.objects.filter(pk__in=hearts.values("video")).update(heart_count=F("heart_count") - 1)
    for author_id, count in hearts.values_list("video__author").annotate(n=Count("pk")).order_by("video__author"):
        User.objects.filter(pk=author_id).update(heart_count=F("heart_count") - count)
    hearts.delete()


def _forget_comment_hearts(user: User) -> None:
    hearts = CommentHeart.objects.filter(user=user)
    Comment.objects.filter(pk__in=hearts.values("comment")).update(heart_count=F("heart_count") - 1)
    hearts.delete()


def _uncount_comments(comments, *, from_threads: bool) -> None:
    """Take `comments` out of their videos' counts (and their threads' reply counts)."""
    for video_id, count in comments.values_list("video").annotate(n=Count("pk")).order_by("video"):
        Video.objects.filter(pk=video_id).update(comment_count=F("comment_count") - count)
    if from_threads:
        for parent_id, count in comments.values_list("parent").annotate(n=Count("pk")).order_by("parent"):
            Comment.objects.filter(pk=parent_id).update(reply_count=F("reply_count") - count)


def _forget_comments(user: User) -> None:
    """Its own videos' comments go with the videos; elsewhere, its replies go, and so do its
    top-level comments nobody answered; the answered ones stay, blanked, for their replies."""
    elsewhere = Comment.objects.filter(author=user).exclude(video__author=user)
    replies = elsewhere.filter(parent__isnull=False)
    _uncount_comments(replies, from_threads=True)
    replies.delete()
    unanswered = elsewhere.filter(parent__isnull=True, reply_count=0)
    _uncount_comments(unanswered, from_threads=False)
    unanswered.delete()
    Video.objects.filter(pinned_comment__in=elsewhere).update(pinned_comment=None)
    elsewhere.update(author=None, text="")


def _anonymise_watching(user: User) -> None:
    """The views and watch time it gave others' videos stay counted, and its history stays
    one viewer's history for the feed's statistics, under a name nothing links to it."""
    pseudonym = f"gone-{secrets.token_hex(12)}"
    WatchEvent.objects.filter(user=user).update(user=None, session_key=pseudonym)
    for model in (VideoView, VideoImpression, WatchBatch):
        model.objects.filter(viewer_key=f"u:{user.pk}").update(viewer_key=f"s:{pseudonym}")


def _delete_videos(user: User) -> None:
    # the account has had its grace period; its files need no other
    forget_files(Video.objects.filter(author=user), f"account {user.pk} erased", grace=timedelta(0))
    video_ids = tuple(Video.objects.filter(author=user).values_list("pk", flat=True))
    Video.objects.filter(pk__in=video_ids).delete()
    announce(VideosAudienceChanged(video_ids=video_ids))
