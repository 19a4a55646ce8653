"""What shop staff do in the admin console, as steps the browser tests share: found by role
and label, as a person (or a screen reader) finds them."""

from __future__ import annotations

from playwright.sync_api import expect

DELHI_ADDRESS = {
    "Full name": "Test User",
    "Address line 1": "Test Address",
    "City": "New Delhi",
    "State": "DL",
    "PIN code": "110001",
    "Mobile number": "9876543210",
}


def sign_in(page, key: str) -> None:
    page.get_by_label("Admin key").fill(key)
    page.get_by_role("button", name="Sign in").click()


def show_orders_of(page, email: str) -> None:
    """Filter the orders table to one customer's orders."""
    page.get_by_role("search", name="Filter orders").get_by_label("Email").fill(email)
    page.get_by_role("button", name="Show orders").click()
    expect(page.get_by_role("status").filter(has_text="newest first")).to_contain_text("of ")


def fill_address(page, **fields) -> None:
    """Fill the order page's address form; `fields` override DELHI_ADDRESS by label."""
    form = page.get_by_role("form", name="Complete the shipping address")
    for label, value in {**DELHI_ADDRESS, **fields}.items():
        form.get_by_label(label, exact=True).fill(value)


def guide_order(server, email: str) -> str:
    """The integration guide's test order: a one-line address Qikink cannot ship to."""
    answer = server.process.post(
        "/api/orders",
        json={
            "customer_email": email,
            "shipping_address": "Test Address, Delhi",
            "items": [{"sku": "BHRT-001-M", "quantity": 1, "price": 1299}],
        },
    )
    assert answer.json()["data"]["qikink_status"] == "action_required"
    return answer.json()["data"]["order_id"]


def open_order(page, email, order_id):
    """The console's page of one order, found among the customer's orders."""
    page.goto("/admin")
    show_orders_of(page, email)
    page.get_by_role("link", name=order_id).click()
    expect(page.get_by_role("heading", name=f"Order {order_id}")).to_be_visible()
