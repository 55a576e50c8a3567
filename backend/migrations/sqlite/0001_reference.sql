-- Reference data: county-level units, the regional floor versions, a key/value table for
-- one-off markers. Money is stored as integer 分 and named so (`_fen`); dates as ISO text.

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
    poverty_alleviated INTEGER NOT NULL CHECK (poverty_alleviated IN (0, 1)),
    poverty_status_confirmed INTEGER NOT NULL CHECK (poverty_status_confirmed IN (0, 1)),
    -- Which Wuzhou land clause applies to projects located here (R6/R7).
    project_rule TEXT NOT NULL CHECK (project_rule IN ('none', 'must_buy', 'must_buy_regional_poverty')),
    -- The county's base guidance price (R1); NULL until the bureau sets one, and while NULL
    -- its county-channel listings are refused (R2).
    base_price_fen_per_mu INTEGER CHECK (base_price_fen_per_mu > 0),
    base_price_set_at TEXT
);

-- Versions of the regional floor; the one in force on a day is the latest not after it.
CREATE TABLE floor_versions (
    id INTEGER PRIMARY KEY,
    price_fen_per_mu INTEGER NOT NULL CHECK (price_fen_per_mu > 0),
    effective_from TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- One-off markers, e.g. that the demo data set has been loaded.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
