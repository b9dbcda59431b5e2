"""Automatic persisted queries (Apollo's APQ protocol, version 1): a phone sends the SHA-256 of
a document it sent before instead of the document.

- ``extensions.persistedQuery = {version: 1, sha256Hash}`` without ``query``: the document
  this process was given for that hash, or ``PERSISTED_QUERY_NOT_FOUND`` (HTTP 200, as Apollo
  Server answers, so clients resend the document with its hash);
- with ``query`` as well: the hash must be the document's, else ``PERSISTED_QUERY_HASH_MISMATCH``
  (400) and nothing is remembered; then it is remembered for later;
- any other version, or a hash that is not 64 hex digits: ``PERSISTED_QUERY_INVALID`` (400).

Documents are remembered per server process, most recently used first, bounded in entries and
in bytes (PERSISTED_QUERIES_MAX, PERSISTED_QUERIES_MAX_BYTES): a client registering many
documents only pushes older ones out. A process that never saw a hash says so and the client
sends the document once more."""

import hashlib
import re
from collections import OrderedDict

from django.conf import settings
from strawberry.http import GraphQLRequestData

_HASH = re.compile(r"[0-9a-f]{64}")


class PersistedQueryError(Exception):
    def __init__(self, message: str, code: str, status: int):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


class DocumentStore:
    """Documents by hash, least recently used dropped first. Used on the event loop only."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.documents: OrderedDict[str, str] = OrderedDict()
        self.bytes = 0

    def get(self, digest: str) -> str | None:
        document = self.documents.get(digest)
        if document is not None:
            self.documents.move_to_end(digest)
        return document

    def put(self, digest: str, document: str) -> None:
        size = len(document.encode())
        if digest in self.documents or size > self.max_bytes:
            return
        self.documents[digest] = document
        self.bytes += size
        while len(self.documents) > self.max_entries or self.bytes > self.max_bytes:
            _, dropped = self.documents.popitem(last=False)
            self.bytes -= len(dropped.encode())


STORE = DocumentStore(settings.PERSISTED_QUERIES_MAX, settings.PERSISTED_QUERIES_MAX_BYTES)


def resolve_persisted(data: GraphQLRequestData, store: DocumentStore = STORE) -> GraphQLRequestData:
    """`data` with its document filled in from, or remembered in, the store."""
    persisted = (data.extensions or {}).get("persistedQuery") if isinstance(data.extensions, dict) else None
    if persisted is None:
        return data
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise PersistedQueryError("Only version 1 of persisted queries is supported.", "PERSISTED_QUERY_INVALID", 400)
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _HASH.fullmatch(digest):
        raise PersistedQueryError("sha256Hash must be 64 lowercase hex digits.", "PERSISTED_QUERY_INVALID", 400)
    if data.query is None:
        document = store.get(digest)
        if document is None:
            raise PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", 200)
        data.query = document
        return data
    if hashlib.sha256(data.query.encode()).hexdigest() != digest:
        raise PersistedQueryError("The sha256Hash does not match the query.", "PERSISTED_QUERY_HASH_MISMATCH", 400)
    store.put(digest, data.query)
    return data
