-- The finance reports over settled trades, at any size:
-- - each county's settled sales per year (Asia/Shanghai) kept as a running total, added to in
--   the settlement's own transaction (a settlement is never undone), so the proceeds report and
--   the allocation check read one row per county instead of summing every trade;
-- - the trades export reads settled trades in settlement order a page at a time.
CREATE TABLE proceeds_totals (
    county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    year INTEGER NOT NULL,
    sold_e4_mu BIGINT NOT NULL CHECK (sold_e4_mu >= 0),
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (county_code, year)
);
INSERT INTO proceeds_totals (county_code, year, sold_e4_mu, amount_fen)
SELECT seller_county_code, CAST(EXTRACT(YEAR FROM settled_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER),
    SUM(area_e4_mu), SUM(amount_fen)
FROM purchases WHERE status = 'settled'
GROUP BY 1, 2;
CREATE INDEX purchases_settled ON purchases (status, settled_at, id);
