-- Reference data: county-level units, the regional floor versions, a key/value table for
-- one-off markers. Money is stored as integer 分 and named so (`_fen`).

-- County-level units (GB/T 2260). Loaded by `migrate` from the shared crate's default data
-- set and editable by the administrator; the 脱贫县 flag carries its confirmation mark (R14).
CREATE TABLE jurisdictions (
    code TEXT PRIMARY KEY CHECK (length(code) = 6),
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    -- R7 treats 市辖区 differently from counties.
    kind TEXT NOT NULL CHECK (kind IN ('district', 'county', 'county_city')),
    city_code TEXT NOT NULL,
    city_name TEXT NOT NULL,
    poverty_alleviated BOOLEAN NOT NULL,
    poverty_status_confirmed BOOLEAN NOT NULL,
    -- Which Wuzhou land clause applies to projects located here (R6/R7).
    project_rule TEXT NOT NULL CHECK (project_rule IN ('none', 'must_buy', 'must_buy_regional_poverty')),
    -- The county's base guidance price (R1); NULL until the bureau sets one, and while NULL
    -- its county-channel listings are refused (R2).
    base_price_fen_per_mu BIGINT CHECK (base_price_fen_per_mu > 0),
    base_price_set_at TIMESTAMPTZ
);

-- Versions of the regional floor; the one in force on a day is the latest not after it.
CREATE TABLE floor_versions (
    id BIGSERIAL PRIMARY KEY,
    price_fen_per_mu BIGINT NOT NULL CHECK (price_fen_per_mu > 0),
    effective_from DATE NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One-off markers, e.g. that the demo data set has been loaded.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
