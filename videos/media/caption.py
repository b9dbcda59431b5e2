import re

HASHTAG = re.compile(r"(?<![\w#])#(\w{1,50})", re.UNICODE)
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{1,28}[A-Za-z0-9_]))")


def hashtags(caption: str) -> list[str]:
    """Hashtags in order of first appearance, lower-cased, without duplicates."""
    return list(dict.fromkeys(tag.lower() for tag in HASHTAG.findall(caption)))


def mentions(caption: str) -> list[str]:
    return list(dict.fromkeys(name.lower() for name in MENTION.findall(caption)))
