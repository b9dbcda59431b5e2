"""The hand-written statements behind bench/serving_floor.py's newer floors: each read or write
of bench/serving.py done as one SQL statement that applies the same rules as the API (the
policies in videos/policies/, accounts/policies.py, notifications/policies.py) and, for reads,
builds the very JSON the API answers, so the floor's Python does nothing but pass it on.

Every statement takes %(token)s (the SHA-256 of the bearer token) and resolves the viewer
itself, as the API does per request."""

TOKEN = """viewer AS (
    SELECT user_id FROM accounts_accesstoken
    WHERE token_hash = %(token)s AND revoked_at IS NULL AND expires_at > now()
)"""

VIEWER = (
    TOKEN
    + """, hidden AS (
    SELECT blocked_id AS id FROM accounts_block WHERE blocker_id = (SELECT user_id FROM viewer)
    UNION ALL SELECT blocker_id FROM accounts_block WHERE blocked_id = (SELECT user_id FROM viewer)
    UNION ALL SELECT muted_id FROM accounts_mute
        WHERE muter_id = (SELECT user_id FROM viewer) AND (expires_at IS NULL OR expires_at > now())
), blocked AS (
    SELECT blocked_id AS id FROM accounts_block WHERE blocker_id = (SELECT user_id FROM viewer)
    UNION ALL SELECT blocker_id FROM accounts_block WHERE blocked_id = (SELECT user_id FROM viewer)
)"""
)

# One video as bench/serving.py's FIELDS ask for it (v: the video, u: its author).
VIDEO_JSON = """json_build_object(
    'id', encode(convert_to('Video:' || v.id, 'UTF8'), 'base64'),
    'caption', v.caption, 'heartCount', v.heart_count, 'commentCount', v.comment_count,
    'viewerHasHearted', EXISTS (SELECT 1 FROM videos_heart h
                                WHERE h.video_id = v.id AND h.user_id = (SELECT user_id FROM viewer)),
    'author', json_build_object('username', u.username,
                                'displayName', coalesce(nullif(u.display_name, ''), u.username)),
    'hashtags', coalesce((SELECT json_agg(json_build_object('name', t.name) ORDER BY t.name)
                          FROM videos_video_hashtags vt JOIN videos_hashtag t ON t.id = vt.hashtag_id
                          WHERE vt.video_id = v.id), '[]'))"""

NO_FILTERED_WORD = """NOT EXISTS (SELECT 1 FROM accounts_keywordfilter k
                    WHERE k.user_id = (SELECT user_id FROM viewer) AND v.caption ILIKE '%%' || k.phrase || '%%')"""

# The Following feed: followed accounts' published videos the viewer may see, newest first,
# minus blocked and muted accounts and filtered words.
FOLLOWING = f"""
WITH {VIEWER}, page AS (
    SELECT v.id, v.published_at, {VIDEO_JSON} AS video
    FROM videos_video v JOIN accounts_user u ON u.id = v.author_id
    WHERE v.author_id IN (SELECT followee_id FROM accounts_follow WHERE follower_id = (SELECT user_id FROM viewer))
      AND v.status = 'PUBLISHED' AND v.audience IN ('PUBLIC', 'FOLLOWERS')
      AND v.author_id NOT IN (SELECT id FROM hidden) AND {NO_FILTERED_WORD}
    ORDER BY v.published_at DESC, v.id DESC
    LIMIT 10
)
SELECT json_build_object('following', json_build_object('edges', coalesce(
    (SELECT json_agg(json_build_object('node', json_build_object('video', video)) ORDER BY published_at DESC, id DESC)
     FROM page), '[]')))
"""

# A profile: the account (active, no block either way), its counts, whether the viewer
# follows it, and its 12 newest videos the viewer may see.
PROFILE = f"""
WITH {VIEWER}, owner AS (
    SELECT * FROM accounts_user
    WHERE lower(username) = lower(%(username)s) AND is_active AND id NOT IN (SELECT id FROM blocked)
), theirs AS (
    SELECT v.* FROM videos_video v, owner o
    WHERE v.author_id = o.id AND (v.audience = 'PUBLIC' OR o.id = (SELECT user_id FROM viewer) OR (
        v.audience = 'FOLLOWERS' AND EXISTS (
            SELECT 1 FROM accounts_follow f
            WHERE f.follower_id = (SELECT user_id FROM viewer) AND f.followee_id = o.id)))
)
SELECT json_build_object('user', (SELECT json_build_object(
    'username', o.username, 'displayName', coalesce(nullif(o.display_name, ''), o.username), 'bio', o.bio,
    'followerCount', o.follower_count, 'followingCount', o.following_count,
    'videoCount', (SELECT count(*) FROM theirs WHERE status = 'PUBLISHED'),
    'viewerFollows', EXISTS (SELECT 1 FROM accounts_follow f
                             WHERE f.follower_id = (SELECT user_id FROM viewer) AND f.followee_id = o.id),
    'videos', json_build_object('edges', coalesce((
        SELECT json_agg(json_build_object('node', json_build_object(
            'id', encode(convert_to('Video:' || p.id, 'UTF8'), 'base64'), 'caption', p.caption,
            'heartCount', p.heart_count)) ORDER BY p.created_at DESC, p.id DESC)
        FROM (SELECT * FROM theirs ORDER BY created_at DESC, id DESC LIMIT 12) p), '[]'))
) FROM owner o))
"""

# Search: accounts by name (most followed first), hashtags by name, and public videos whose
# caption matches the words (most viewed first), none across a block, no filtered word.
SEARCH = f"""
WITH {VIEWER}, people AS (
    SELECT username, follower_count, id FROM accounts_user
    WHERE (username ILIKE '%%' || %(words)s || '%%' OR display_name ILIKE '%%' || %(words)s || '%%')
      AND is_active AND id NOT IN (SELECT id FROM blocked)
    ORDER BY follower_count DESC, id DESC LIMIT 10
), tags AS (
    SELECT name, id FROM videos_hashtag WHERE name LIKE '%%' || lower(%(words)s) || '%%' ORDER BY name, id DESC LIMIT 10
), found AS (
    SELECT v.id, v.view_count, {VIDEO_JSON} AS video
    FROM videos_video v JOIN accounts_user u ON u.id = v.author_id
    WHERE v.audience = 'PUBLIC' AND v.author_id NOT IN (SELECT id FROM blocked) AND {NO_FILTERED_WORD}
      -- the expression of the caption's GIN index (videos_video_caption_search), so it is used
      AND to_tsvector('simple'::regconfig, coalesce(v.caption::text, '')) @@ websearch_to_tsquery('simple', %(words)s)
    ORDER BY v.view_count DESC, v.id DESC LIMIT 10
)
SELECT json_build_object('search', json_build_object(
    'users', coalesce((SELECT json_agg(json_build_object('username', username) ORDER BY follower_count DESC, id DESC)
                       FROM people), '[]'),
    'hashtags', coalesce((SELECT json_agg(json_build_object('name', name) ORDER BY name, id DESC) FROM tags), '[]'),
    'videos', coalesce((SELECT json_agg(video ORDER BY view_count DESC, id DESC) FROM found), '[]')))
"""


def wanted(recipient: str) -> str:
    """Whether `recipient` (a column) wants a notification of %(kind)s from the viewer
    (notifications.policies: hears_from and WANTS_KIND): not themselves, the kind not turned off, no block either
    way, not muted, and a follow when they hear only from people they follow."""
    return f"""{recipient} <> (SELECT user_id FROM viewer)
    AND NOT EXISTS (SELECT 1 FROM notifications_notificationsettings s WHERE s.user_id = {recipient} AND (
        %(kind)s = ANY(s.off_kinds) OR (s.only_from_following AND NOT EXISTS (
            SELECT 1 FROM accounts_follow f
            WHERE f.follower_id = {recipient} AND f.followee_id = (SELECT user_id FROM viewer)))))
    AND NOT EXISTS (SELECT 1 FROM accounts_block b
                    WHERE (b.blocker_id = {recipient} AND b.blocked_id = (SELECT user_id FROM viewer))
                       OR (b.blocker_id = (SELECT user_id FROM viewer) AND b.blocked_id = {recipient}))
    AND NOT EXISTS (SELECT 1 FROM accounts_mute m
                    WHERE m.muter_id = {recipient} AND m.muted_id = (SELECT user_id FROM viewer)
                      AND (m.expires_at IS NULL OR m.expires_at > now()))"""


# The notification's group is created or bumped, and the event row points at it
# (notifications.services._RECORD); `wanted` names (r, video_id, key) rows.
NOTIFY = """grouped AS (
    INSERT INTO notifications_notificationgroup
        (recipient_id, kind, key, count, latest_actor_id, video_id, comment_id, text, latest_at)
    SELECT r, %(kind)s, key, 1, (SELECT user_id FROM viewer), video_id, NULL, '', now() FROM wanted
    ON CONFLICT (recipient_id, key) DO UPDATE SET
        count = notifications_notificationgroup.count + 1,
        latest_actor_id = coalesce(excluded.latest_actor_id, notifications_notificationgroup.latest_actor_id),
        text = excluded.text, latest_at = excluded.latest_at
    RETURNING id
), event AS (
    INSERT INTO notifications_notification (group_id, actor_id, created_at)
    SELECT id, (SELECT user_id FROM viewer), now() FROM grouped
)"""

# A video the viewer may heart or comment on: visible to them, no block either way.
TARGET = """target AS (
    SELECT v.id, v.author_id, v.heart_count, v.comment_count, v.comment_policy FROM videos_video v
    WHERE v.id = %(video)s AND v.author_id NOT IN (SELECT id FROM blocked) AND (
        v.audience = 'PUBLIC' OR v.author_id = (SELECT user_id FROM viewer) OR (
            v.audience = 'FOLLOWERS' AND EXISTS (SELECT 1 FROM accounts_follow f
                WHERE f.follower_id = (SELECT user_id FROM viewer) AND f.followee_id = v.author_id)))
)"""

# heartVideo: the heart (once), both counters, the author's notification; the answer is the
# video with its new count.
HEART = f"""
WITH {VIEWER}, {TARGET}, hearted AS (
    INSERT INTO videos_heart (user_id, video_id, created_at)
    SELECT (SELECT user_id FROM viewer), id, now() FROM target
    ON CONFLICT DO NOTHING RETURNING video_id
), counted AS (
    UPDATE videos_video v SET heart_count = v.heart_count + 1 FROM hearted h WHERE v.id = h.video_id
    RETURNING v.id, v.author_id, v.heart_count
), author AS (
    UPDATE accounts_user u SET heart_count = u.heart_count + 1 FROM counted c WHERE u.id = c.author_id
), wanted AS (
    SELECT author_id AS r, id AS video_id, 'heart:v' || id AS key FROM counted WHERE {wanted("author_id")}
), {NOTIFY}
SELECT json_build_object('heartVideo', json_build_object('errors', '[]'::json, 'video', (
    SELECT json_build_object('id', encode(convert_to('Video:' || t.id, 'UTF8'), 'base64'),
        'heartCount', coalesce((SELECT heart_count FROM counted), t.heart_count), 'viewerHasHearted', true)
    FROM target t)))
"""

# addComment (top level): the comment, the video's counter, the author's notification; the
# answer is the comment. Refused (no row) where the video's comment setting says no.
COMMENT = f"""
WITH {VIEWER}, {TARGET}, allowed AS (
    SELECT * FROM target t WHERE t.author_id = (SELECT user_id FROM viewer) OR t.comment_policy = 'EVERYONE' OR (
        t.comment_policy = 'FOLLOWERS' AND EXISTS (SELECT 1 FROM accounts_follow f
            WHERE f.follower_id = (SELECT user_id FROM viewer) AND f.followee_id = t.author_id))
), made AS (
    INSERT INTO videos_comment (video_id, top_level_video_id, author_id, text, reply_count, heart_count, created_at)
    SELECT id, id, (SELECT user_id FROM viewer), %(text)s, 0, 0, now() FROM allowed
    RETURNING id, text, video_id
), counted AS (
    UPDATE videos_video v SET comment_count = v.comment_count + 1 FROM made m WHERE v.id = m.video_id
    RETURNING v.id, v.author_id
), wanted AS (
    SELECT author_id AS r, id AS video_id, 'comment:v' || id AS key FROM counted WHERE {wanted("author_id")}
), {NOTIFY}
SELECT json_build_object('addComment', json_build_object('errors', '[]'::json, 'comment', (
    SELECT json_build_object('text', m.text, 'heartCount', 0) FROM made m)))
"""
