"""RazorpayClient: the part of Razorpay's API a shop needs (razorpay-api.md), on `requests`.

Written on requests rather than Razorpay's SDK (`razorpay` 2.x): the SDK pins a CA bundle from
2015, sets no timeout (a hung connection holds a checkout thread for ever) and retries POSTs on a
timeout, which for `POST /v1/orders` can make a second Razorpay order. Here:

- every call has a connect and a read timeout;
- GETs are retried (connection errors, timeouts, 429, 5xx) with the one backoff policy
  (backend/retry.py), a few times within seconds;
- `POST /v1/orders` is sent once: a timeout raises `OutcomeUnknown` (the caller keeps no id and may
  create again: only the order the customer is shown gets paid);
- a refund is retried with the same `X-Refund-Idempotency` key (Razorpay answers the first refund
  again); the caller also looks refunds up before a later retry (test mode may ignore the key);
- Razorpay's error envelope becomes a typed error carrying its code, description and field; the
  key secret is in no repr, error or log line (Basic auth is built by requests per call).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import requests

from ..retry import backoff_delay

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 10.0)  # connect, read
RETRIES = 2
RETRY_BASE_SECONDS = 0.5
RETRY_CAP_SECONDS = 4.0


class RazorpayError(Exception):
    """A Razorpay call that failed; `status` is the HTTP status (None: no answer)."""

    status: int | None = None

    def __init__(self, message: str, *, status: int | None = None, code=None, field=None, reason=None):
        super().__init__(message)
        self.status = status if status is not None else self.status
        self.code, self.field, self.reason = code, field, reason


class BadRequest(RazorpayError):
    """400: Razorpay refused the request as it is (e.g. a refund above what was captured)."""


class AuthenticationFailed(RazorpayError):
    """401: the key id or secret is wrong."""


class NotFound(RazorpayError):
    """404: no such order, payment or refund."""


class RateLimited(RazorpayError):
    """429."""


class GatewayUnavailable(RazorpayError):
    """Razorpay could not be reached, or answered 5xx: nothing happened, or nothing is known to."""


class OutcomeUnknown(GatewayUnavailable):
    """A create whose answer never came: Razorpay may or may not have made it."""


_BY_STATUS = {400: BadRequest, 401: AuthenticationFailed, 404: NotFound, 429: RateLimited}


class RazorpayClient:
    def __init__(
        self,
        key_id: str,
        key_secret: str,
        *,
        base_url: str = "https://api.razorpay.com",
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        retries: int = RETRIES,
    ):
        self.key_id = key_id
        self._key_secret = key_secret
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        self.sleep = sleep
        self.retries = retries

    def __repr__(self):
        return f"RazorpayClient(key_id={self.key_id!r}, base_url={self.base_url!r})"

    # --- orders ---------------------------------------------------------------------------------
    def create_order(self, amount: int, receipt: str, notes: dict | None = None) -> dict:
        """One Razorpay order for `amount` paise (sent once: see OutcomeUnknown)."""
        _paise(amount)
        body = {"amount": amount, "currency": "INR", "receipt": receipt, "notes": notes or {}}
        body["partial_payment"] = False
        return self._call("POST", "/v1/orders", json=body, retry=False)

    def fetch_order(self, order_id: str) -> dict:
        return self._call("GET", f"/v1/orders/{order_id}")

    def order_payments(self, order_id: str) -> list[dict]:
        """Every payment attempt of a Razorpay order (captured, failed, ...)."""
        return self._call("GET", f"/v1/orders/{order_id}/payments").get("items", [])

    # --- payments -------------------------------------------------------------------------------
    def fetch_payment(self, payment_id: str) -> dict:
        return self._call("GET", f"/v1/payments/{payment_id}")

    def capture(self, payment_id: str, amount: int, currency: str = "INR") -> dict:
        """Capture an authorised payment (capturing twice is refused, not repeated)."""
        _paise(amount)
        return self._call("POST", f"/v1/payments/{payment_id}/capture", json={"amount": amount, "currency": currency})

    # --- refunds --------------------------------------------------------------------------------
    def refund(
        self, payment_id: str, amount: int, idempotency_key: str, receipt: str | None = None, notes: dict | None = None
    ) -> dict:
        """Refund `amount` paise of a captured payment; retried with the same idempotency key."""
        _paise(amount)
        if len(idempotency_key) < 10:
            raise ValueError("X-Refund-Idempotency must be at least 10 characters")
        body = {"amount": amount, "speed": "normal", "notes": notes or {}}
        if receipt:
            body["receipt"] = receipt
        headers = {"X-Refund-Idempotency": idempotency_key}
        return self._call("POST", f"/v1/payments/{payment_id}/refund", json=body, headers=headers, retry=True)

    def payment_refunds(self, payment_id: str) -> list[dict]:
        return self._call("GET", f"/v1/payments/{payment_id}/refunds").get("items", [])

    # --- the one funnel ---------------------------------------------------------------------------
    def _call(self, method: str, path: str, *, json=None, headers=None, retry: bool | None = None) -> dict:
        retry = method == "GET" if retry is None else retry
        attempt = 0
        while True:
            try:
                return self._once(method, path, json, headers)
            except (GatewayUnavailable, RateLimited) as exc:
                if not retry or attempt >= self.retries:
                    raise
                delay = backoff_delay(attempt, base=RETRY_BASE_SECONDS, cap=RETRY_CAP_SECONDS)
                log.info("Razorpay %s %s: %s; retrying in %.1f s", method, path, exc, delay)
                self.sleep(delay)
                attempt += 1

    def _once(self, method, path, json, headers) -> dict:
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                json=json,
                headers={"Accept": "application/json", **(headers or {})},
                auth=(self.key_id, self._key_secret),
                timeout=self.timeout,
            )
        except requests.ConnectionError as exc:
            if isinstance(exc, requests.ConnectTimeout) or "Connection refused" in str(exc):
                raise GatewayUnavailable(f"Razorpay unreachable ({type(exc).__name__})") from None
            raise OutcomeUnknown(f"Razorpay connection lost ({type(exc).__name__})") from None
        except requests.Timeout as exc:
            raise OutcomeUnknown(f"Razorpay did not answer in time ({type(exc).__name__})") from None
        except requests.RequestException as exc:
            raise GatewayUnavailable(f"Razorpay request failed ({type(exc).__name__})") from None
        if response.status_code < 300:
            try:
                return response.json()
            except ValueError:
                raise GatewayUnavailable(
                    "Razorpay answered something other than JSON", status=response.status_code
                ) from None
        raise _error(response)


def _error(response) -> RazorpayError:
    """Razorpay's envelope `{"error": {"code", "description", "field", "reason", ...}}` as a typed error."""
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    status = response.status_code
    kind = _BY_STATUS.get(status, GatewayUnavailable if status >= 500 else RazorpayError)
    description = error.get("description") or f"HTTP {status}"
    code = error.get("code")
    message = f"{code}: {description}" if code else description
    if error.get("field"):
        message += f" (field {error['field']})"
    return kind(message, status=status, code=code, field=error.get("field"), reason=error.get("reason"))


def _paise(amount) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError(f"amounts are integer paise, not {amount!r}")
