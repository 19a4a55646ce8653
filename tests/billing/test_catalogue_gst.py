"""The catalogue's GST data at start: read like the catalogue, refused with the file and the place."""

from __future__ import annotations

import json

import pytest

from backend import create_app
from backend.billing import load_gst_rules
from backend.config import Config
from backend.errors import StartupError


def config(data_dir) -> Config:
    return Config(data_dir=data_dir, app_env="test", qikink_env="off", ratelimit_enabled=False)


@pytest.mark.parametrize(
    "encode",
    [lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), lambda text: text.encode("utf-16")],
    ids=["utf8_bom", "utf16"],
)
def test_a_catalogue_saved_by_a_windows_editor_still_has_its_rates(data_dir, encode):
    path = data_dir / "products.json"
    path.write_bytes(encode(path.read_text(encoding="utf-8")))
    assert load_gst_rules(path).rates["6109"][-1].slabs[0].rate == 5


def test_a_product_with_an_unknown_hsn_stops_the_start_naming_file_and_product(data_dir):
    path = data_dir / "products.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["products"][2]["hsn"] = "6205"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(StartupError, match=r"products\.json: products\[2\]: hsn must be one of the codes"):
        create_app(config(data_dir))


def test_a_catalogue_without_gst_data_starts_and_issues_no_invoices(data_dir):
    path = data_dir / "products.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    del document["gst"]
    path.write_text(json.dumps(document), encoding="utf-8")
    client = create_app(config(data_dir)).test_client()
    order = client.post(
        "/api/orders",
        json={
            "customer_email": "asha@example.com",
            "items": [{"sku": "BHRT-001-M", "quantity": 1}],
            "shipping_address": {
                "name": "Asha Verma",
                "line1": "12 MG Road",
                "city": "Mumbai",
                "state": "MH",
                "pincode": "400001",
                "phone": "9876543210",
            },
        },
    ).get_json()["data"]
    response = client.get(f"/api/orders/{order['order_id']}/invoice", headers={"Accept": "application/json"})
    assert response.status_code == 409 and "GST rates" in response.get_json()["error"]["message"]
