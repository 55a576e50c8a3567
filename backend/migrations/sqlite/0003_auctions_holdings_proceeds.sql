-- Regional auctions, awards, holdings and their uses (落地), proceeds allocations and
-- disbursements, and the tamper-evident audit log.

-- The current high bid is kept on the lot, so a bid is one conditional UPDATE of the lot
-- (which serialises bids on that lot) followed by the insert of the bid.
ALTER TABLE listings ADD COLUMN high_bid_fen INTEGER CHECK (high_bid_fen > 0);
ALTER TABLE listings ADD COLUMN high_bidder_id INTEGER REFERENCES users (id);
ALTER TABLE listings ADD COLUMN bid_count INTEGER NOT NULL DEFAULT 0 CHECK (bid_count >= 0);

CREATE TABLE bids (
    id INTEGER PRIMARY KEY,
    listing_id INTEGER NOT NULL REFERENCES listings (id),
    bidder_id INTEGER NOT NULL REFERENCES users (id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    created_at TEXT NOT NULL,
    -- Two bids of the same amount on one lot cannot both stand.
    UNIQUE (listing_id, amount_fen)
);

-- An award is a purchase without a project yet: the district names the projects when it
-- records uses. SQLite cannot drop NOT NULL in place, so the table is rebuilt.
CREATE TABLE purchases_v3 (
    id INTEGER PRIMARY KEY,
    listing_id INTEGER NOT NULL REFERENCES listings (id),
    buyer_id INTEGER NOT NULL REFERENCES users (id),
    seller_county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    -- 'purchase' on the county channel; 'award' of a regional lot.
    kind TEXT NOT NULL DEFAULT 'purchase' CHECK (kind IN ('purchase', 'award')),
    area_e4_mu INTEGER NOT NULL CHECK (area_e4_mu > 0),
    farmland_e4_mu INTEGER NOT NULL CHECK (farmland_e4_mu >= 0),
    paddy_e4_mu INTEGER NOT NULL CHECK (paddy_e4_mu >= 0),
    grain_capacity_kg INTEGER NOT NULL CHECK (grain_capacity_kg >= 0),
    price_fen_per_mu INTEGER NOT NULL CHECK (price_fen_per_mu > 0),
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    status TEXT NOT NULL CHECK (status IN ('reserved', 'settled', 'expired', 'cancelled')),
    project_name TEXT,
    project_use TEXT CHECK (project_use IN ('commercial', 'residential', 'industrial', 'public')),
    project_county_code TEXT REFERENCES jurisdictions (code),
    confirmation_no TEXT UNIQUE,
    bank_reference TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    settled_at TEXT,
    ruleset_version TEXT NOT NULL,
    -- Area already drawn down by approval filings; never more than bought.
    used_e4_mu INTEGER NOT NULL DEFAULT 0 CHECK (used_e4_mu >= 0 AND used_e4_mu <= area_e4_mu),
    CHECK (status <> 'settled' OR (confirmation_no IS NOT NULL AND settled_at IS NOT NULL)),
    CHECK (kind = 'award' OR (project_name IS NOT NULL AND project_use IS NOT NULL AND project_county_code IS NOT NULL))
);
INSERT INTO purchases_v3 (id, listing_id, buyer_id, seller_county_code, kind, area_e4_mu, farmland_e4_mu,
    paddy_e4_mu, grain_capacity_kg, price_fen_per_mu, amount_fen, status, project_name, project_use,
    project_county_code, confirmation_no, bank_reference, created_at, expires_at, settled_at, ruleset_version)
SELECT id, listing_id, buyer_id, seller_county_code, 'purchase', area_e4_mu, farmland_e4_mu,
    paddy_e4_mu, grain_capacity_kg, price_fen_per_mu, amount_fen, status, project_name, project_use,
    project_county_code, confirmation_no, bank_reference, created_at, expires_at, settled_at, ruleset_version
FROM purchases;
DROP TABLE purchases;
ALTER TABLE purchases_v3 RENAME TO purchases;
CREATE INDEX purchases_buyer ON purchases (buyer_id);
CREATE INDEX purchases_due ON purchases (status, expires_at);
CREATE INDEX purchases_seller ON purchases (seller_county_code, settled_at);

-- Land-use approval filings (落地) drawing a holding down.
CREATE TABLE holding_uses (
    id INTEGER PRIMARY KEY,
    purchase_id INTEGER NOT NULL REFERENCES purchases (id),
    approval_no TEXT NOT NULL,
    used_before_e4_mu INTEGER NOT NULL CHECK (used_before_e4_mu >= 0),
    area_e4_mu INTEGER NOT NULL CHECK (area_e4_mu > 0),
    project_name TEXT,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (purchase_id, approval_no)
);

-- Permitted uses of proceeds (R12), editable by the administrator.
CREATE TABLE use_categories (
    name TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    confirmed INTEGER NOT NULL CHECK (confirmed IN (0, 1))
);

-- Proceeds of a county and year assigned to a use; never more than received (checked in the
-- same transaction that writes).
CREATE TABLE allocations (
    id INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    year INTEGER NOT NULL,
    use_name TEXT NOT NULL REFERENCES use_categories (name),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    disbursed_fen INTEGER NOT NULL DEFAULT 0 CHECK (disbursed_fen >= 0 AND disbursed_fen <= amount_fen),
    note TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX allocations_county_year ON allocations (county_code, year);

-- The total allocated per county and year, one row each: the row every allocation of that
-- county-year updates first, which serialises them and keeps allocated ≤ received.
CREATE TABLE allocation_totals (
    county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    year INTEGER NOT NULL,
    allocated_fen INTEGER NOT NULL CHECK (allocated_fen >= 0),
    PRIMARY KEY (county_code, year)
);

CREATE TABLE disbursements (
    id INTEGER PRIMARY KEY,
    allocation_id INTEGER NOT NULL REFERENCES allocations (id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    voucher_no TEXT NOT NULL,
    bank_reference TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);

-- The audit log: one hash chain per stream (a county, or 'region'), so unrelated counties'
-- writes never wait on each other. Each record's hash covers its content and the previous
-- hash of its stream; `audit_heads` holds each stream's last sequence number and hash and is
-- updated first in the writing transaction.
CREATE TABLE audit_heads (
    stream TEXT PRIMARY KEY,
    seq INTEGER NOT NULL CHECK (seq >= 0),
    hash TEXT NOT NULL
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    stream TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq > 0),
    object TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (stream, seq)
);
CREATE INDEX audit_object ON audit_log (object);
