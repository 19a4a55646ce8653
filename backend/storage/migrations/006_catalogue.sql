-- The catalogue as the shop runs it (backend/storage/stored_catalogue.py): one document of designs
-- and variants, edited from the console, read by every server of the fleet. Servers compare the
-- version on each read and fetch the document only when it moved; prices and stock stay in products.
CREATE TABLE catalogue (
    id         integer PRIMARY KEY CHECK (id = 1),
    version    bigint NOT NULL,
    document   jsonb NOT NULL
);
INSERT INTO catalogue (id, version, document) VALUES (1, 0, '{"designs": [], "products": []}');
