from .account_security import AccountSecurityMutation
from .follow_requests import FollowRequestMutation
from .keyword_filters import KeywordFilterMutation, KeywordFilterQuery
from .mutations import Mutation
from .mutes import MuteMutation
from .queries import Query

__all__ = [
    "AccountSecurityMutation",
    "FollowRequestMutation",
    "KeywordFilterMutation",
    "KeywordFilterQuery",
    "Mutation",
    "MuteMutation",
    "Query",
]
