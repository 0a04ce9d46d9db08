"""schemathesis fuzzes every operation of /openapi.json against `newswatch web` over real HTTP:
whatever it sends (writes included: it is a loopback client), nothing answers with a 5xx."""

from __future__ import annotations

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase

from tests.web.conftest import Served

EXAMPLES = 12  # per operation: enough to hit the odd values, few enough to run in seconds


def test_no_operation_answers_5xx(served: Served) -> None:
    schema = schemathesis.openapi.from_url(served.url + "/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            response = case.call(timeout=10)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query} → {response.status_code}: "
                                f"{response.text[:200]}")  # fmt: skip

        call()
    assert operations >= 15
    assert failures == []
