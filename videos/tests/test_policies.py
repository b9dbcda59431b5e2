"""The video policy answers the same in Python (one loaded video) and in SQL (a queryset), for
every kind of viewer and video: the two must never disagree, or a list and a page would."""

import pytest

from accounts.models import Block
from accounts.services.relations import relations_of
from accounts.services.social_graph import follow
from conftest import make_user
from videos.models import Video
from videos.policies.video import may_see_video, visible_videos


@pytest.mark.django_db
def test_may_see_agrees_with_the_queryset_rule_for_every_viewer_and_video(make_published):
    owner, fan, stranger, blocked = (make_user(name) for name in ("owner", "fan", "stranger", "blocked"))
    private_owner = make_user("hidden", is_private=True)
    follow(fan, owner)
    Block.objects.create(blocker=owner, blocked=blocked)
    videos = [
        make_published(owner, "public"),
        make_published(owner, "followers", visibility="FOLLOWERS"),
        make_published(owner, "only me", visibility="PRIVATE"),
        make_published(owner, "in review", status=Video.Status.IN_REVIEW),
        make_published(private_owner, "private account"),
    ]
    for viewer in (None, owner, fan, stranger, blocked, private_owner):
        known = relations_of(viewer)
        for video in Video.objects.filter(pk__in=[v.pk for v in videos]):
            in_sql = visible_videos(Video.objects.filter(pk=video.pk), viewer).exists()
            assert may_see_video(viewer, video, known) == in_sql, (viewer, video.caption)
            assert may_see_video(viewer, video) == in_sql, (viewer, video.caption)
    assert may_see_video(fan, videos[1], relations_of(fan)) and not may_see_video(stranger, videos[1])
    assert not may_see_video(blocked, videos[0], relations_of(blocked))
