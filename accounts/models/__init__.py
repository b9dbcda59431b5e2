from .access_token import AccessToken
from .block import Block
from .follow import Follow
from .idempotency import IdempotentRequest
from .mute import Mute
from .user import User

__all__ = ["AccessToken", "Block", "Follow", "IdempotentRequest", "Mute", "User"]
