from .mutations import Mutation
from .queries import Query
from .subscriptions import Subscription

__all__ = ["Mutation", "Query", "Subscription"]
