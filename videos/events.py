"""What the videos app announces (platform.events), each by the service that made the change,
inside its transaction. Bulk paths announce one event naming every row they changed."""

from dataclasses import dataclass

from platform.events import Event


@dataclass(frozen=True)
class VideoHearted(Event):
    user_id: int
    video_id: int
    author_id: int


@dataclass(frozen=True)
class VideoUnhearted(Event):
    user_id: int
    video_id: int
    author_id: int


@dataclass(frozen=True)
class CommentPosted(Event):
    """With what its handlers need, so a comment costs them no read of what the service had."""

    comment_id: int
    author_id: int
    text: str
    video_id: int
    video_author_id: int
    parent_id: int | None  # the thread's top-level comment, for a reply
    parent_author_id: int | None  # None too when that comment's account was erased


@dataclass(frozen=True)
class CommentHearted(Event):
    user_id: int
    comment_id: int
    comment_author_id: int | None  # None: its account was erased
    video_id: int


@dataclass(frozen=True)
class CommentUnhearted(Event):
    user_id: int
    comment_id: int
    comment_author_id: int | None


@dataclass(frozen=True)
class MentionedInCaption(Event):
    """Accounts newly named in a video's caption (at review, or by an edit)."""

    video_id: int
    author_id: int
    user_ids: tuple[int, ...]


@dataclass(frozen=True)
class Decision:
    video_id: int
    author_id: int
    action: str
    reason: str


@dataclass(frozen=True)
class VideosReviewed(Event):
    """Moderation decisions were recorded (the pipeline's, a moderator's, an author's edit)."""

    decisions: tuple[Decision, ...]


@dataclass(frozen=True)
class VideosAudienceChanged(Event):
    """Who may see these videos may have narrowed: status or visibility changed, or deleted.
    Open live streams of them must check again (and close for who may no longer see them)."""

    video_ids: tuple[int, ...]


@dataclass(frozen=True)
class ReportsClosed(Event):
    report_ids: tuple[int, ...]


@dataclass(frozen=True)
class PoolVotes:
    """What a video's traffic pool heard in one roll-up: new impressions, and completions and
    rewatches, each from a distinct voter (account or anonymous address) the feed served it to."""

    impressions: int
    completions: int = 0
    rewatches: int = 0


@dataclass(frozen=True)
class ImpressionsCounted(Event):
    """Announced after a watch roll-up commits, with {video id: PoolVotes it gained}."""

    votes: dict[int, PoolVotes]
