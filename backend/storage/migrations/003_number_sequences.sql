-- Gap-free number sequences (e.g. invoice numbers), drawn in the transaction of an order change.
CREATE TABLE IF NOT EXISTS number_sequences (
    name text PRIMARY KEY,
    last_value bigint NOT NULL
);
