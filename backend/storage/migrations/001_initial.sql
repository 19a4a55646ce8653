-- Orders, stock, idempotency keys and the order-number sequence (see README, "PostgreSQL").

-- Stock and price changes; the catalogue itself stays in products.json.
-- price NULL means the catalogue's price.
CREATE TABLE products (
    sku        text PRIMARY KEY,
    stock      integer NOT NULL,
    price      numeric(12, 2)
);

-- One row: the last order number given out (order ids are BHRT-<number>).
CREATE TABLE order_sequence (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    last_value bigint NOT NULL
);
INSERT INTO order_sequence (id, last_value) VALUES (true, 0);

-- Each order keeps its JSON shape in doc; the columns beside it are copies for filtering.
CREATE TABLE orders (
    order_id       text PRIMARY KEY,
    seq            bigint NOT NULL UNIQUE,
    customer_email text NOT NULL,
    status         text NOT NULL,
    qikink_status  text NOT NULL,
    created_at     text NOT NULL,
    doc            jsonb NOT NULL
);
CREATE INDEX orders_email_idx ON orders (lower(customer_email), seq DESC);
CREATE INDEX orders_status_idx ON orders (status, seq DESC);
CREATE INDEX orders_qikink_status_idx ON orders (qikink_status, seq DESC);
CREATE INDEX orders_created_at_idx ON orders (created_at);

-- Idempotency-Key (SHA-256) → the order it created; written in the order's own transaction.
CREATE TABLE idempotency_keys (
    key_hash   text PRIMARY KEY,
    order_id   text REFERENCES orders (order_id),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The Qikink access token shared by every server (minting one invalidates the previous one).
CREATE TABLE qikink_tokens (
    client_id  text PRIMARY KEY,
    token      bytea NOT NULL,
    expires_at double precision NOT NULL,
    minted_at  timestamptz NOT NULL DEFAULT now()
);
