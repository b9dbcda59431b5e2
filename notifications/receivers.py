"""Where notifications come from: the rows other apps write. Each receiver runs inside the
transaction of the change it hears about."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import Follow, FollowRequest, User
from accounts.signals import account_blocked, account_purging, follow_request_accepted
from feed.models import PoolDecision
from videos.media import caption as caption_parser
from videos.models import Comment, CommentHeart, Heart, ModerationDecision, Video
from videos.signals import reports_closed

from .models import Kind
from .services import forget_actor, notify, retract
from .texts import pool_text, report_text, review_text


def _follow_key(follow: Follow) -> str:
    return f"follow:{follow.created_at:%Y-%m-%d}"


@receiver(post_save, sender=Follow, dispatch_uid="notifications.follow")
def followed(sender, instance: Follow, created: bool, **kwargs) -> None:
    if created:
        notify(instance.followee_id, Kind.FOLLOW, _follow_key(instance), actor=instance.follower)


@receiver(post_delete, sender=Follow, dispatch_uid="notifications.unfollow")
def unfollowed(sender, instance: Follow, **kwargs) -> None:
    retract(instance.followee_id, _follow_key(instance), instance.follower_id)


@receiver(post_save, sender=FollowRequest, dispatch_uid="notifications.follow_request")
def asked_to_follow(sender, instance: FollowRequest, created: bool, **kwargs) -> None:
    if created:
        notify(instance.target_id, Kind.FOLLOW_REQUEST, "follow-requests", actor=instance.requester)


@receiver(post_delete, sender=FollowRequest, dispatch_uid="notifications.follow_request_answered")
def request_answered(sender, instance: FollowRequest, **kwargs) -> None:
    # accepted, declined or withdrawn: a request nobody looked at yet no longer needs an answer
    retract(instance.target_id, "follow-requests", instance.requester_id)


@receiver(follow_request_accepted, dispatch_uid="notifications.follow_accepted")
def request_accepted(sender, requester, target, **kwargs) -> None:
    notify(requester.pk, Kind.FOLLOW_ACCEPTED, f"accepted:{target.pk}", actor=target)


@receiver(post_save, sender=Heart, dispatch_uid="notifications.heart")
def hearted(sender, instance: Heart, created: bool, **kwargs) -> None:
    if created:
        video = instance.video
        notify(video.author_id, Kind.HEART, f"heart:v{video.pk}", actor=instance.user, video_id=video.pk)


@receiver(post_delete, sender=Heart, dispatch_uid="notifications.unheart")
def unhearted(sender, instance: Heart, **kwargs) -> None:
    author_id = Video.objects.filter(pk=instance.video_id).values_list("author_id", flat=True).first()
    if author_id is not None:
        retract(author_id, f"heart:v{instance.video_id}", instance.user_id)


@receiver(post_save, sender=Comment, dispatch_uid="notifications.comment")
def commented(sender, instance: Comment, created: bool, **kwargs) -> None:
    if not created:
        return
    video, author = instance.video, instance.author
    parent = instance.parent
    if parent is not None and parent.author_id is not None:  # None: its author's account was erased
        notify(
            parent.author_id, Kind.REPLY, f"reply:c{parent.pk}", actor=author, video_id=video.pk, comment_id=parent.pk
        )
    if parent is None or parent.author_id != video.author_id:
        notify(video.author_id, Kind.COMMENT, f"comment:v{video.pk}", actor=author, video_id=video.pk)
    mentioned = caption_parser.mentions(instance.text)
    for user_id in User.objects.filter(username__lower__in=mentioned, is_active=True).values_list("pk", flat=True):
        key = f"mention:c{instance.pk}"
        notify(user_id, Kind.MENTION, key, actor=author, video_id=video.pk, comment_id=instance.pk)


@receiver(post_save, sender=CommentHeart, dispatch_uid="notifications.comment_heart")
def comment_hearted(sender, instance: CommentHeart, created: bool, **kwargs) -> None:
    if created:
        comment = instance.comment
        key = f"cheart:c{comment.pk}"
        notify(
            comment.author_id,
            Kind.COMMENT_HEART,
            key,
            actor=instance.user,
            video_id=comment.video_id,
            comment_id=comment.pk,
        )


@receiver(post_delete, sender=CommentHeart, dispatch_uid="notifications.comment_unheart")
def comment_unhearted(sender, instance: CommentHeart, **kwargs) -> None:
    author_id = Comment.objects.filter(pk=instance.comment_id).values_list("author_id", flat=True).first()
    if author_id is not None:
        retract(author_id, f"cheart:c{instance.comment_id}", instance.user_id)


@receiver(m2m_changed, sender=Video.mentions.through, dispatch_uid="notifications.caption_mention")
def mentioned_in_caption(sender, instance, action: str, pk_set, **kwargs) -> None:
    if action != "post_add" or not isinstance(instance, Video) or not pk_set:
        return
    author = instance.author
    for user_id in pk_set:
        notify(user_id, Kind.MENTION, f"mention:v{instance.pk}", actor=author, video_id=instance.pk)


@receiver(post_save, sender=ModerationDecision, dispatch_uid="notifications.review")
def reviewed(sender, instance: ModerationDecision, created: bool, **kwargs) -> None:
    text = review_text(instance) if created else None
    if text:
        video = instance.video
        notify(video.author_id, Kind.REVIEW, f"review:v{video.pk}", video_id=video.pk, text=text)


@receiver(post_save, sender=PoolDecision, dispatch_uid="notifications.pool")
def promoted(sender, instance: PoolDecision, created: bool, **kwargs) -> None:
    if created and instance.action == PoolDecision.Action.PROMOTED:
        video = instance.video
        notify(video.author_id, Kind.POOL, f"pool:v{video.pk}", video_id=video.pk, text=pool_text(instance))


@receiver(reports_closed, dispatch_uid="notifications.report")
def reports_decided(sender, reports, **kwargs) -> None:
    for report in reports:
        if report.reporter_id is None:  # its reporter's account was erased
            continue
        # no video: the decision may have been to remove it, and the reporter must still hear
        notify(report.reporter_id, Kind.REPORT, f"report:{report.pk}", text=report_text(report))


@receiver(account_blocked, dispatch_uid="notifications.forget_blocked")
def account_blocked_one_another(sender, blocker, blocked, **kwargs) -> None:
    """A block purges what the two accounts were told of each other, both ways, at once."""
    forget_actor(blocked.pk, recipient_id=blocker.pk)
    forget_actor(blocker.pk, recipient_id=blocked.pk)


@receiver(account_purging, dispatch_uid="notifications.forget_account")
def account_purged(sender, user, **kwargs) -> None:
    forget_actor(user.pk)
