from pathlib import Path

from django.conf import settings

from platform.schema import schema


def test_checked_in_sdl_matches_the_live_schema():
    checked_in = (Path(settings.BASE_DIR) / "schema.graphql").read_text()
    assert checked_in.strip() == schema.as_str().strip(), (
        "schema.graphql is stale: run `python manage.py export_schema platform.schema:schema --path schema.graphql`"
    )


def test_api_contract_names_are_present():
    sdl = schema.as_str()
    for name in [
        "viewer: User",
        "user(username: String! @maxLength(length: 100)): User",
        "node(",
        "register(input: RegisterInput!): AuthPayload!",
        "login(input: LoginInput!): AuthPayload!",
        "logout: LogoutPayload!",
        "follow(input: FollowInput!)",
        "unfollow(input: FollowInput!)",
        "block(input: BlockInput!)",
        "unblock(input: BlockInput!)",
        "updateProfile(input: UpdateProfileInput!): UserPayload!",
        "followers(",
        "viewerFollows: Boolean!",
        "followsViewer: Boolean!",
        "type UserConnection",
    ]:
        assert name in sdl, name
