import re
from pathlib import Path

from django.conf import settings

from platform.schema import schema


def test_checked_in_sdl_matches_the_live_schema():
    checked_in = (Path(settings.BASE_DIR) / "schema.graphql").read_text()
    assert checked_in.strip() == schema.as_str().strip(), (
        "schema.graphql is stale: run `python manage.py export_schema platform.schema:schema --path schema.graphql`"
    )


def _without_descriptions(sdl: str) -> str:
    """The SDL with descriptions dropped and each field's arguments on one line, as the contract reads."""
    sdl = re.sub(r'"""[\s\S]*?"""\s*|"[^"\n]*"\s*(?=[a-z_])', "", sdl)
    sdl = re.sub(r"\(\s+", "(", sdl)
    sdl = re.sub(r"\s*\n\s*\)", ")", sdl)
    return re.sub(r"(?<=[^\s(])\n\s+(?=[a-zA-Z_]+:)(?=[^\n]*\))", ", ", sdl)


def test_api_contract_names_are_present():
    sdl = _without_descriptions(schema.as_str())
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
