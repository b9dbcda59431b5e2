from .mutations import Mutation
from .mutes import MuteMutation
from .queries import Query

__all__ = ["Mutation", "MuteMutation", "Query"]
