"""The verbs of the videos domain: uploads and the review pipeline, moderation, hearts,
comments, shares, watch events and reports. Errors are Django's ValidationError and
PermissionDenied, as in accounts.services."""
