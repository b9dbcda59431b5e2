from .comment_mutations import CommentControlsMutation
from .mutations import Mutation
from .queries import Query
from .subscriptions import Subscription

__all__ = ["CommentControlsMutation", "Mutation", "Query", "Subscription"]
