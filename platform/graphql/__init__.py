"""GraphQL plumbing shared by every app's schema: typed errors, global IDs, the viewer,
request limits and the HTTP view."""
