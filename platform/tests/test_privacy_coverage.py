"""Every way the schema can hand out a video, comment, account, sound, hashtag, notification or
collection is covered by a privacy test (issue #22).

The schema drives it: the walk below finds every root field and every object field whose type
(or whose connection's node) is one of those nouns. Each must be in PRIVACY_TESTS with the test
module that shows a viewer gets only what the policies let them see there, and that module must
use the field. A new field that returns one of them fails here until a test covers it; a
throwaway field added to the real schema shows that it does.

The policies themselves are in videos/policies/, accounts/policies.py and
notifications/policies.py; each type's get_queryset applies them, so a relation field nested
anywhere is narrowed by the same rule as its root field."""

from pathlib import Path

from graphql import GraphQLObjectType, GraphQLSchema, extend_schema, get_named_type, parse

from platform.schema import schema

ROOT = Path(__file__).resolve().parents[2]
NOUNS = {"Video", "Comment", "User", "Sound", "Hashtag", "Notification", "Collection", "HeartedVideo", "SavedVideo"}
NOUNS |= {"Node"}  # node(id:) can be any of them

PRIVATE_ACCOUNTS = "accounts/tests/test_private_accounts.py"  # the 19 paths x 6 viewers matrix
LEAKS = "videos/tests/test_leaks.py"
PAYLOADS = "platform/tests/test_idempotency.py"  # replayed payloads re-read through the policy

PRIVACY_TESTS = {
    "Query.node": PRIVATE_ACCOUNTS,
    "Query.nodes": "platform/tests/test_nodes.py",
    "Query.viewer": "accounts/tests/test_login.py",
    "Query.user": PRIVATE_ACCOUNTS,
    "Query.video": PRIVATE_ACCOUNTS,
    "Query.sound": PRIVATE_ACCOUNTS,
    "Query.hashtag": PRIVATE_ACCOUNTS,
    "Query.trendingHashtags": "videos/tests/test_discovery.py",
    "Query.trendingSounds": "videos/tests/test_discovery.py",
    "Query.suggestedAccounts": "feed/tests/test_suggested_accounts.py",
    "Query.interestChoices": "feed/tests/test_session_adaptation.py",
    "Query.pickedInterests": "feed/tests/test_session_adaptation.py",
    "InterestsPayload.interests": "feed/tests/test_session_adaptation.py",
    "Query.notifications": "notifications/tests/test_notifications.py",
    "Subscription.commentAdded": "videos/tests/test_live_comments.py",
    "Subscription.notificationAdded": "notifications/tests/test_live_notifications.py",
    "SearchResults.users": LEAKS,
    "SearchResults.hashtags": LEAKS,
    "SearchResults.sounds": LEAKS,
    "SearchResults.videos": PRIVATE_ACCOUNTS,
    "FeedItem.video": PRIVATE_ACCOUNTS,
    "User.videos": PRIVATE_ACCOUNTS,
    "User.followers": PRIVATE_ACCOUNTS,
    "User.following": PRIVATE_ACCOUNTS,
    "User.savedVideos": "videos/tests/test_saved_and_liked.py",
    "User.heartedVideos": "videos/tests/test_saved_and_liked.py",
    "User.collections": "videos/tests/test_collections.py",
    "Collection.videos": "videos/tests/test_collections.py",
    "HeartedVideo.video": "videos/tests/test_saved_and_liked.py",
    "SavedVideo.video": "videos/tests/test_saved_and_liked.py",
    "MutedAccount.account": "accounts/tests/test_mute.py",
    "FollowRequest.requester": PRIVATE_ACCOUNTS,
    "Video.author": "accounts/tests/test_account_deletion.py",
    "Video.hashtags": LEAKS,
    "Video.sound": LEAKS,
    "Video.comments": PRIVATE_ACCOUNTS,
    "Video.topComments": "videos/tests/test_comment_controls.py",
    "Video.pinnedComment": "videos/tests/test_comment_controls.py",
    "Comment.author": "accounts/tests/test_account_deletion.py",
    "Comment.video": "videos/tests/test_comments.py",
    "Comment.parent": "videos/tests/test_comments.py",
    "Comment.replies": "videos/tests/test_comments.py",
    "Sound.author": LEAKS,
    "Sound.originalVideo": "videos/tests/test_sound_pages.py",
    "Sound.videos": PRIVATE_ACCOUNTS,
    "Hashtag.videos": PRIVATE_ACCOUNTS,
    "Notification.actor": "notifications/tests/test_notifications.py",
    "Notification.video": "notifications/tests/test_notifications.py",
    "Notification.comment": "notifications/tests/test_notifications.py",
    # mutation payloads: the object acted on, read through its type's policy (and again on replay)
    "AuthPayload.user": "accounts/tests/test_login.py",
    "BlockPayload.user": "accounts/tests/test_block.py",
    "CollectionPayload.collection": "videos/tests/test_collections.py",
    "CommentPayload.comment": PAYLOADS,
    "FollowPayload.user": PAYLOADS,
    "FollowPayload.viewer": "accounts/tests/test_follow.py",
    "FollowRequestPayload.user": PRIVATE_ACCOUNTS,
    "HeartPayload.video": PAYLOADS,
    "MutePayload.user": "accounts/tests/test_mute.py",
    "SavePayload.video": PAYLOADS,
    "SharePayload.video": "videos/tests/test_hearts_and_shares.py",
    "UserPayload.user": "accounts/tests/test_profile.py",
    "VideoPayload.video": "videos/tests/test_edit_video.py",
}


def _node_of(type_) -> str:
    """The noun a field hands out: its type, or its connection's node type."""
    named = get_named_type(type_)
    if named.name.endswith("Connection") and isinstance(named, GraphQLObjectType) and "edges" in named.fields:
        edge = get_named_type(named.fields["edges"].type)
        return get_named_type(edge.fields["node"].type).name
    return named.name


def noun_fields(graphql_schema: GraphQLSchema) -> set[str]:
    """Every `Type.field` handing out one of the nouns; edges are their connection's field."""
    found = set()
    for name, kind in graphql_schema.type_map.items():
        if name.startswith("__") or name.endswith("Edge") or not isinstance(kind, GraphQLObjectType):
            continue
        found |= {f"{name}.{field}" for field, definition in kind.fields.items() if _node_of(definition.type) in NOUNS}
    return found


def uncovered(graphql_schema: GraphQLSchema) -> set[str]:
    return noun_fields(graphql_schema) - PRIVACY_TESTS.keys()


def test_every_field_handing_out_a_noun_has_a_privacy_test():
    assert uncovered(schema._schema) == set()


def test_the_coverage_names_no_field_the_schema_lost():
    assert PRIVACY_TESTS.keys() - noun_fields(schema._schema) == set()


def test_each_covering_test_module_uses_its_field():
    """A name is cheap: the module named must at least ask for the field it covers."""
    missing = []
    for path, module in PRIVACY_TESTS.items():
        text = (ROOT / module).read_text()
        if path.split(".")[1] not in text:
            missing.append(f"{path} not in {module}")
    assert missing == []


def test_a_throwaway_field_returning_a_video_is_caught():
    extended = extend_schema(schema._schema, parse("extend type Comment { leakyVideo: Video }"))
    assert uncovered(extended) == {"Comment.leakyVideo"}
    extended = extend_schema(schema._schema, parse("extend type Query { everyone(first: Int): UserConnection! }"))
    assert uncovered(extended) == {"Query.everyone"}
