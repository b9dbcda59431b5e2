from strawberry.schema.name_converter import NameConverter

# strawberry-django's keyset connection is called CursorConnection; front ends know our
# connections as UserConnection, VideoConnection, ... (API.md). Renaming here, rather than
# subclassing, keeps the optimizer able to prefetch nested connections (it recognises the
# connection class by identity).
RENAMES = {"CursorConnection": "Connection", "CursorEdge": "Edge"}


class FlywheelNameConverter(NameConverter):
    def from_generic(self, generic_type, types) -> str:
        name = super().from_generic(generic_type, types)
        for old, new in RENAMES.items():
            if name.endswith(old):
                return name[: -len(old)] + new
        return name
