"""Which database an operation reads from (platform.replica): queries may read from the
replica, unless the viewer just wrote; a mutation pins its viewer to the primary for a while."""

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from .. import replica
from .viewer import request_user


def viewer_key(request) -> str | None:
    """Who is reading or writing: the account, else the anonymous session; None for neither."""
    user = request_user(request)
    if user is not None:
        return f"u:{user.pk}"
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None) if session is not None else None
    return f"s:{key}" if key else None


class ReplicaReads(SchemaExtension):
    def on_execute(self):
        if not replica.configured():
            yield
            return
        context = self.execution_context
        request = getattr(context.context, "request", None)
        kind = context.operation_type
        alias = None
        if kind == OperationType.QUERY and getattr(request, "replica_allowed", True):
            alias = replica.read_alias(viewer_key(request))
        if alias is not None and request is not None:
            request.read_from_replica = True
        with replica.reading_from(alias):
            yield
        if kind == OperationType.MUTATION:
            replica.wrote(viewer_key(request))
