"""Schemathesis hooks for our runs (the live CLI run loads this file through SCHEMATHESIS_HOOKS).

Two order rules no JSON Schema can state:
- lines with the same SKU are merged and their total must be at most MAX_QUANTITY. A generated
  "valid" order breaking it is rightly refused with 422, so such bodies are not generated as valid
  ones; test_validation.py checks the rule itself;
- a structured address's PIN code must exist and lie in its state (India Post's directory): a
  generated "valid" address gets a PIN code of its state (agree_with_directory);
  tests/orders/test_pincodes.py checks the rule itself.

- a size chart names each size once (a repeated size is rightly refused with 422; a stateful
  case may carry no generation mode), so no body repeating a size is sent; tests/api/test_size_chart_editing.py checks the rule itself.

And one rule of the run itself: the document is read once, at its start, with the catalogue's SKUs
as the order lines' enum. A generated PATCH taking a design or variant off sale (`published`
false) would make later generated orders for its SKUs rightly refused, so none is generated;
tests/api/test_catalogue_api.py checks taking off sale and what it does to orders.
"""

from collections import Counter

import schemathesis
from schemathesis import GenerationMode

from backend import india_post
from backend.models import MAX_QUANTITY, state_name


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


def repeats_a_size(case) -> bool:
    sizes = case.body.get("sizes") if isinstance(case.body, dict) else None
    if case.operation.path not in ("/api/size-charts", "/api/size-charts/{chart_id}") or not isinstance(sizes, list):
        return False
    names = [row["size"].strip() for row in sizes if isinstance(row, dict) and isinstance(row.get("size"), str)]
    return len(names) != len(set(names))


def takes_off_sale(case) -> bool:
    return (
        case.operation.method.upper() == "PATCH"
        and case.operation.path in ("/api/catalogue/designs/{design_id}", "/api/catalogue/variants/{sku}")
        and isinstance(case.body, dict)
        and case.body.get("published") is False
    )


@schemathesis.hook
def filter_case(context, case) -> bool:
    if takes_off_sale(case) or repeats_a_size(case):
        return False
    return not (
        case.meta is not None
        and case.meta.generation.mode == GenerationMode.POSITIVE
        and case.operation.method.upper() == "POST"
        and case.operation.path in ("/api/orders", "/api/orders/{order_id}/replacement")
        and breaks_merged_quantity(case.body)
    )


def _pin_of_each_state() -> dict[str, str]:
    first = {}
    for pincode, (states, _) in sorted(india_post._load().items()):
        for state in states:
            first.setdefault(state, pincode)
    return first


def agree_with_directory(body) -> None:
    """Give a generated structured address a PIN code that lies in its state (in place)."""
    if not isinstance(body, dict):
        return
    address = body.get("shipping_address")
    if not isinstance(address, dict) or not isinstance(address.get("state"), str):
        return
    state = state_name(address["state"])
    pincode = address.get("pincode")
    if state is None or isinstance(pincode, bool) or not isinstance(pincode, (str, int)):
        return
    found = _pin_of_each_state()[state]
    address["pincode"] = int(found) if isinstance(pincode, int) else found  # the type generated


@schemathesis.hook
def map_case(context, case):
    if (
        case.meta is not None
        and case.meta.generation.mode == GenerationMode.POSITIVE
        and case.operation.path in ("/api/orders", "/api/orders/{order_id}", "/api/orders/{order_id}/replacement")
        and case.operation.method.upper() in ("POST", "PATCH")
    ):
        agree_with_directory(case.body)
    return case
