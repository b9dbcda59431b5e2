from .queries import Query

__all__ = ["Query"]
