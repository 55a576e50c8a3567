-- no-transaction
-- Publicity (R16): a settled trade is published for objections and becomes final — numbered,
-- usable, counted in the proceeds — only when its publicity ends with no objection open; an
-- upheld objection annuls it. A settled trade may now be without its number, and a purchase
-- may be annulled: SQLite cannot change a CHECK constraint in place, so purchases is rebuilt by
-- SQLite's documented procedure (foreign keys off, the copy inside one transaction, foreign
-- keys on again). Rows keep their ids, so every reference still holds; a crash before COMMIT
-- leaves the old table and the migration runs again. The proceeds triggers go with the old
-- table and are made again: a trade counts once, when it gets its number.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE purchases_v10 (
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
    -- area × price, rounded half-up once (R9).
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    status TEXT NOT NULL CHECK (status IN ('reserved', 'settled', 'expired', 'cancelled', 'annulled')),
    project_name TEXT,
    project_use TEXT CHECK (project_use IN ('commercial', 'residential', 'industrial', 'public')),
    project_county_code TEXT REFERENCES jurisdictions (code),
    -- 藤县〔2026〕第0001号, unique per seller county and year; given when the trade is final.
    confirmation_no TEXT UNIQUE,
    bank_reference TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    settled_at TEXT,
    ruleset_version TEXT NOT NULL,
    -- Area already drawn down by approval filings; never more than bought.
    used_e4_mu INTEGER NOT NULL DEFAULT 0 CHECK (used_e4_mu >= 0 AND used_e4_mu <= area_e4_mu),
    -- R16: the end of the trade's publicity; NULL for a trade final at settlement.
    publicity_ends_at TEXT,
    annulled_at TEXT,
    CHECK (status NOT IN ('settled', 'annulled') OR settled_at IS NOT NULL),
    CHECK (status = 'settled' OR confirmation_no IS NULL),
    CHECK (status = 'settled' OR used_e4_mu = 0),
    CHECK (status <> 'annulled' OR annulled_at IS NOT NULL),
    CHECK (kind = 'award' OR (project_name IS NOT NULL AND project_use IS NOT NULL AND project_county_code IS NOT NULL))
);
INSERT INTO purchases_v10 (id, listing_id, buyer_id, seller_county_code, kind, area_e4_mu,
    farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, price_fen_per_mu, amount_fen, status,
    project_name, project_use, project_county_code, confirmation_no, bank_reference, created_at,
    expires_at, settled_at, ruleset_version, used_e4_mu)
SELECT id, listing_id, buyer_id, seller_county_code, kind, area_e4_mu, farmland_e4_mu,
    paddy_e4_mu, grain_capacity_kg, price_fen_per_mu, amount_fen, status, project_name,
    project_use, project_county_code, confirmation_no, bank_reference, created_at, expires_at,
    settled_at, ruleset_version, used_e4_mu
FROM purchases;
DROP TABLE purchases;
ALTER TABLE purchases_v10 RENAME TO purchases;
CREATE INDEX purchases_buyer ON purchases (buyer_id);
CREATE INDEX purchases_due ON purchases (status, expires_at);
CREATE INDEX purchases_seller ON purchases (seller_county_code, settled_at);
CREATE INDEX purchases_buyer_id ON purchases (buyer_id, id);
CREATE INDEX purchases_seller_id ON purchases (seller_county_code, id);
CREATE INDEX purchases_settled ON purchases (status, settled_at, id);
-- Trades whose publicity ends, for the scheduler.
CREATE INDEX purchases_publicity ON purchases (publicity_ends_at)
    WHERE status = 'settled' AND confirmation_no IS NULL;
CREATE TRIGGER proceeds_totals_on_final AFTER UPDATE OF confirmation_no ON purchases
WHEN NEW.status = 'settled' AND NEW.confirmation_no IS NOT NULL AND OLD.confirmation_no IS NULL
BEGIN
    INSERT INTO proceeds_totals (county_code, year, sold_e4_mu, amount_fen)
    VALUES (NEW.seller_county_code, CAST(strftime('%Y', NEW.settled_at, '+8 hours') AS INTEGER),
        NEW.area_e4_mu, NEW.amount_fen)
    ON CONFLICT (county_code, year) DO UPDATE SET
        sold_e4_mu = proceeds_totals.sold_e4_mu + excluded.sold_e4_mu,
        amount_fen = proceeds_totals.amount_fen + excluded.amount_fen;
END;
CREATE TRIGGER proceeds_totals_on_insert AFTER INSERT ON purchases
WHEN NEW.status = 'settled' AND NEW.confirmation_no IS NOT NULL
BEGIN
    INSERT INTO proceeds_totals (county_code, year, sold_e4_mu, amount_fen)
    VALUES (NEW.seller_county_code, CAST(strftime('%Y', NEW.settled_at, '+8 hours') AS INTEGER),
        NEW.area_e4_mu, NEW.amount_fen)
    ON CONFLICT (county_code, year) DO UPDATE SET
        sold_e4_mu = proceeds_totals.sold_e4_mu + excluded.sold_e4_mu,
        amount_fen = proceeds_totals.amount_fen + excluded.amount_fen;
END;
-- Objections (异议) to a trade in its publicity. The contact is never shown publicly.
CREATE TABLE IF NOT EXISTS objections (
    id INTEGER PRIMARY KEY,
    purchase_id INTEGER NOT NULL REFERENCES purchases (id),
    seller_county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    name TEXT NOT NULL,
    contact TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'dismissed', 'moot')),
    lodged_at TEXT NOT NULL,
    resolution TEXT,
    resolved_by TEXT,
    resolved_at TEXT,
    CHECK (status = 'open' OR resolved_at IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS objections_purchase ON objections (purchase_id, status);
CREATE INDEX IF NOT EXISTS objections_county ON objections (seller_county_code, status, id);
COMMIT;
PRAGMA foreign_keys = ON;
