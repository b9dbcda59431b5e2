from .comment import Comment, CommentHeart
from .discarded import DiscardedMedia
from .engagement import Collection, CollectionEntry, Heart, NotInterested, SavedVideo, Share
from .moderation import ModerationDecision, PolicyTerm, Report
from .tagging import Hashtag, Sound
from .video import Video, VideoInReview
from .watch import VideoImpression, VideoView, WatchBatch, WatchEvent, WatchRollup

__all__ = [
    "Collection",
    "CollectionEntry",
    "Comment",
    "CommentHeart",
    "DiscardedMedia",
    "Hashtag",
    "Heart",
    "ModerationDecision",
    "NotInterested",
    "PolicyTerm",
    "Report",
    "SavedVideo",
    "Share",
    "Sound",
    "Video",
    "VideoImpression",
    "VideoInReview",
    "VideoView",
    "WatchBatch",
    "WatchEvent",
    "WatchRollup",
]
