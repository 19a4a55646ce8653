"""The transport every call to Qikink goes through, and the judge of its answers.

QikinkClient (client.py) holds one, the way httpx's client holds a transport: the client knows
Qikink's calls (token, create, look-up, list), the transport how to make one. `request` takes the
call budget, the token (from the client's TokenCache, minted by the client's `mint` and minted
again once when Qikink refuses it) and retries transient failures with capped, jittered backoff;
`_send` is one HTTP attempt; `_parse` and `_classify` turn an answer into its body or into a typed
QikinkError (Qikink reports many failures with a 200).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import requests

from ..retry import backoff_delay
from ..tally import Tally
from .auth import TokenInfo
from .errors import (
    QikinkAuthError,
    QikinkDuplicateOrder,
    QikinkError,
    QikinkRateLimited,
    QikinkUnavailable,
    QikinkValidationError,
)

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

TOKEN_PATH = "/api/token"  # here: a refused token call is an auth error, not a refused token
DEFAULT_RETRY_AFTER = 60.0

_TOKEN_REFUSED = re.compile(r"(invalid|expired|missing).{0,20}(token|accesstoken)|unauthori[sz]ed", re.I)
_TRANSIENT_MESSAGE = re.compile(r"try again|temporar|server error|timed? ?out|unavailable", re.I)
_RATE_MESSAGE = re.compile(r"too many|rate limit", re.I)


class _TokenRefused(QikinkAuthError):
    """The access token was refused (expired, or replaced by a newer mint)."""


def to_int(value):
    """An int from a number or a numeric string in Qikink's answer, else None."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _outcome(error: QikinkError) -> str:
    """A failed call's outcome, as /metrics counts it."""
    for kind, name in (
        (QikinkRateLimited, "rate_limited"),
        (QikinkDuplicateOrder, "duplicate"),
        (QikinkAuthError, "auth_refused"),
        (QikinkUnavailable, "unavailable"),
        (QikinkValidationError, "refused"),
    ):
        if isinstance(error, kind):
            return name
    return "error"


def _retry_after(response):
    try:
        return max(float(response.headers.get("Retry-After", "")), 0.0)
    except ValueError:
        return DEFAULT_RETRY_AFTER


class QikinkTransport:
    """Budget, token, signing, timeouts, retries and the judging of answers, for QikinkClient."""

    def __init__(self, config, *, session, budget, tokens, signer, mint, sleep, jitter, tally=None):
        self.config = config  # QikinkConfig: base URL, credentials, timeouts, retries, backoff
        self.session = session
        self.budget = budget  # the account's CallBudget
        self.tokens = tokens  # the account's TokenCache
        self.signer = signer  # HmacSigner, or None when signing is off
        self.mint = mint  # mint(wait=...) → TokenInfo: the client's token call
        self.sleep = sleep
        self.jitter = jitter
        self.tally = tally or Tally()  # calls made, by kind and outcome (GET /metrics)

    def request(
        self,
        method,
        path,
        *,
        params=None,
        json_body=None,
        form=None,
        authenticated=True,
        retry=True,
        wait=True,
        kind="tracking",
        apart=0.0,
    ):
        """Every call goes through here: call budget, token, signing, timeouts, retries. With
        `apart`, the call goes only if no call of its kind went in the last `apart` seconds."""
        attempts = 1 + (max(self.config.max_retries, 0) if retry else 0)
        reminted = False
        attempt = 0
        while True:
            token = self._token_for_call(wait) if authenticated else None
            try:
                return self._send(method, path, params, json_body, form, token, wait, kind, apart)
            except _TokenRefused as exc:
                self.tokens.invalidate(token.token)
                # Qikink checks the token before anything else, so a refused call (a create too)
                # was not acted on: mint once and send it again. A second refusal is reported.
                if reminted:
                    raise QikinkAuthError(
                        "Qikink refused the access token",
                        call=exc.call,
                        http_status=exc.http_status,
                        qikink_message=exc.qikink_message,
                    ) from None
                reminted = True
                log.info("Qikink refused the token on %s; minting a new one", exc.call)
            except QikinkError as exc:
                attempt += 1
                if not exc.transient or attempt >= attempts or (isinstance(exc, QikinkRateLimited) and not wait):
                    raise
                delay = self.backoff(attempt - 1, exc)
                log.warning("%s failed (%s); retry %d/%d in %.2fs", exc.call, exc, attempt, attempts - 1, delay)
                self.sleep(delay)

    def _token_for_call(self, wait=True) -> TokenInfo:
        """The token to send with a call (minting it if needed, under the shared lock)."""
        return self.tokens.get(lambda: self.mint(wait=wait))

    def backoff(self, attempt, exc) -> float:
        """Capped exponential backoff with jitter; honours Retry-After on rate limits."""
        retry_after = exc.retry_after if isinstance(exc, QikinkRateLimited) else None
        return backoff_delay(
            attempt,
            base=self.config.backoff_base,
            cap=self.config.backoff_cap,
            retry_after=retry_after,
            max_retry_after=DEFAULT_RETRY_AFTER,
            jitter=self.jitter,
        )

    def _send(self, method, path, params, json_body, form, token, wait, kind, apart=0.0):
        """One attempt: returns the parsed JSON body or raises a typed QikinkError."""
        call = f"{method} {path}"
        self.budget.acquire(kind, wait=wait, apart=apart)
        headers = {"Accept": "application/json"}
        if token is not None:
            headers.update({"ClientId": self.config.client_id, "Accesstoken": token.token})
        try:
            response = self.session.request(
                method,
                self.config.api_base + path,
                params=params,
                json=json_body,
                data=form,
                headers=headers,
                auth=self.signer,
                timeout=(self.config.connect_timeout, self.config.read_timeout),
            )
        except requests.Timeout as exc:
            self.tally.add(kind, "timeout")
            raise QikinkUnavailable(f"Qikink timed out ({type(exc).__name__})", call=call) from None
        except requests.RequestException as exc:
            self.tally.add(kind, "unreachable")
            raise QikinkUnavailable(f"Qikink unreachable ({type(exc).__name__})", call=call) from None
        try:
            body = self._parse(response, call)
        except QikinkError as exc:
            self.tally.add(kind, _outcome(exc))
            raise
        self.tally.add(kind, "ok")
        return body

    def _parse(self, response, call):
        """Judge the body as well as the status: Qikink reports many failures with a 200."""
        status = response.status_code
        text = response.text
        evidence = {"call": call, "http_status": status, "body": text}
        if status == 429:
            raise QikinkRateLimited("Qikink rate limit reached", retry_after=_retry_after(response), **evidence)
        try:
            body = response.json()
        except ValueError:
            body = None
        message = None
        if isinstance(body, dict):
            raw = body.get("message") or body.get("error")
            message = raw if isinstance(raw, str) else None
        failed = status >= 400 or not isinstance(body, (dict, list))
        if isinstance(body, dict):
            failed = (
                failed or body.get("error") not in (None, False, "") or (to_int(body.get("status_code")) or 0) >= 400
            )
        if not failed:
            return body
        raise self._classify(status, body, message, evidence)

    def _classify(self, status, body, message, evidence):
        """Turn a failed answer into the right typed error."""
        text = message or ""
        code = to_int(body.get("status_code")) if isinstance(body, dict) else None
        lower = text.lower()
        if "duplicate order" in lower:
            return QikinkDuplicateOrder(qikink_message=text, **evidence)
        if "undefined array key" in lower:
            # PHP's complaint about a key we failed to send: our bug, resending will not help.
            return QikinkValidationError(qikink_message=text, **evidence)
        if _RATE_MESSAGE.search(text):
            return QikinkRateLimited(qikink_message=text, retry_after=DEFAULT_RETRY_AFTER, **evidence)
        if evidence["call"] == f"POST {TOKEN_PATH}" and status in (400, 401, 403):
            return QikinkAuthError(qikink_message=text or None, **evidence)
        if status in (401, 403) or _TOKEN_REFUSED.search(text):
            return _TokenRefused(qikink_message=text or None, **evidence)
        if status >= 500 or body is None or (code or 0) >= 500 or _TRANSIENT_MESSAGE.search(text):
            reason = "non-JSON answer" if body is None else "server error"
            return QikinkUnavailable(f"Qikink {reason}", qikink_message=text or None, **evidence)
        return QikinkValidationError(qikink_message=text or None, **evidence)
