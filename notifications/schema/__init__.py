from .operations import Mutation, Query, Subscription

__all__ = ["Mutation", "Query", "Subscription"]
