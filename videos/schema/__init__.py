from .collections import CollectionMutation
from .comment_mutations import CommentControlsMutation
from .discovery import DiscoveryQuery
from .mutations import Mutation
from .queries import Query
from .subscriptions import Subscription

__all__ = ["CollectionMutation", "CommentControlsMutation", "DiscoveryQuery", "Mutation", "Query", "Subscription"]
