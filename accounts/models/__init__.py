from .access_token import AccessToken
from .block import Block
from .data_export import DataExport
from .follow import Follow
from .follow_request import FollowRequest
from .idempotency import IdempotentRequest
from .keyword_filter import KeywordFilter
from .mute import Mute
from .user import User

__all__ = [
    "AccessToken",
    "Block",
    "DataExport",
    "Follow",
    "FollowRequest",
    "IdempotentRequest",
    "KeywordFilter",
    "Mute",
    "User",
]
