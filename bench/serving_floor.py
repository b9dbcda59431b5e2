"""The floor for bench/serving.py: the same uvicorn, with no Django and no GraphQL.

A bare ASGI app that answers a POST to /graphql carrying `variables.ids` (video primary keys)
and a bearer token with the JSON the API gives for those videos (id, caption, counts,
viewerHasHearted, author, hashtags), from one hand-written SQL statement that resolves the
token and applies the visibility a public video needs. What it costs is what any Python server
on this machine pays to answer that question; what the real stack costs above it is ours.

    DATABASE_URL=... uvicorn bench.serving_floor:app
"""

import base64
import hashlib
import json
import os

from psycopg_pool import AsyncConnectionPool

from bench.bare_asgi import read_body
from bench.scratch_db import conninfo

_VIDEOS = """
WITH viewer AS (
    SELECT user_id FROM accounts_accesstoken
    WHERE token_hash = %(token)s AND revoked_at IS NULL AND expires_at > now()
)
SELECT v.id, v.caption, v.heart_count, v.comment_count,
       EXISTS (SELECT 1 FROM videos_heart h WHERE h.video_id = v.id AND h.user_id = (SELECT user_id FROM viewer)),
       u.username, coalesce(nullif(u.display_name, ''), u.username),
       coalesce((SELECT json_agg(t.name ORDER BY t.name)
                 FROM videos_video_hashtags vt JOIN videos_hashtag t ON t.id = vt.hashtag_id
                 WHERE vt.video_id = v.id), '[]')
FROM videos_video v JOIN accounts_user u ON u.id = v.author_id
WHERE v.id = ANY(%(ids)s) AND v.status = 'PUBLISHED' AND v.visibility = 'PUBLIC' AND u.is_active
"""

_pool: AsyncConnectionPool | None = None


async def _pool_ready() -> AsyncConnectionPool:
    global _pool
    if _pool is None:
        _pool = AsyncConnectionPool(conninfo(os.environ["DATABASE_URL"]), min_size=2, max_size=4, open=False)
        await _pool.open()
    return _pool


def _video(row) -> dict:
    pk, caption, hearts, comments, hearted, username, display_name, tags = row
    return {
        "id": base64.b64encode(f"Video:{pk}".encode()).decode(),
        "caption": caption,
        "heartCount": hearts,
        "commentCount": comments,
        "viewerHasHearted": hearted,
        "author": {"username": username, "displayName": display_name},
        "hashtags": [{"name": name} for name in tags],
    }


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = await read_body(receive)
    headers = dict(scope["headers"])
    token = headers.get(b"authorization", b"").decode().partition(" ")[2].strip()
    ids = json.loads(body or b"{}").get("variables", {}).get("ids", [])
    pool = await _pool_ready()
    async with pool.connection() as conn:
        cursor = await conn.execute(_VIDEOS, {"token": hashlib.sha256(token.encode()).hexdigest(), "ids": ids})
        rows = {row[0]: _video(row) for row in await cursor.fetchall()}
    answer = json.dumps({"data": {f"v{n}": rows.get(pk) for n, pk in enumerate(ids)}}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": answer})
