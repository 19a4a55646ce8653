"""HTTP client for the real Qikink API (token, create, read, list, find by our order number).

Here: the configuration (QikinkConfig) and the calls (QikinkClient). Every call goes through the
request funnel of transport.py (call budget, token, retries, typed errors from Qikink's answers).
"""

import json
import logging
import os
import random
import secrets
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

import requests

from ..tally import Tally

if TYPE_CHECKING:  # the types only
    from ..storage.interface import OrderStore, SharedToken

from .auth import HmacSigner, TokenCache, TokenInfo
from .budget import CallBudget
from .errors import (
    QikinkAuthError,
    QikinkDuplicateOrder,
    QikinkError,
    QikinkNotFound,
    QikinkRateLimited,
    QikinkUnavailable,
)
from .transport import TOKEN_PATH, QikinkTransport, to_int

log = logging.getLogger(__name__)

ENVIRONMENTS = {
    "sandbox": "https://sandbox.qikink.com",
    "live": "https://api.qikink.com",
    "emulator": "http://127.0.0.1:5001",
}
CREATE_PATH = "/api/order/create"
ORDER_PATH = "/api/order"
DEFAULT_TOKEN_LIFETIME = 3600.0
DUPLICATE_LOOKUP_FACTOR = 50
# A forced mint invalidates the token every other process of the account uses: at most one while
# the last token of the account (any process sharing the call budget's window) is this young.
FORCED_MINT_SECONDS = 60.0


@dataclass(frozen=True)
class QikinkConfig:
    """Everything the client needs; the secret never shows in repr."""

    client_id: str
    client_secret: str = field(repr=False)
    environment: str = "sandbox"
    base_url: str | None = None
    sign_requests: bool = True
    connect_timeout: float = 3.05
    read_timeout: float = 10.0
    max_retries: int = 3
    rate_limit_per_minute: int = 30
    lookup_max_pages: int = 20
    backoff_base: float = 0.5
    backoff_cap: float = 8.0

    def __repr__(self):
        return (
            f"QikinkConfig(client_id={self.masked_client_id!r}, "
            f"environment={self.environment!r}, api_base={self.api_base!r}, "
            f"sign_requests={self.sign_requests!r})"
        )

    def __post_init__(self):
        if not self.base_url and self.environment not in ENVIRONMENTS:
            raise ValueError(
                f"unknown Qikink environment {self.environment!r}; expected one of {', '.join(ENVIRONMENTS)}"
            )

    @property
    def api_base(self) -> str:
        """Base URL without trailing slash."""
        return (self.base_url or ENVIRONMENTS[self.environment]).rstrip("/")

    @property
    def masked_client_id(self) -> str:
        """The client id as it may be shown: first 8 characters and '...'."""
        return f"{self.client_id[:8]}..."


def _session_for(api_base: str) -> requests.Session:
    """A session that reads the proxy and CA settings of the environment (HTTPS_PROXY, NO_PROXY,
    REQUESTS_CA_BUNDLE) once: by default requests reads them, and ~/.netrc, again on every call,
    measured at 0.32 ms of a create's 0.87 ms of CPU."""
    session = requests.Session()
    session.trust_env = False
    session.proxies.update(requests.utils.get_environ_proxies(api_base))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    return session


class QikinkClient:
    """Speaks Qikink's API through one request funnel with retries, token cache and call budget.

    Every call names its kind (token, create, lookup, tracking) and takes its place in the
    account's CallBudget first, so tracking never spends the calls that new orders need.
    How a call is made (retries, one HTTP attempt, judging the answer) is its QikinkTransport
    (transport.py).
    """

    def __init__(
        self,
        config: QikinkConfig,
        *,
        session=None,
        sleep=time.sleep,
        clock=time.time,
        budget: CallBudget | None = None,
        jitter=random.random,
        token_store: "SharedToken | None" = None,
        tokens: TokenCache | None = None,
        tally: Tally | None = None,
    ):
        self.config = config
        self._session = session or _session_for(config.api_base)
        self._owns_session = session is None
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._tokens = tokens or TokenCache(clock=clock, shared=token_store)  # token_store: one for a fleet
        self._signer = HmacSigner(config.client_secret, clock=clock) if config.sign_requests else None
        self.transport = QikinkTransport(
            config,
            session=self._session,
            budget=budget
            or CallBudget(config.rate_limit_per_minute, account=config.client_id, clock=clock, sleep=sleep),
            tokens=self._tokens,
            signer=self._signer,
            mint=self._mint,
            sleep=sleep,
            jitter=jitter,
            tally=tally,
        )

    @property
    def budget(self) -> CallBudget:
        """The account's call budget (the transport's: every call takes its place in it first)."""
        return self.transport.budget

    @budget.setter
    def budget(self, budget: CallBudget) -> None:
        self.transport.budget = budget

    @property
    def tally(self) -> Tally:
        """Calls made by this client and its siblings, by kind and outcome (GET /metrics)."""
        return self.transport.tally

    @classmethod
    def from_config(cls, settings, store: "OrderStore | None" = None) -> "QikinkClient":
        """The client the server uses for its settings (backend.config.Config): one call budget
        per account, shared through the data directory by every process that uses it. With a
        `store` shared by several servers (PostgreSQL), the token is kept there so that the fleet
        mints one at a time."""
        client_id, secret = settings.qikink_client_id, settings.qikink_client_secret
        base_url = settings.qikink_base_url or None
        if settings.qikink_env == "emulator":
            base_url = base_url or f"http://127.0.0.1:{settings.qikink_emulator_port}"
            if not client_id:
                # The emulator accepts any credentials: make throwaway ones, nothing to keep secret.
                client_id, secret = f"emulator-{secrets.token_hex(4)}", secrets.token_hex(16)
        config = QikinkConfig(
            client_id=client_id,
            client_secret=secret,
            environment=settings.qikink_env,
            base_url=base_url,
            sign_requests=settings.qikink_sign_requests,
            connect_timeout=settings.qikink_connect_timeout,
            read_timeout=settings.qikink_read_timeout,
            rate_limit_per_minute=settings.qikink_rate_limit_per_minute,
        )
        budget = CallBudget(
            config.rate_limit_per_minute,
            path=settings.data_dir / "qikink-budget.json",
            window=store.fleet.call_window(client_id) if store is not None else None,
            account=client_id,
            create_reserve=settings.qikink_create_reserve_per_minute,
        )
        return cls(
            config, budget=budget, token_store=store.fleet.token_store(client_id, secret) if store is not None else None
        )

    def without_retries(self) -> "QikinkClient":
        """A sibling for calls that must answer fast (an order request's push): one attempt per
        call, sharing this client's token cache, call budget and HTTP session, so it never
        mints a second token."""
        sibling = QikinkClient(
            replace(self.config, max_retries=0),
            session=self._session,
            sleep=self._sleep,
            clock=self._clock,
            budget=self.budget,
            jitter=self._jitter,
            tokens=self._tokens,
            tally=self.tally,
        )
        sibling._owns_session = False
        return sibling

    def __repr__(self):
        return (
            f"QikinkClient(environment={self.config.environment!r}, "
            f"api_base={self.config.api_base!r}, client_id={self.config.masked_client_id!r})"
        )

    # --- tokens -----------------------------------------------------------------------------

    def authenticate(self, force: bool = False, *, wait: bool = True) -> TokenInfo:
        """A valid token; mints one only if none is cached (or if `force`). With `wait` False, a
        mint the call budget has no room for raises QikinkRateLimited at once (a request thread).
        A forced mint is one attempt, refused (QikinkRateLimited, no call) while the account's last
        token is younger than FORCED_MINT_SECONDS, whichever process minted it."""
        if force:
            return self._tokens.get(lambda: self._mint(wait=wait, apart=FORCED_MINT_SECONDS), force=True)
        return self._tokens.get(lambda: self._mint(wait=wait))

    def last_mint_age(self) -> float | None:
        """Seconds since the account's last token call (any process sharing the budget), or None
        when there was none within the budget's window (about a minute)."""
        return self.budget.since_last("token")

    @property
    def token_valid_until(self) -> datetime | None:
        """Expiry of the cached token, or None; never mints."""
        info = self._tokens.peek()
        return info.valid_until if info else None

    def has_valid_token(self) -> bool:
        """Whether a usable token is cached; never mints."""
        return self._tokens.peek() is not None

    def _mint(self, wait=True, apart=0.0) -> TokenInfo:
        body = self.transport.request(
            "POST",
            TOKEN_PATH,
            form={"ClientId": self.config.client_id, "client_secret": self.config.client_secret},
            authenticated=False,
            retry=not apart,  # a spaced (forced) mint's retry would be refused by its own first attempt
            wait=wait,
            kind="token",
            apart=apart,
        )
        token = body.get("Accesstoken") if isinstance(body, dict) else None
        if not token:
            raise QikinkUnavailable("token answer without Accesstoken", call=f"POST {TOKEN_PATH}", http_status=200)
        lifetime = to_int(body.get("expires_in")) or DEFAULT_TOKEN_LIFETIME
        log.info("Minted a Qikink token for client %s (valid %ss)", self.config.masked_client_id, lifetime)
        return TokenInfo(token=token, expires_at=self._clock() + lifetime)

    # --- orders -----------------------------------------------------------------------------

    def create_order(self, payload: dict, *, wait: bool = True) -> dict:
        """Create an order; returns {"order_id", "existing", "raw"}.

        Never blindly resent: after any transient failure that Qikink may have acted on
        (timeout, dropped connection, garbled answer, 5xx), look the order up by its number first.
        "Duplicate order number" means it exists: it is looked up and returned with existing=True.
        """
        number = str(payload.get("order_number", ""))
        call = f"POST {CREATE_PATH}"
        attempts = 1 + max(self.config.max_retries, 0)
        for attempt in range(attempts):
            try:
                body = self.transport.request(
                    "POST", CREATE_PATH, json_body=payload, retry=False, wait=wait, kind="create"
                )
                order_id = body.get("order_id") if isinstance(body, dict) else None
                if order_id in (None, ""):
                    raise QikinkUnavailable(
                        "create answer without order_id", call=call, http_status=200, body=json.dumps(body)[:500]
                    )
                log.debug("Qikink accepted order %s as %s", number, order_id)  # the sender logs it
                return {"order_id": str(order_id), "existing": False, "raw": body}
            except QikinkDuplicateOrder as exc:
                # Qikink says the order exists: look past the usual depth, since it may be older
                # than the newest pages (sent before a crash, with many orders since).
                found = self._find_after(
                    exc, number, wait, max_pages=self.config.lookup_max_pages * DUPLICATE_LOOKUP_FACTOR
                )
                if found is None:
                    exc.order_number = number
                    raise
                log.info("Order %s already at Qikink as %s", number, found.get("order_id"))
                return {"order_id": str(found.get("order_id")), "existing": True, "raw": found}
            except QikinkError as exc:
                if not exc.transient or isinstance(exc, QikinkAuthError):
                    raise
                if not isinstance(exc, QikinkRateLimited):
                    # Qikink may have accepted it before the answer was lost.
                    found = self._find_after(exc, number, wait)
                    if found is not None:
                        log.info("Order %s was accepted despite %s", number, exc)
                        return {"order_id": str(found.get("order_id")), "existing": True, "raw": found}
                if attempt + 1 >= attempts or (isinstance(exc, QikinkRateLimited) and not wait):
                    raise
                delay = self.transport.backoff(attempt, exc)
                log.warning("Create of %s failed (%s); resending in %.2fs", number, exc, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")

    def _find_after(self, error, number, wait, max_pages=None):
        """Look an order up after a create whose outcome is unknown. When the call budget has no
        room for the lookup, the create's own error is raised: the outcome stays unknown, so the
        next attempt looks it up first (a budget refusal would say the order surely never left)."""
        try:
            return self.find_order_by_number(number, wait=wait, max_pages=max_pages)
        except QikinkRateLimited:
            raise QikinkUnavailable(
                f"create outcome unknown ({error}); lookup postponed", call=error.call, http_status=error.http_status
            ) from None

    def get_order(self, qikink_order_id: str, *, wait: bool = True, kind: str = "tracking") -> dict:
        """One order by Qikink's id (the answer may be a one-element array or an object)."""
        body = self.transport.request("GET", ORDER_PATH, params={"id": str(qikink_order_id)}, wait=wait, kind=kind)
        if isinstance(body, list):
            body = body[0] if body else None
        if not isinstance(body, dict) or not body:
            raise QikinkNotFound(f"Qikink has no order {qikink_order_id}", call=f"GET {ORDER_PATH}", http_status=200)
        return body

    def list_orders(self, page_no: int = 1, *, wait: bool = True, kind: str = "tracking") -> list[dict]:
        """One page of 10 orders, newest first; empty past the end."""
        body = self.transport.request("GET", ORDER_PATH, params={"page_no": str(page_no)}, wait=wait, kind=kind)
        if isinstance(body, dict):
            return [body] if body.get("order_id") is not None else []
        if not isinstance(body, list):
            raise QikinkUnavailable("order list answer is not a list", call=f"GET {ORDER_PATH}", http_status=200)
        return [order for order in body if isinstance(order, dict)]

    def find_order_by_number(
        self, order_number: str, *, max_pages: int | None = None, wait: bool = True
    ) -> dict | None:
        """The order whose `number` ends in ours (Qikink prefixes it, maybe 'Cancelled_'), or None."""
        suffix = f"_{order_number}"
        pages = max_pages or self.config.lookup_max_pages
        for page_no in range(1, pages + 1):
            orders = self.list_orders(page_no, wait=wait, kind="lookup")
            for order in orders:
                number = str(order.get("number", ""))
                if number == order_number or number.endswith(suffix):
                    return order
            if len(orders) == 0:
                return None
        log.warning("Order %s not found in the first %d pages", order_number, pages)
        return None

    def close(self):
        """Release the HTTP session (if the client created it)."""
        if self._owns_session:
            self._session.close()
