-- The marketplace: accounts and sessions, listings on both channels, purchases, idempotent
-- replays and the counters of confirmation numbers. Area in 1/10000 亩 (`_e4_mu`), money in 分
-- (`_fen`), times as UTC text written by the server.

-- Accounts. A county bureau acts for exactly one county.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    -- argon2id PHC string; never the password.
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'county_bureau', 'buyer', 'finance')),
    county_code TEXT REFERENCES jurisdictions (code),
    -- R11: governments and entities they authorise may bid on regional lots.
    regional_bidder INTEGER NOT NULL DEFAULT 0 CHECK (regional_bidder IN (0, 1)),
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL,
    CHECK (role <> 'county_bureau' OR county_code IS NOT NULL)
);

-- Sessions: a user may hold many. Only a SHA-256 of the cookie token is kept, so a copy of
-- the database does not hand out logins.
CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins per username, for throttling; cleared by a successful login.
CREATE TABLE login_failures (
    username TEXT PRIMARY KEY,
    failures INTEGER NOT NULL CHECK (failures > 0),
    first_failure_at TEXT NOT NULL
);

-- Listings on the county channel (fixed price, partial purchases) and the regional channel
-- (lots sold whole by bidding). `remaining_*` shrink with purchases and grow back when a
-- reservation expires or is cancelled; the CHECKs make overselling impossible.
CREATE TABLE listings (
    id INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    channel TEXT NOT NULL CHECK (channel IN ('county', 'regional')),
    status TEXT NOT NULL CHECK (status IN ('open', 'sold_out', 'withdrawn', 'expired',
                                           'scheduled', 'bidding', 'awarded', 'unsold')),
    area_e4_mu INTEGER NOT NULL CHECK (area_e4_mu > 0),
    remaining_e4_mu INTEGER NOT NULL CHECK (remaining_e4_mu >= 0 AND remaining_e4_mu <= area_e4_mu),
    farmland_e4_mu INTEGER NOT NULL CHECK (farmland_e4_mu >= 0 AND farmland_e4_mu <= area_e4_mu),
    remaining_farmland_e4_mu INTEGER NOT NULL CHECK (remaining_farmland_e4_mu >= 0),
    paddy_e4_mu INTEGER NOT NULL CHECK (paddy_e4_mu >= 0 AND paddy_e4_mu <= farmland_e4_mu),
    remaining_paddy_e4_mu INTEGER NOT NULL CHECK (remaining_paddy_e4_mu >= 0),
    grain_capacity_kg INTEGER NOT NULL CHECK (grain_capacity_kg >= 0),
    remaining_capacity_kg INTEGER NOT NULL CHECK (remaining_capacity_kg >= 0),
    -- County channel: the price; regional channel: the start price.
    price_fen_per_mu INTEGER NOT NULL CHECK (price_fen_per_mu > 0),
    start_total_fen INTEGER,
    deposit_fen INTEGER,
    source_project TEXT NOT NULL,
    township TEXT NOT NULL,
    advance INTEGER NOT NULL CHECK (advance IN (0, 1)),
    listed_at TEXT NOT NULL,
    opens_at TEXT,
    closes_at TEXT,
    -- R13: what the listing was checked against.
    ruleset_version TEXT NOT NULL,
    floor_effective_from TEXT,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX listings_county ON listings (county_code, status);

-- Purchases: a reservation holds area until settled, cancelled or expired.
CREATE TABLE purchases (
    id INTEGER PRIMARY KEY,
    listing_id INTEGER NOT NULL REFERENCES listings (id),
    buyer_id INTEGER NOT NULL REFERENCES users (id),
    seller_county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    area_e4_mu INTEGER NOT NULL CHECK (area_e4_mu > 0),
    farmland_e4_mu INTEGER NOT NULL CHECK (farmland_e4_mu >= 0),
    paddy_e4_mu INTEGER NOT NULL CHECK (paddy_e4_mu >= 0),
    grain_capacity_kg INTEGER NOT NULL CHECK (grain_capacity_kg >= 0),
    price_fen_per_mu INTEGER NOT NULL CHECK (price_fen_per_mu > 0),
    -- area × price, rounded half-up once (R9).
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    status TEXT NOT NULL CHECK (status IN ('reserved', 'settled', 'expired', 'cancelled')),
    project_name TEXT NOT NULL,
    project_use TEXT NOT NULL CHECK (project_use IN ('commercial', 'residential', 'industrial', 'public')),
    project_county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    -- 藤县〔2026〕第0001号, unique per seller county and year.
    confirmation_no TEXT UNIQUE,
    bank_reference TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    settled_at TEXT,
    ruleset_version TEXT NOT NULL,
    CHECK (status <> 'settled' OR (confirmation_no IS NOT NULL AND settled_at IS NOT NULL))
);
CREATE INDEX purchases_buyer ON purchases (buyer_id);
CREATE INDEX purchases_due ON purchases (status, expires_at);

-- The last confirmation number issued per seller county and year.
CREATE TABLE confirmation_counters (
    county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    year INTEGER NOT NULL,
    last_no INTEGER NOT NULL CHECK (last_no > 0),
    PRIMARY KEY (county_code, year)
);

-- Idempotency: the first answer to (user, key) is kept and replayed; the same key with
-- another body is refused. Written in the same transaction as the purchase.
CREATE TABLE idempotency_keys (
    user_id INTEGER NOT NULL REFERENCES users (id),
    idem_key TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
