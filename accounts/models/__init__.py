from .access_token import AccessToken
from .block import Block
from .follow import Follow
from .idempotency import IdempotentRequest
from .keyword_filter import KeywordFilter
from .mute import Mute
from .user import User

__all__ = ["AccessToken", "Block", "Follow", "IdempotentRequest", "KeywordFilter", "Mute", "User"]
