"""schemathesis's conformance checks, all of them, on every operation of /openapi.json against
`newswatch web` over real HTTP, with valid and with invalid requests (writes included: it is a
loopback client): no operation answers with a 5xx, and the server answers only what the description
says (status codes, content types, bodies, headers, `Allow`), accepts what it allows and refuses
what it does not. A bounded number of examples per operation and mode keeps it
to a minute or two.

One check is not asked of every operation: that every request the description allows is
accepted. Some rules are beyond JSON Schema, so the description allows more than the server: the
query language's grammar (`q`, `query`), an interval from one minute to 7 days written `15m` or
`2d` (`every`), keyword names that must exist (`keywords`, a story filter's `keyword`), and dates of
the calendar (`since`, `until`: a pattern cannot refuse 31 February or 40 o'clock)."""

from __future__ import annotations

from typing import Any

import hypothesis
import hypothesis.errors
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.web.conftest import Served

EXAMPLES = 25  # per operation and mode
BEYOND_JSON_SCHEMA = {"GET /api/articles", "GET /api/stories", "GET /api/keywords/preview", "POST /api/keywords"} | {
    "POST /api/sources",
    "POST /api/subscribers",
    "POST /api/channels",  # an Apprise URL Apprise can read
}


def test_every_operation_conforms_to_the_description(served: Served) -> None:
    schema = schemathesis.openapi.from_url(served.url + "/openapi.json")
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        label = f"{operation.method.upper()} {operation.path}"
        excluded = [positive_data_acceptance] if label in BEYOND_JSON_SCHEMA else []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run(operation, mode, label, excluded, failures)
    assert operations >= 15
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


def run(operation: Any, mode: GenerationMode, label: str, excluded: list, failures: dict[str, str]) -> None:
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case: schemathesis.Case) -> None:
        try:
            case.call_and_validate(timeout=10, excluded_checks=excluded)
        except (AssertionError, FailureGroup) as exc:  # what the checks found
            failures.setdefault(f"{label} ({mode.value})", str(exc)[:1200])

    try:
        call()
    except hypothesis.errors.Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE  # an operation that takes nothing has no invalid request
