"""Outgoing webhooks for the shop's own tools (a spreadsheet, Zapier, a WhatsApp notifier): order
events signed to the Standard Webhooks specification, kept in an outbox on the order, delivered at
least once, in order per order (see dispatcher.py)."""

from __future__ import annotations


def build_dispatcher(config, store, *, order_body):
    """The dispatcher of one app: its store beside the order store, a poster that keeps to public
    addresses unless WEBHOOK_ALLOW_PRIVATE."""
    from .delivery import WebhookPoster
    from .dispatcher import WebhookDispatcher
    from .store import open_webhook_store

    return WebhookDispatcher(
        store,
        open_webhook_store(store, config.data_dir),
        WebhookPoster(allow_private=config.webhook_allow_private),
        order_body=order_body,
    )
