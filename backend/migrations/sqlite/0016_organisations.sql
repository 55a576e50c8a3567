-- Parties (单位): the organisation, not the login, is the party to a trade. A company registers
-- itself online (organisation + first user) and stays `pending` until the regional
-- administrator approves it (审核) or rejects it with a reason the applicant sees; only an
-- approved organisation buys or bids. 统一社会信用代码 (GB 32100-2015) is checked by the server
-- and unique. Accounts made by an administrator before organisations existed have none and act
-- as before.
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) > 0),
    uscc TEXT NOT NULL UNIQUE CHECK (length(uscc) = 18),
    kind TEXT NOT NULL CHECK (kind IN ('government', 'natural_resources', 'land_reserve', 'finance', 'enterprise', 'other')),
    county_code TEXT REFERENCES jurisdictions (code),
    legal_representative TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    address TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    -- The reviewer's reason, shown to the applicant (required on rejection).
    review_note TEXT,
    reviewed_by TEXT,
    reviewed_at TEXT,
    created_at TEXT NOT NULL,
    CHECK (status <> 'rejected' OR (review_note IS NOT NULL AND length(review_note) > 0))
);
CREATE INDEX organisations_status ON organisations (status, id);
ALTER TABLE users ADD COLUMN organisation_id INTEGER REFERENCES organisations (id);
