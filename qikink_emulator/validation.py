"""What the emulated Qikink accepts in a create body: the real API's rules and error messages
(see shared/spec/qikink-api.md)."""

import re
from decimal import Decimal, InvalidOperation

PLACEMENTS = {"fr", "bk", "lp", "rp", "ls", "rs"}
INDIAN_STATES = frozenset(
    {
        "Andhra Pradesh",
        "Arunachal Pradesh",
        "Assam",
        "Bihar",
        "Chhattisgarh",
        "Goa",
        "Gujarat",
        "Haryana",
        "Himachal Pradesh",
        "Jharkhand",
        "Karnataka",
        "Kerala",
        "Madhya Pradesh",
        "Maharashtra",
        "Manipur",
        "Meghalaya",
        "Mizoram",
        "Nagaland",
        "Odisha",
        "Punjab",
        "Rajasthan",
        "Sikkim",
        "Tamil Nadu",
        "Telangana",
        "Tripura",
        "Uttar Pradesh",
        "Uttarakhand",
        "West Bengal",
        "Andaman and Nicobar Islands",
        "Chandigarh",
        "Dadra and Nagar Haveli and Daman and Diu",
        "Delhi",
        "Jammu and Kashmir",
        "Ladakh",
        "Lakshadweep",
        "Puducherry",
    }
)
_ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "address1",
    "address2",
    "phone",
    "email",
    "city",
    "zip",
    "province",
    "country_code",
)


class Refused(Exception):
    """A request the emulated Qikink refuses: carries the HTTP status and the answer body."""

    def __init__(self, message, status=200, body=None):
        super().__init__(message)
        self.status = status
        self.body = body or {"error": True, "message": message}


def _is_amount(value):
    try:
        return isinstance(value, str) and Decimal(value) >= 0
    except InvalidOperation:
        return False


def _check_line_item(item, my_products):
    if not isinstance(item, dict):
        raise Refused("Invalid line item")
    mode = item.get("search_from_my_products")
    if mode not in (0, 1) or isinstance(mode, bool):
        raise Refused("search_from_my_products must be 0 or 1")
    sku = item.get("sku")
    if not isinstance(sku, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", sku):
        raise Refused("Invalid SKU")
    if not isinstance(item.get("quantity"), str) or not item["quantity"].isdigit() or int(item["quantity"]) < 1:
        raise Refused("Invalid quantity")
    if not _is_amount(item.get("price")):
        raise Refused("Invalid price")
    if mode == 1:
        if "print_type_id" in item or "designs" in item:
            raise Refused("print_type_id and designs are not allowed with search_from_my_products 1")
        if my_products is not None and sku not in my_products:
            raise Refused("Invalid SKU")
        return
    if (
        not isinstance(item.get("print_type_id"), int)
        or isinstance(item["print_type_id"], bool)
        or item["print_type_id"] < 1
    ):
        raise Refused("Invalid print_type_id")
    designs = item.get("designs")
    if not isinstance(designs, list) or not designs:
        raise Refused("Designs are required with search_from_my_products 0")
    for design in designs:
        if not isinstance(design, dict) or not all(
            isinstance(design.get(k), str) and design[k] for k in ("design_code", "mockup_link", "placement_sku")
        ):
            raise Refused("Design code, Mockup Link and placement sku is mandatory")
        if len(design["design_code"]) > 20:
            raise Refused("Design code cannot exceed 20 chars")
        if design["placement_sku"] not in PLACEMENTS:
            raise Refused("Invalid placement sku")
        if not all(
            isinstance(design.get(k), str) and design[k] for k in ("design_link", "width_inches", "height_inches")
        ):
            raise Refused("Design link, width and height are mandatory")


def _check_address(address):
    if not isinstance(address, dict):
        raise Refused("Shipping address is required")
    for key in ("last_name", "address2"):
        if key not in address:
            # What the real API's PHP answers for a missing key: a 500, not a clean message.
            message = f'Undefined array key "{key}"'
            raise Refused(message, status=500, body={"message": message, "exception": "ErrorException"})
    for key in _ADDRESS_FIELDS:
        if not isinstance(address.get(key), str):
            raise Refused(f"{key} must be a string")
        if key not in ("last_name", "address2") and not address[key].strip():
            raise Refused(f"{key} is required")
    if len(address["address1"]) > 90:
        raise Refused("Address1 cannot exceed 90 chars")
    if not re.fullmatch(r"[6-9][0-9]{9}", address["phone"]):
        raise Refused("Invalid phone number")
    if not re.fullmatch(r"[1-9][0-9]{5}", address["zip"]):
        raise Refused("Invalid zip code")
    if address["province"] not in INDIAN_STATES:
        raise Refused("Invalid province")
    if address["country_code"] != "IN":
        raise Refused("Invalid country code")


def check_create(body, my_products=None):
    """Raise Refused as Qikink would for an unacceptable create body."""
    if not isinstance(body, dict):
        raise Refused("Invalid request body")
    number = body.get("order_number")
    if not isinstance(number, str) or not number:
        raise Refused("Order number is required")
    if len(number) > 15:
        raise Refused("Order no. cannot exceed 15 chars")
    if not re.fullmatch(r"[A-Za-z0-9]+", number):
        raise Refused("Order No cannot contain special characters")
    if body.get("qikink_shipping") not in ("0", "1"):
        raise Refused('qikink_shipping must be "0" or "1"')
    if body.get("gateway") not in ("COD", "Prepaid"):
        raise Refused("Invalid gateway")
    if not _is_amount(body.get("total_order_value")):
        raise Refused("Invalid total_order_value")
    items = body.get("line_items")
    if not isinstance(items, list) or not items:
        raise Refused("Line items are required")
    for item in items:
        _check_line_item(item, my_products)
    if body["qikink_shipping"] == "1":
        _check_address(body.get("shipping_address"))
