"""Schemathesis hooks for our runs (the live CLI run loads this file through SCHEMATHESIS_HOOKS).

One order rule no JSON Schema can state: lines with the same SKU are merged and their total must be
at most MAX_QUANTITY. A generated "valid" order breaking it is rightly refused with 422, so such
bodies are not generated as valid ones; test_validation.py checks the rule itself.
"""

from collections import Counter

import schemathesis
from schemathesis import GenerationMode

from backend.models import MAX_QUANTITY


def breaks_merged_quantity(body) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        return False
    totals = Counter()
    for line in body["items"]:
        if (
            isinstance(line, dict)
            and isinstance(line.get("sku"), str)
            and isinstance(line.get("quantity"), (int, float))
        ):
            totals[line["sku"].strip()] += line["quantity"]
    return any(total > MAX_QUANTITY for total in totals.values())


@schemathesis.hook
def filter_case(context, case) -> bool:
    return not (
        case.meta is not None
        and case.meta.generation.mode == GenerationMode.POSITIVE
        and case.operation.method.upper() == "POST"
        and case.operation.path == "/api/orders"
        and breaks_merged_quantity(case.body)
    )
