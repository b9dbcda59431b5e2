"""Take your data with you: a ZIP of everything an account put into Flywheel.

The owner asks (`requestDataExport`, rate limited); a task builds the archive from each app's
part (`AccountDataRequested`: every handler answers an `ExportPart`), copying files in
chunks so memory stays flat however large the videos; the owner gets an email with a link that
works until DATA_EXPORT_LINK_DAYS have passed (a signed media URL bound to the export). A new
export replaces the old one; expired ones are removed by `purge_expired_exports`."""

import io
import json
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from strawberry.relay import to_base64

from platform.events import announce

from ..events import AccountDataRequested
from ..models import Block, DataExport, Follow, FollowRequest, KeywordFilter, Mute, User
from .account_mail import EXPORT_READY, send_later

README = """Your Flywheel data, as of {when} UTC.

Each .json file is a list of records (profile.json is one). Ids are the ones the API uses.
Your videos' original files and thumbnails are under videos/.
"""


@dataclass
class ExportPart:
    """One app's share of an export: JSON documents by name, and stored files by archive path.
    A document is a dict (one record), or any iterable of records: a generator over a
    queryset's `.iterator()` is written a record at a time, so a watch history of millions of
    events costs the memory of one chunk, not of the whole list."""

    documents: dict[str, object] = field(default_factory=dict)
    files: list[tuple[str, object]] = field(default_factory=list)


def global_id(type_name: str, pk) -> str | None:
    return to_base64(type_name, pk) if pk is not None else None


def request_export(user: User) -> None:
    transaction.on_commit(lambda: build_data_export.enqueue(user.pk))


def _accounts_part(user: User) -> ExportPart:
    def people(pairs):
        return [{"username": name, "since": when} for name, when in pairs]

    profile = {
        field: getattr(user, field)
        for field in ("username", "email", "display_name", "bio", "kind", "is_private", "hearts_public", "date_joined")
    }
    part = ExportPart(
        documents={
            "profile": profile,
            "following": people(
                Follow.objects.filter(follower=user).values_list("followee__username", "created_at").order_by("pk")
            ),
            "followers": people(
                Follow.objects.filter(followee=user).values_list("follower__username", "created_at").order_by("pk")
            ),
            "blocked": people(Block.objects.filter(blocker=user).values_list("blocked__username", "created_at")),
            "muted": people(Mute.objects.filter(muter=user).values_list("muted__username", "created_at")),
            "follow_requests_sent": people(
                FollowRequest.objects.filter(requester=user).values_list("target__username", "created_at")
            ),
            "keyword_filters": list(KeywordFilter.objects.filter(user=user).values_list("phrase", flat=True)),
        }
    )
    if user.avatar:
        part.files.append((f"avatar{extension(user.avatar.name)}", user.avatar))
    return part


def extension(name: str) -> str:
    """'.mp4' of 'videos/2026/11/abc.mp4'; '' when the name has none."""
    dot = name.rfind(".")
    return name[dot:] if dot > name.rfind("/") else ""


def _dumps(value) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def _write_document(archive: zipfile.ZipFile, name: str, document) -> None:
    # zip64 from the start: a streamed entry's size is unknown until it is written
    with archive.open(f"{name}.json", "w", force_zip64=True) as raw, io.TextIOWrapper(raw, "utf-8") as out:
        if isinstance(document, dict):
            out.write(json.dumps(document, indent=2, default=str, ensure_ascii=False))
        else:
            separator = "[\n  "
            for record in document:
                out.write(separator + _dumps(record))
                separator = ",\n  "
            out.write("[]" if separator.startswith("[") else "\n]")
        out.write("\n")


def _write(archive: zipfile.ZipFile, parts: list[ExportPart]) -> None:
    archive.writestr("README.txt", README.format(when=f"{timezone.now():%Y-%m-%d %H:%M}"))
    for part in parts:
        for name, document in part.documents.items():
            _write_document(archive, name, document)
        for arcname, stored in part.files:
            # media is compressed already: stored as is, copied in chunks
            info = zipfile.ZipInfo(arcname, date_time=timezone.now().timetuple()[:6])
            with stored.open("rb") as source, archive.open(info, "w") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)


def build(user_id: int) -> DataExport | None:
    """Build the account's archive, replace its previous one and email the link."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    parts = [_accounts_part(user)] + [part for part in announce(AccountDataRequested(user_id=user.pk)) if part]
    previous = list(DataExport.objects.filter(user=user))
    with tempfile.TemporaryFile() as scratch:
        with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            _write(archive, parts)
        size = scratch.tell()
        scratch.seek(0)
        export = DataExport(user=user, size=size, expires_at=timezone.now() + settings.DATA_EXPORT_LINK_TTL)
        export.file.save(f"{uuid.uuid4().hex}.zip", File(scratch), save=True)
    _remove(previous)
    send_later(EXPORT_READY, user_id=user.pk)
    return export


def _remove(exports) -> None:
    for export in exports:
        export.file.delete(save=False)
        export.delete()


def purge_expired() -> int:
    expired = list(DataExport.objects.filter(expires_at__lte=timezone.now()))
    _remove(expired)
    return len(expired)


@task()
def build_data_export(user_id: int) -> int | None:
    """Build an account's data export and email the link; the export's id."""
    export = build(user_id)
    return export.pk if export else None
