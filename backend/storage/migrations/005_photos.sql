-- Product photos (backend/photos), shared by every server of a fleet: the bytes once per content
-- hash, one row a photo of a design (and colour), the resized copies made once for all servers.
CREATE TABLE photo_blobs (
    hash       text PRIMARY KEY,
    data       bytea NOT NULL
);

CREATE TABLE photos (
    id         text PRIMARY KEY,
    design     text NOT NULL,
    colour     text,
    alt        text NOT NULL,
    hash       text NOT NULL REFERENCES photo_blobs (hash),
    mime       text NOT NULL,
    width      integer NOT NULL,
    height     integer NOT NULL,
    bytes      integer NOT NULL,
    created_at double precision NOT NULL
);
CREATE INDEX photos_design_idx ON photos (design, created_at, id);
CREATE INDEX photos_hash_idx ON photos (hash);

CREATE TABLE photo_copies (
    hash       text NOT NULL REFERENCES photo_blobs (hash) ON DELETE CASCADE,
    width      integer NOT NULL,
    format     text NOT NULL,
    data       bytea NOT NULL,
    PRIMARY KEY (hash, width, format)
);

-- Sample photos added once for the whole fleet (a deleted sample does not come back).
CREATE TABLE photo_seeds (
    name       text PRIMARY KEY,
    seeded_at  timestamptz NOT NULL DEFAULT now()
);
