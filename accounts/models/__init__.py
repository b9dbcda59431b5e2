from .access_token import AccessToken
from .block import Block
from .follow import Follow
from .user import User

__all__ = ["AccessToken", "Block", "Follow", "User"]
