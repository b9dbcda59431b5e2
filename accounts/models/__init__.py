from .access_token import AccessToken
from .block import Block
from .data_export import DataExport
from .follow import Follow
from .follow_request import FollowRequest
from .keyword_filter import KeywordFilter
from .mute import Mute
from .user import User

__all__ = [
    "AccessToken",
    "Block",
    "DataExport",
    "Follow",
    "FollowRequest",
    "KeywordFilter",
    "Mute",
    "User",
]
