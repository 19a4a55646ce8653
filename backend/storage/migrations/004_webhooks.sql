-- Outgoing webhooks (backend/webhooks): the shop's endpoints and the delivery log, shared by every
-- server of a fleet. An order's events wait in the order itself until fanned out to these rows.
CREATE TABLE webhook_endpoints (
    id              text PRIMARY KEY,
    url             text NOT NULL,
    description     text NOT NULL DEFAULT '',
    events          text NOT NULL,
    secret          text NOT NULL,
    enabled         boolean NOT NULL,
    disabled_reason text,
    disabled_at     double precision,
    created_at      double precision NOT NULL,
    updated_at      double precision NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    endpoint_id     text NOT NULL,
    message_id      text NOT NULL,
    order_id        text NOT NULL,
    type            text NOT NULL,
    body            text NOT NULL,
    status          text NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    created_at      double precision NOT NULL,
    next_attempt_at double precision NOT NULL,
    last_attempt_at double precision,
    last_status     integer,
    last_error      text,
    delivered_at    double precision,
    UNIQUE (endpoint_id, message_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (endpoint_id, order_id, id);

-- The orders whose "webhooks" outbox still holds events (the dispatcher's poll): few at any time.
CREATE INDEX orders_webhook_outbox_idx ON orders (seq) WHERE doc ? 'webhooks';
