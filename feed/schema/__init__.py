from .interests import InterestMutation, InterestQuery
from .mutations import Mutation
from .queries import Query

__all__ = ["InterestMutation", "InterestQuery", "Mutation", "Query"]
