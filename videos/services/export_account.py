"""The videos app's share of an account's data export (accounts.services.data_export)."""

from accounts.services.data_export import ExportPart, extension, global_id

from ..models import Collection, Comment, Heart, Report, SavedVideo, Video, WatchEvent

CHUNK = 2000  # rows fetched at a time: the export streams, whatever the history's length


def _video_ids(rows, key: str = "video_id"):
    for row in rows.iterator(chunk_size=CHUNK):
        row["video"] = global_id("Video", row.pop(key))
        yield row


def _comments(user):
    rows = Comment.objects.filter(author=user).order_by("created_at", "pk")
    for row in rows.values("pk", "video_id", "parent_id", "text", "created_at").iterator(chunk_size=CHUNK):
        yield {
            "id": global_id("Comment", row["pk"]),
            "video": global_id("Video", row["video_id"]),
            "reply_to": global_id("Comment", row["parent_id"]),
            "text": row["text"],
            "created_at": row["created_at"],
        }


def export_account(user) -> ExportPart:
    part = ExportPart()
    videos = []
    for video in Video.objects.filter(author=user).order_by("created_at", "pk"):
        record = {
            "id": global_id("Video", video.pk),
            "caption": video.caption,
            "visibility": video.visibility,
            "status": video.status,
            "created_at": video.created_at,
            "published_at": video.published_at,
            "duration_ms": video.duration_ms,
            "views": video.view_count,
            "hearts": video.heart_count,
            "comments": video.comment_count,
        }
        for name, stored in (("file", video.file), ("thumbnail", video.thumbnail)):
            if stored:
                record[name] = f"videos/{video.pk}-{name}{extension(stored.name)}"
                part.files.append((record[name], stored))
        videos.append(record)
    part.documents = {
        "videos": videos,
        "comments": _comments(user),
        "hearts": _video_ids(Heart.objects.filter(user=user).order_by("pk").values("video_id", "created_at")),
        "saved": _video_ids(SavedVideo.objects.filter(user=user).order_by("pk").values("video_id", "created_at")),
        "collections": [
            {
                "name": collection.name,
                "created_at": collection.created_at,
                "videos": [global_id("Video", pk) for pk in collection.saves.values_list("video_id", flat=True)],
            }
            for collection in Collection.objects.filter(user=user).order_by("pk")
        ],
        "watch_history": _video_ids(
            WatchEvent.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values("video_id", "watched_ms", "completed", "loops", "created_at")
        ),
        "reports_filed": [
            {
                "video": global_id("Video", row["video_id"]),
                "comment": global_id("Comment", row["comment_id"]),
                "account": row["account__username"],
                "reason": row["reason"],
                "details": row["details"],
                "status": row["status"],
                "created_at": row["created_at"],
            }
            for row in Report.objects.filter(reporter=user)
            .order_by("pk")
            .values("video_id", "comment_id", "account__username", "reason", "details", "status", "created_at")
        ],
    }
    return part
