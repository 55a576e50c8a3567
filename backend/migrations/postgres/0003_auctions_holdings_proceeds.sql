-- Regional auctions, awards, holdings and their uses (落地), proceeds allocations and
-- disbursements, and the tamper-evident audit log.

-- The current high bid is kept on the lot, so a bid is one conditional UPDATE of the lot
-- (which serialises bids on that lot) followed by the insert of the bid.
ALTER TABLE listings ADD COLUMN high_bid_fen BIGINT CHECK (high_bid_fen > 0);
ALTER TABLE listings ADD COLUMN high_bidder_id BIGINT REFERENCES users (id);
ALTER TABLE listings ADD COLUMN bid_count BIGINT NOT NULL DEFAULT 0 CHECK (bid_count >= 0);

CREATE TABLE bids (
    id BIGSERIAL PRIMARY KEY,
    listing_id BIGINT NOT NULL REFERENCES listings (id),
    bidder_id BIGINT NOT NULL REFERENCES users (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    created_at TIMESTAMPTZ NOT NULL,
    -- Two bids of the same amount on one lot cannot both stand.
    UNIQUE (listing_id, amount_fen)
);

-- An award is a purchase without a project yet: the district names the projects when it
-- records uses.
ALTER TABLE purchases ADD COLUMN kind TEXT NOT NULL DEFAULT 'purchase' CHECK (kind IN ('purchase', 'award'));
ALTER TABLE purchases ALTER COLUMN project_name DROP NOT NULL;
ALTER TABLE purchases ALTER COLUMN project_use DROP NOT NULL;
ALTER TABLE purchases ALTER COLUMN project_county_code DROP NOT NULL;
ALTER TABLE purchases ADD CONSTRAINT purchases_project_unless_award
    CHECK (kind = 'award' OR (project_name IS NOT NULL AND project_use IS NOT NULL AND project_county_code IS NOT NULL));
-- Area already drawn down by approval filings; never more than bought.
ALTER TABLE purchases ADD COLUMN used_e4_mu BIGINT NOT NULL DEFAULT 0;
ALTER TABLE purchases ADD CONSTRAINT purchases_used_within_area CHECK (used_e4_mu >= 0 AND used_e4_mu <= area_e4_mu);
CREATE INDEX purchases_seller ON purchases (seller_county_code, settled_at);

-- Land-use approval filings (落地) drawing a holding down.
CREATE TABLE holding_uses (
    id BIGSERIAL PRIMARY KEY,
    purchase_id BIGINT NOT NULL REFERENCES purchases (id),
    approval_no TEXT NOT NULL,
    used_before_e4_mu BIGINT NOT NULL CHECK (used_before_e4_mu >= 0),
    area_e4_mu BIGINT NOT NULL CHECK (area_e4_mu > 0),
    project_name TEXT,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (purchase_id, approval_no)
);

-- Permitted uses of proceeds (R12), editable by the administrator.
CREATE TABLE use_categories (
    name TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    confirmed BOOLEAN NOT NULL
);

-- Proceeds of a county and year assigned to a use; never more than received (checked in the
-- same transaction that writes).
CREATE TABLE allocations (
    id BIGSERIAL PRIMARY KEY,
    county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    year INTEGER NOT NULL,
    use_name TEXT NOT NULL REFERENCES use_categories (name),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    disbursed_fen BIGINT NOT NULL DEFAULT 0 CHECK (disbursed_fen >= 0 AND disbursed_fen <= amount_fen),
    note TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX allocations_county_year ON allocations (county_code, year);

-- The total allocated per county and year, one row each: the row every allocation of that
-- county-year updates first, which serialises them and keeps allocated ≤ received.
CREATE TABLE allocation_totals (
    county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    year INTEGER NOT NULL,
    allocated_fen BIGINT NOT NULL CHECK (allocated_fen >= 0),
    PRIMARY KEY (county_code, year)
);

CREATE TABLE disbursements (
    id BIGSERIAL PRIMARY KEY,
    allocation_id BIGINT NOT NULL REFERENCES allocations (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    voucher_no TEXT NOT NULL,
    bank_reference TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);

-- The audit log: one hash chain per stream (a county, or 'region'), so unrelated counties'
-- writes never wait on each other. Each record's hash covers its content and the previous
-- hash of its stream; `audit_heads` holds each stream's last sequence number and hash and is
-- updated first in the writing transaction.
CREATE TABLE audit_heads (
    stream TEXT PRIMARY KEY,
    seq BIGINT NOT NULL CHECK (seq >= 0),
    hash TEXT NOT NULL
);
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    stream TEXT NOT NULL,
    seq BIGINT NOT NULL CHECK (seq > 0),
    object TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    at TIMESTAMPTZ NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (stream, seq)
);
CREATE INDEX audit_object ON audit_log (object);
