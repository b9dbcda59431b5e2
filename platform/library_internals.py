"""Every place Flywheel reaches past a library's public API, in one list (issue #23): what it
relies on, in which pinned version, and the test that fails if an upgrade changes it.

`platform/tests/test_library_internals.py` checks that each entry's version is the installed
one (an upgrade must come through here and re-read the entry), that the code it names still
uses it, and that its contract test exists; the contract tests themselves check the behaviour.
`.ci/run` reports, without failing, whether the newest releases still pass those tests."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Override:
    package: str  # the distribution, as pip names it
    version: str  # the pinned version the code was written against
    relies_on: str  # the internal behaviour or name used
    where: str  # the file that uses it, and a string that shows it does
    uses: str
    test: str  # the contract test: path::name


OVERRIDES = (
    Override(
        "strawberry-graphql", "0.341.2",
        "ExecutionContext._provided_operation_name: the operationName the client sent (the public one defaults)",
        "platform/graphql/internals.py", "_provided_operation_name",
        "platform/tests/test_internals.py::test_the_operation_name_the_client_sent_can_be_told_from_the_default",
    ),
    Override(
        "strawberry-graphql", "0.341.2",
        "strawberry.utils.inspect.in_async_context: resolvers marked on_the_loop run without a thread hop",
        "platform/graphql/internals.py", "in_async_context",
        "platform/tests/test_internals.py::test_a_resolver_marked_on_the_loop_costs_no_thread_hop",
    ),
    Override(
        "strawberry-graphql-django", "0.93.0",
        "StrawberryDjangoField.get_result/get_queryset as the optimizer's prefetch calls them (ordered relations)",
        "platform/graphql/internals.py", "class OrderedRelationField(StrawberryDjangoField)",
        "platform/tests/test_internals.py::test_an_ordered_relation_is_prefetched_in_its_through_tables_order",
    ),
    Override(
        "strawberry-graphql", "0.341.2",
        "Schema._schema, the graphql-core schema, walked for each operation's cost before it runs",
        "platform/graphql/extensions.py", "context.schema._schema",
        "platform/tests/test_list_bounds.py::test_a_list_costs_its_declared_bound_not_one_object",
    ),
    Override(
        "strawberry-graphql", "0.341.2",
        "MaskErrors._process_result and _process_errors: typed codes for client mistakes, the rest masked",
        "platform/graphql/extensions.py", "def _process_result(self, result: object)",
        "platform/tests/test_http_spec.py::test_unexpected_failures_are_masked_not_500",
    ),
    Override(
        "strawberry-graphql", "0.341.2",
        "StrawberryGraphQLCoreExecutionContext: one execution per subscription event shared by subscribers",
        "platform/graphql/shared_events.py", "class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext)",
        "platform/tests/test_shared_events.py::test_identical_selections_are_executed_once_per_event",
    ),
    Override(
        "django-tasks-db", "0.13.0",
        "db_worker.Worker.run_task and run: leases, heartbeats and retries of the resilient worker",
        "platform/worker.py", "class ResilientWorker(Worker)",
        "videos/tests/test_worker.py::test_a_task_whose_worker_went_silent_is_taken_up_again",
    ),
    Override(
        "grimp", "3.20",
        "packagefinder: find_spec('platform') must name a package, so our module's spec is pointed at it",
        "platform/import_contracts.py", "spec.has_location = True",
        "platform/tests/test_import_contracts.py::test_a_lower_layer_importing_a_higher_one_breaks_the_contract",
    ),
)  # fmt: skip
