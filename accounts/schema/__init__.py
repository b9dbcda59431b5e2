from .keyword_filters import KeywordFilterMutation, KeywordFilterQuery
from .mutations import Mutation
from .mutes import MuteMutation
from .queries import Query

__all__ = ["KeywordFilterMutation", "KeywordFilterQuery", "Mutation", "MuteMutation", "Query"]
