"""Live events are typed (issue #23): every kind of event the apps publish is made to happen for
real here, and each one sent matches its declared fields exactly (platform.live_schema); a new
kind of event with no declaration, or a field added without one, fails."""

import pytest

from accounts.services.account_deletion import schedule_deletion
from accounts.services.social_graph import block
from conftest import make_user
from platform import live_schema
from videos.services import engagement, moderation
from videos.services.comments import add_comment, delete_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    events = []
    checked = live_schema.check

    def record(event):
        checked(event)  # raises on a shape that is not declared
        events.append(event)

    monkeypatch.setattr(live_schema, "check", record)
    return events


def test_every_declared_event_happens_and_matches_its_declaration(
    sent, creator, make_published, django_capture_on_commit_callbacks
):
    viewer, moderator = make_user("eventful"), make_user("mod", is_staff=True)
    video = make_published(creator, "watched live")
    with django_capture_on_commit_callbacks(execute=True):
        comment = add_comment(viewer, video.pk, "first!")
        engagement.heart(viewer, video.pk)  # the creator is notified
        delete_comment(viewer, comment.pk)
        block(viewer, make_user("pest"))
        moderation.remove(video, moderator, "Spam.")
        schedule_deletion(viewer)
    assert {event["type"] for event in sent} == set(live_schema.declared())


@pytest.mark.parametrize(
    "event",
    [
        {"type": "comment.typo"},
        {"type": "video.changed"},
        {"type": "video.changed", "video_id": "7"},
        {"type": "video.changed", "video_id": 7, "extra": 1},
        {"type": "relationship.changed", "user_id": 3},
    ],
)
def test_an_event_that_is_not_its_declared_shape_is_refused(event):
    with pytest.raises(live_schema.EventShapeError):
        live_schema.check(event)
