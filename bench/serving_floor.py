"""The floor for bench/serving.py: the same uvicorn, with no Django and no GraphQL.

A bare ASGI app that answers a POST to /graphql with a bearer token and a `query` naming the
floor, from one hand-written SQL statement each that resolves the token and applies the same
rules as the API: `floor` (`variables.ids`: those videos with id, caption, counts,
viewerHasHearted, author and hashtags), `floor-comments` (a video's comments page),
`floor-profile`, `floor-following`, `floor-search`, `floor-notifications`, and the writes
`floor-heart` and `floor-comment` (one transaction each, the same rows as the API's). The
statements are in bench/serving_floor_sql.py. What it costs is what any Python server on this
machine pays to answer that question; what the real stack costs above it is ours.

    DATABASE_URL=... uvicorn bench.serving_floor:app
"""

import base64
import hashlib
import json
import os

from psycopg.types.string import TextLoader
from psycopg_pool import AsyncConnectionPool

from bench import serving_floor_sql as sql
from bench.bare_asgi import read_body
from bench.notifications import RULES_SQL
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

# The notifications page under the notification policy's rules (bench/notifications.py's floor),
# for the viewer the token names.
_NOTIFICATIONS = (
    "WITH "
    + sql.TOKEN
    + ", "
    + RULES_SQL.strip().removeprefix("WITH ").replace("%(me)s", "(SELECT user_id FROM viewer)")
)

# Floors whose statement builds the whole answer as JSON: (statement, parameters it takes).
_AS_JSON = {
    "floor-profile": (sql.PROFILE, {}),
    "floor-following": (sql.FOLLOWING, {}),
    "floor-search": (sql.SEARCH, {}),
    "floor-heart": (sql.HEART, {"kind": "HEART"}),
    "floor-comment": (sql.COMMENT, {"kind": "COMMENT"}),
}

_pool: AsyncConnectionPool | None = None


async def _pool_ready() -> AsyncConnectionPool:
    global _pool
    if _pool is None:
        _pool = AsyncConnectionPool(
            conninfo(os.environ["DATABASE_URL"]), min_size=2, max_size=4, open=False, configure=_json_as_text
        )
        await _pool.open()
    return _pool


async def _json_as_text(conn) -> None:
    """JSON a statement built is passed on as it came, never parsed and dumped again."""
    conn.adapters.register_loader("json", TextLoader)


def _video(row) -> dict:
    pk, caption, hearts, comments, hearted, username, display_name, tags = row
    return {
        "id": base64.b64encode(f"Video:{pk}".encode()).decode(),
        "caption": caption,
        "heartCount": hearts,
        "commentCount": comments,
        "viewerHasHearted": hearted,
        "author": {"username": username, "displayName": display_name},
        "hashtags": [{"name": name} for name in json.loads(tags)],  # json comes as text (_json_as_text)
    }


def _comment(row) -> dict:
    pk, text, hearts, hearted, username, display_name = row
    author = {"username": username, "displayName": display_name} if username is not None else None
    node = {"id": base64.b64encode(f"Comment:{pk}".encode()).decode(), "text": text, "heartCount": hearts}
    return {"node": {**node, "viewerHasHearted": hearted, "author": author}}


def _notification(row) -> dict:
    _pk, kind, count, _text, _at, username, caption, _unread = row
    actor = {"username": username} if username is not None else None
    video = None if caption is None else {"caption": caption}
    return {"node": {"kind": kind, "count": count, "actor": actor, "video": video}}


async def _answer(conn, request: dict, token: str) -> dict | str:
    """The answer's data: a dict, or JSON text when the statement built it."""
    variables = request.get("variables", {})
    if request.get("query") in _AS_JSON:
        statement, fixed = _AS_JSON[request["query"]]
        cursor = await conn.execute(statement, {"token": token, **variables, **fixed})
        return (await cursor.fetchone())[0]
    if request.get("query") == "floor-notifications":
        cursor = await conn.execute(_NOTIFICATIONS, {"token": token})
        return {"notifications": {"edges": [_notification(row) for row in await cursor.fetchall()]}}
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
    answer = b'{"data": ' + (data.encode() if isinstance(data, str) else json.dumps(data).encode()) + b"}"
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": answer})
