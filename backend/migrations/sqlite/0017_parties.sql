-- Parties, continued (#16).
-- R11: the regional-bidder attribute belongs to the organisation. A 人民政府 bids in its own
-- right; any other body only with the government's written authorisation, whose document
-- number and validity dates are kept here and checked on the day of each bid.
ALTER TABLE organisations ADD COLUMN regional_bidder INTEGER NOT NULL DEFAULT 0 CHECK (regional_bidder IN (0, 1));
ALTER TABLE organisations ADD COLUMN authorisation_no TEXT;
ALTER TABLE organisations ADD COLUMN authorised_from TEXT;
ALTER TABLE organisations ADD COLUMN authorised_until TEXT;
-- The accounts that were regional bidders carry the attribute to their organisation (moved by
-- 0016 as governments, so no document is asked of them).
UPDATE organisations SET regional_bidder = 1 WHERE id IN
    (SELECT organisation_id FROM users WHERE regional_bidder AND organisation_id IS NOT NULL);

-- The documents a registration is checked against: the business licence (or the code
-- certificate of a public body) and, for a regional bidder, the authorisation. One of each per
-- organisation, the latest upload replacing the earlier; the type is read from the content.
CREATE TABLE organisation_documents (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL CHECK (kind IN ('licence', 'authorisation')),
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size_bytes INTEGER NOT NULL CHECK (size_bytes > 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (organisation_id, kind)
);

-- A 成交确认书 is a legal document: the parties it names are copied into the trade when it is
-- numbered (issued), so a later change of name or code does not rewrite it. Trades numbered
-- before this keep the parties as they read now.
ALTER TABLE purchases ADD COLUMN seller_party TEXT;
ALTER TABLE purchases ADD COLUMN seller_party_uscc TEXT;
ALTER TABLE purchases ADD COLUMN buyer_party TEXT;
ALTER TABLE purchases ADD COLUMN buyer_party_uscc TEXT;
UPDATE purchases SET
    seller_party = (SELECT og.name FROM organisations og WHERE og.kind = 'natural_resources'
        AND og.status = 'approved' AND og.county_code = purchases.seller_county_code ORDER BY og.id LIMIT 1),
    seller_party_uscc = (SELECT og.uscc FROM organisations og WHERE og.kind = 'natural_resources'
        AND og.status = 'approved' AND og.county_code = purchases.seller_county_code ORDER BY og.id LIMIT 1),
    buyer_party = (SELECT og.name FROM users u JOIN organisations og ON og.id = u.organisation_id
        WHERE u.id = purchases.buyer_id),
    buyer_party_uscc = (SELECT og.uscc FROM users u JOIN organisations og ON og.id = u.organisation_id
        WHERE u.id = purchases.buyer_id)
WHERE confirmation_no IS NOT NULL;
