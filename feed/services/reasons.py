"""Why a pick is in a feed page: one name per source, used by every stage and shown to clients."""

from enum import StrEnum


class Reason(StrEnum):
    FOLLOWING = "FOLLOWING"  # a recent post of an account the viewer follows
    INTEREST = "INTEREST"  # near the viewer's interests (the interest model, or their picks)
    TRENDING = "TRENDING"  # doing well now, overall or with viewers who watch what they watch
    EXPLORATION = "EXPLORATION"  # outside the viewer's known interests, so nobody is locked in
    NEW_CREATOR = "NEW_CREATOR"  # exploration of an account with few videos
    POPULAR = "POPULAR"  # finished by many: what carries a viewer the feed knows little about
