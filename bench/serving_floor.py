"""The floor for bench/serving.py: the same uvicorn, with no Django and no GraphQL.

A bare ASGI app that answers a POST to /graphql carrying `variables.ids` (video primary keys)
and a bearer token with the JSON the API gives for those videos (id, caption, counts,
viewerHasHearted, author, hashtags), from one hand-written SQL statement that resolves the
token and applies the visibility a public video needs; and, for `query: "floor-comments"`, a
video's comments page (`variables.video`) under the comment policy's rules. What it costs is what any Python server
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

# A video's comments page, newest first, under the comment policy's rules: the video visible
# (public here), the author active or gone, nobody on either side of a block or muted, nothing
# the viewer's keyword filters hide.
_COMMENTS = """
WITH viewer AS (
    SELECT user_id FROM accounts_accesstoken
    WHERE token_hash = %(token)s AND revoked_at IS NULL AND expires_at > now()
), hidden AS (
    SELECT blocked_id AS id FROM accounts_block WHERE blocker_id = (SELECT user_id FROM viewer)
    UNION ALL SELECT blocker_id FROM accounts_block WHERE blocked_id = (SELECT user_id FROM viewer)
    UNION ALL SELECT muted_id FROM accounts_mute
        WHERE muter_id = (SELECT user_id FROM viewer) AND (expires_at IS NULL OR expires_at > now())
)
SELECT c.id, c.text, c.heart_count,
       EXISTS (SELECT 1 FROM videos_commentheart h
               WHERE h.comment_id = c.id AND h.user_id = (SELECT user_id FROM viewer)),
       u.username, coalesce(nullif(u.display_name, ''), u.username)
FROM videos_comment c JOIN videos_video v ON v.id = c.top_level_video_id
LEFT JOIN accounts_user u ON u.id = c.author_id
WHERE c.top_level_video_id = %(video)s AND v.audience = 'PUBLIC' AND (u.id IS NULL OR u.is_active)
  AND (c.author_id IS NULL OR c.author_id NOT IN (SELECT id FROM hidden))
  AND NOT EXISTS (SELECT 1 FROM accounts_keywordfilter k
                  WHERE k.user_id = (SELECT user_id FROM viewer) AND c.text ILIKE '%%' || k.phrase || '%%')
ORDER BY c.created_at DESC, c.id DESC
LIMIT 20
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


def _comment(row) -> dict:
    pk, text, hearts, hearted, username, display_name = row
    author = {"username": username, "displayName": display_name} if username is not None else None
    node = {"id": base64.b64encode(f"Comment:{pk}".encode()).decode(), "text": text, "heartCount": hearts}
    return {"node": {**node, "viewerHasHearted": hearted, "author": author}}


async def _answer(conn, request: dict, token: str) -> dict:
    variables = request.get("variables", {})
    if request.get("query") == "floor-comments":
        video = variables["video"]
        cursor = await conn.execute(_COMMENTS, {"token": token, "video": video})
        edges = [_comment(row) for row in await cursor.fetchall()]
        return {"video": {"comments": {"edges": edges}}}
    ids = variables.get("ids", [])
    cursor = await conn.execute(_VIDEOS, {"token": token, "ids": ids})
    rows = {row[0]: _video(row) for row in await cursor.fetchall()}
    return {f"v{n}": rows.get(pk) for n, pk in enumerate(ids)}


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = await read_body(receive)
    headers = dict(scope["headers"])
    token = headers.get(b"authorization", b"").decode().partition(" ")[2].strip()
    pool = await _pool_ready()
    async with pool.connection() as conn:
        data = await _answer(conn, json.loads(body or b"{}"), hashlib.sha256(token.encode()).hexdigest())
    answer = json.dumps({"data": data}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": answer})
