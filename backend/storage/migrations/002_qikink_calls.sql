-- The Qikink call budget of the fleet: the calls of the last minute, per account (issue 16).
CREATE TABLE IF NOT EXISTS qikink_calls (
    account text NOT NULL,
    at double precision NOT NULL,
    kind text NOT NULL
);
CREATE INDEX IF NOT EXISTS qikink_calls_account ON qikink_calls (account, at);
