"""Schemathesis hooks for our runs (the live CLI run loads this file through SCHEMATHESIS_HOOKS).

Three rules no JSON Schema can state:
- lines with the same SKU are merged and their total must be at most MAX_QUANTITY. A generated
  "valid" order breaking it is rightly refused with 422, so such bodies are not generated as valid
  ones; test_validation.py checks the rule itself;
- a structured address's PIN code must exist and lie in its state (India Post's directory): a
  generated "valid" address gets a PIN code of its state (agree_with_directory);
  tests/orders/test_pincodes.py checks the rule itself;
- an uploaded photo must be an image by its content: a generated "valid" upload gets a real PNG
  (small_png); tests/api/test_photos_api.py checks the rule itself.
"""

import io
from collections import Counter

import schemathesis
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase

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


def untyped_form_mutation(case) -> bool:
    """A photo upload made invalid only by a field's JSON type (alt as the number 0, a list): a
    multipart form carries text alone, so it reaches the server as the valid text "0"."""
    return (
        case.operation.path == "/api/photos"
        and body_mode(case) == GenerationMode.NEGATIVE
        and isinstance(case.body, dict)
        and any(not isinstance(value, (str, bytes)) for value in case.body.values())
    )


@schemathesis.hook
def filter_case(context, case) -> bool:
    return not (
        (
            case.meta is not None
            and case.meta.generation.mode == GenerationMode.POSITIVE
            and case.operation.method.upper() == "POST"
            and case.operation.path == "/api/orders"
            and breaks_merged_quantity(case.body)
        )
        or untyped_form_mutation(case)
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


def small_png() -> bytes:
    """A real photo for a generated upload: the document describes the file as bytes, but only an
    image (checked by its content) is valid, which no schema can state."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 6), (185, 28, 28)).save(out, "PNG")
    return out.getvalue()


def body_mode(case):
    """How the body was generated: negative when the case is (whatever part of it was made invalid:
    a negative case's valid-looking body must not be turned into an accepted upload) or its body is."""
    if case.meta is None:
        return None
    body = case.meta.components.get(ParameterLocation.BODY)
    modes = {case.meta.generation.mode, body.mode if body is not None else case.meta.generation.mode}
    return GenerationMode.NEGATIVE if GenerationMode.NEGATIVE in modes else GenerationMode.POSITIVE


@schemathesis.hook
def map_case(context, case):
    if (
        case.operation.path == "/api/photos"
        and case.operation.method.upper() == "POST"
        and body_mode(case) == GenerationMode.POSITIVE
        and isinstance(case.body, dict)
        and "file" in case.body
    ):
        case.body["file"] = small_png()
        if case.meta.phase.name != TestPhase.STATEFUL:
            # Schemathesis generates bytes for a binary field itself, but on revalidating a changed
            # body it counts any bytes as invalid (generation/case.py, _contains_bytes), which would
            # turn this valid upload into a "negative" case. The new body is the valid one meant:
            # the change is recorded as validated. (Not in the stateful phase, whose links change
            # the body later on and must have it judged again.)
            case._meta.update_validated_hash(ParameterLocation.BODY, case._hash_container(case.body))
    if (
        case.meta is not None
        and case.meta.generation.mode == GenerationMode.POSITIVE
        and case.operation.path in ("/api/orders", "/api/orders/{order_id}")
        and case.operation.method.upper() in ("POST", "PATCH")
    ):
        agree_with_directory(case.body)
    return case
