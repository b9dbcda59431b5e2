"""The verbs of the accounts domain. GraphQL resolvers, the admin, management commands and
tests all call these; they validate, check permissions and write in one transaction.

Errors are Django's own: ``ValidationError`` (with a field and a code) for bad input and
``PermissionDenied`` for a caller who may not act. The GraphQL layer turns both into typed
payload errors."""
