"""The seller's pages (/shipping, /returns, /cancellation, /privacy, /terms, /contact) from the
shop's settings, GET /api/seller, the settings' checks and warnings, and the 404 page a browser
gets (HTML) while the API and other clients keep the JSON envelope. In Chromium:
tests/browser/test_policy_pages_in_browser.py."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest

from backend import create_app
from backend.api.pages import FRONTEND_DIR
from backend.cli.banner import print_banner, symbols
from backend.config import Config, ConfigError
from backend.policies.details import REQUIRED
from backend.policies.render import POLICY_PAGES, render_policy
from tests.support import assert_error

SELLER = {
    "SHOP_LEGAL_NAME": "Bharat Heritage Prints Private Limited",
    "SHOP_GSTIN": "27AAPFU0939F1ZV",
    "SHOP_ADDRESS": "4th Floor, 21 Linking Road, Bandra West, Mumbai 400050",
    "SHOP_STATE": "Maharashtra",
    "SHOP_EMAIL": "help@bharatheritage.in",
    "SHOP_PHONE": "+91 98765 43210",
    "GRIEVANCE_OFFICER_NAME": "Asha Verma",
    "GRIEVANCE_OFFICER_EMAIL": "grievance@bharatheritage.in",
    "GRIEVANCE_OFFICER_PHONE": "+91 98765 43211",
    "DAMAGE_REPORT_DAYS": "2",
}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"}
# What each page must show of the settings (India's E-Commerce Rules: seller, grievance officer, policies).
SHOWN = {
    "shipping": ("help@bharatheritage.in",),
    "returns": ("help@bharatheritage.in", "within 2 days of delivery", "100 days", "unboxing"),
    "cancellation": ("help@bharatheritage.in", "+91 98765 43210"),
    "privacy": ("grievance@bharatheritage.in", "Bharat Heritage Prints Private Limited", "Razorpay"),
    "terms": ("Bharat Heritage Prints Private Limited", "27AAPFU0939F1ZV", "4th Floor, 21 Linking Road"),
    "contact": tuple(value for name, value in SELLER.items() if name not in ("DAMAGE_REPORT_DAYS", "SHOP_STATE")),
}


def seller_config(data_dir, **overrides) -> Config:
    environ = {"DATA_DIR": str(data_dir), "APP_ENV": "test", "QIKINK_ENV": "off", "PAYMENTS_ENV": "off"}
    return Config.from_env({**environ, **SELLER, **overrides}, load_dotenv_file=False)


@pytest.fixture
def seller_client(data_dir):
    return create_app(seller_config(data_dir)).test_client()


def text_of(answer) -> str:
    """The page's words, tags out and white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)))


@pytest.mark.parametrize("slug", POLICY_PAGES)
def test_each_page_shows_the_sellers_details_from_the_settings(seller_client, slug):
    answer = seller_client.get(f"/{slug}")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-cache"
    html = answer.get_data(as_text=True)
    assert f"<h1>{POLICY_PAGES[slug][1]}</h1>" in html
    assert '<main id="main"' in html and "<footer" in html and "<script" not in html
    words = text_of(answer)
    for value in SHOWN[slug]:
        assert value in words, (slug, value)
    assert "not set yet" not in words and "placeholder" not in html
    again = seller_client.get(f"/{slug}", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304 and not again.data


@pytest.mark.parametrize("slug", POLICY_PAGES)
def test_a_page_missing_details_shows_a_placeholder_naming_the_setting(client, slug):
    answer = client.get(f"/{slug}")
    assert answer.status_code == 200
    words = text_of(answer)
    assert "Shop owner: set SHOP_LEGAL_NAME, SHOP_ADDRESS" in words  # the page's notice
    for value in SHOWN[slug]:
        setting = next((name for name, given in SELLER.items() if given in value or value in given), None)
        if setting is not None:
            assert f"[not set yet: the shop's owner sets {setting}]" in words, (slug, setting)


def test_contact_lists_each_missing_detail_by_its_setting(client):
    words = text_of(client.get("/contact"))
    for name, _, _ in REQUIRED:
        if name != "DAMAGE_REPORT_DAYS":
            assert f"[not set yet: the shop's owner sets {name}]" in words


def test_only_the_missing_details_are_placeholders(data_dir):
    client = create_app(seller_config(data_dir, GRIEVANCE_OFFICER_PHONE="")).test_client()
    words = text_of(client.get("/contact"))
    assert "Asha Verma" in words and "[not set yet: the shop's owner sets GRIEVANCE_OFFICER_PHONE]" in words
    assert words.count("[not set yet") == 1


def test_the_shipping_page_states_the_shops_charges(data_dir):
    config = seller_config(data_dir, SHIPPING_FEE="49", FREE_SHIPPING_ABOVE="999", COD_FEE="30.50")
    words = text_of(create_app(config).test_client().get("/shipping"))
    assert "₹49 an order, free when the items come to ₹999 or more" in words
    assert "A fee of ₹30.50 an order" in words
    words = text_of(create_app(seller_config(data_dir)).test_client().get("/shipping"))
    assert "Free on every order" in words and "No extra fee" in words


def test_the_cancellation_page_follows_the_shops_windows(data_dir):
    config = seller_config(data_dir, PAYMENT_WINDOW_MINUTES="45", COD_CONFIRM_HOURS="12")
    online = render_policy("cancellation", config.with_overrides(payments_env="razorpay"), path="/cancellation")
    assert "not paid within 45 minutes is cancelled" in re.sub(r"\s+", " ", online)
    words = text_of(create_app(config).test_client().get("/cancellation"))
    assert "not confirmed within 12 hours is cancelled" in words
    assert "not paid within" not in words  # PAYMENTS_ENV=off: prepaid orders count as paid at once


def test_values_from_settings_are_escaped(data_dir):
    config = seller_config(data_dir).with_overrides(seller_address="<script>alert(1)</script> Road")
    html = create_app(config).test_client().get("/contact").get_data(as_text=True)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Road" in html


def test_the_seller_endpoint_answers_the_details_and_what_is_missing(client, seller_client):
    data = seller_client.get("/api/seller").get_json()["data"]
    assert data["legal_name"] == SELLER["SHOP_LEGAL_NAME"] and data["gstin"] == SELLER["SHOP_GSTIN"]
    assert data["grievance_officer"] == {
        "name": "Asha Verma",
        "email": "grievance@bharatheritage.in",
        "phone": "+91 98765 43211",
    }
    assert data["damage_report_days"] == 2 and data["missing_settings"] == []
    empty = client.get("/api/seller").get_json()["data"]
    assert empty["legal_name"] is None and empty["grievance_officer"]["name"] is None
    assert empty["missing_settings"] == [name for name, _, _ in REQUIRED]


@pytest.mark.parametrize(
    "name, value",
    [
        ("SHOP_EMAIL", "not-an-email"),
        ("GRIEVANCE_OFFICER_EMAIL", "a@b"),
        ("SHOP_PHONE", "call us"),
        ("GRIEVANCE_OFFICER_PHONE", "12345"),
        ("DAMAGE_REPORT_DAYS", "0"),
        ("DAMAGE_REPORT_DAYS", "two"),
    ],
)
def test_a_malformed_contact_setting_stops_the_start_naming_it(data_dir, name, value):
    with pytest.raises(ConfigError, match=name):
        seller_config(data_dir, **{name: value})


def test_the_contact_settings_are_read(data_dir):
    config = seller_config(data_dir, SHOP_PHONE="022-2345 6789")
    assert config.shop_phone == "022-2345 6789" and config.grievance_officer_name == "Asha Verma"
    assert config.damage_report_days == 2 and config.shipping_fee == Decimal("0")


def test_the_banner_warns_which_settings_the_policy_pages_lack(data_dir):
    stream = io.StringIO()
    print_banner(Config(data_dir=data_dir, shop_email="help@example.in"), None, emulator_url=None, stream=stream)
    warning = next(line for line in stream.getvalue().splitlines() if "policy pages" in line)
    assert warning.startswith(f"{symbols(stream)[1]} WARNING:") and "/contact" in warning
    assert "set SHOP_LEGAL_NAME, SHOP_ADDRESS, SHOP_GSTIN, SHOP_PHONE, GRIEVANCE_OFFICER_NAME" in warning
    assert "SHOP_EMAIL" not in warning
    stream = io.StringIO()
    print_banner(seller_config(data_dir), None, emulator_url=None, stream=stream)
    assert (
        f"{symbols(stream)[0]} Policy pages: seller, contact and grievance officer details set (/contact)"
        in stream.getvalue()
    )


@pytest.mark.parametrize("page", ["index.html", "track.html", "admin.html"])
def test_every_static_page_links_every_policy_page_in_its_footer(page):
    html = (FRONTEND_DIR / page).read_text(encoding="utf-8")
    footer = html[html.index("<footer") : html.index("</footer>")]
    for slug, (_, title) in POLICY_PAGES.items():
        assert f'<a href="{slug}">{title}</a>' in footer, (page, slug)


def test_the_checkout_links_terms_returns_and_shipping_by_the_place_order_button():
    html = (FRONTEND_DIR / "index.html").read_text(encoding="utf-8")
    after_button = html[html.index('id="place-order"') : html.index("</form>", html.index('id="place-order"'))]
    assert "By placing the order you agree to the" in after_button
    assert all(f'href="{slug}"' in after_button for slug in ("terms", "returns", "shipping"))


def test_the_cod_confirmation_page_has_the_footer_too(client):
    html = client.get("/confirm/not-a-token").get_data(as_text=True)
    assert '<a href="../shipping">Shipping</a>' in html and '<a href="../contact">' in html


# --- 404: HTML for a browser, JSON for the API and everyone else ------------------------------
@pytest.mark.parametrize("path, root", [("/no-such-page", ""), ("/a/b/c", "../../"), ("/js/nothing.js", "../")])
def test_a_browser_gets_a_friendly_html_404_with_links_home_and_to_tracking(client, path, root):
    answer = client.get(path, headers=BROWSER)
    assert answer.status_code == 404 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in html
    assert f'href="{root or "./"}">Browse the T-shirts' in html and f'href="{root}track">Track an order' in html
    assert f'href="{root}css/shop.css"' in html and "<script" not in html
    assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff" and answer.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "method, path, headers",
    [
        ("GET", "/api/no-such-route", BROWSER),
        ("GET", "/api/orders/BHRT-0000000000", BROWSER),
        ("GET", "/no-such-page", {"Accept": "application/json"}),
        ("GET", "/no-such-page", {"Accept": "*/*"}),  # curl
        ("GET", "/no-such-page", {}),
        ("GET", "/no-such-page", {"Accept": "text/html;q=0"}),
        ("POST", "/no-such-page", BROWSER),
    ],
)
def test_the_api_and_other_clients_keep_the_json_envelope(client, method, path, headers):
    answer = client.open(path, method=method, headers=headers)
    assert_error(answer, 404, "not_found")
    assert answer.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_a_404_keeps_its_own_message_for_the_api(client):
    answer = client.get("/api/pincodes/999999", headers=BROWSER)
    assert answer.get_json()["error"]["message"] == "PIN code 999999 does not exist in India Post's directory"
