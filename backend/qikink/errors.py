"""Typed failures of the Qikink API, each carrying the evidence of what went wrong."""


class QikinkError(Exception):
    """Base class: which call failed, the HTTP status and Qikink's own message."""

    transient = False
    default_message = "Qikink call failed"

    def __init__(self, message=None, *, call=None, http_status=None, qikink_message=None, body=None):
        self.call = call
        self.http_status = http_status
        self.qikink_message = qikink_message
        # The first few hundred characters of the answer, for the log; never holds our secret.
        self.body = body[:500] if isinstance(body, str) else body
        super().__init__(message or qikink_message or self.default_message)

    @property
    def message(self):
        """The human-readable message."""
        return self.args[0] if self.args else self.default_message

    def __str__(self):
        details = ", ".join(
            f"{name}={value}"
            for name, value in (("call", self.call), ("http_status", self.http_status))
            if value is not None
        )
        return f"{self.message} ({details})" if details else self.message

    def __repr__(self):
        return (
            f"{type(self).__name__}({self.message!r}, call={self.call!r}, "
            f"http_status={self.http_status!r}, qikink_message={self.qikink_message!r})"
        )


class QikinkAuthError(QikinkError):
    """Credentials refused, or a token refused even after one re-mint."""

    default_message = "Qikink refused the credentials"


class QikinkValidationError(QikinkError):
    """A permanent refusal (invalid SKU, bad address...): resending will not help."""

    default_message = "Qikink refused the request"


class QikinkDuplicateOrder(QikinkError):
    """Qikink already holds an order with this order number."""

    default_message = "Duplicate order number"

    def __init__(self, message=None, *, order_number=None, **kwargs):
        self.order_number = order_number
        super().__init__(message, **kwargs)


class QikinkRateLimited(QikinkError):
    """Over the rate limit (Qikink's or our own limiter's); try again after `retry_after` s."""

    transient = True
    default_message = "Qikink rate limit reached"

    def __init__(self, message=None, *, retry_after=None, **kwargs):
        self.retry_after = float(retry_after) if retry_after is not None else None
        super().__init__(message, **kwargs)


class QikinkNotFound(QikinkValidationError):
    """Qikink has no order with that id."""

    default_message = "Order not found"


class QikinkUnavailable(QikinkError):
    """Qikink unreachable or answering garbage (5xx, timeout, HTML): worth retrying later."""

    transient = True
    default_message = "Qikink is unavailable"
