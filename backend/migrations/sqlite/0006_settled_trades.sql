-- The finance reports over settled trades, at any size:
-- - each county's settled sales per year (Asia/Shanghai) kept as a running total, so the
--   proceeds report and the allocation check read one row per county instead of summing every
--   trade. The database keeps it, by trigger, whichever program settles a trade (a server of
--   the previous version during a rolling upgrade included): a trade counts once, when it
--   becomes settled (a settlement is never undone). Existing trades are counted below.
-- - the trades export reads settled trades in settlement order a page at a time.
CREATE TABLE proceeds_totals (
    county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    year INTEGER NOT NULL,
    sold_e4_mu INTEGER NOT NULL CHECK (sold_e4_mu >= 0),
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (county_code, year)
);
CREATE TRIGGER proceeds_totals_on_settle AFTER UPDATE OF status ON purchases
WHEN NEW.status = 'settled' AND OLD.status <> 'settled'
BEGIN
    INSERT INTO proceeds_totals (county_code, year, sold_e4_mu, amount_fen)
    VALUES (NEW.seller_county_code, CAST(strftime('%Y', NEW.settled_at, '+8 hours') AS INTEGER),
        NEW.area_e4_mu, NEW.amount_fen)
    ON CONFLICT (county_code, year) DO UPDATE SET
        sold_e4_mu = proceeds_totals.sold_e4_mu + excluded.sold_e4_mu,
        amount_fen = proceeds_totals.amount_fen + excluded.amount_fen;
END;
CREATE TRIGGER proceeds_totals_on_insert AFTER INSERT ON purchases
WHEN NEW.status = 'settled'
BEGIN
    INSERT INTO proceeds_totals (county_code, year, sold_e4_mu, amount_fen)
    VALUES (NEW.seller_county_code, CAST(strftime('%Y', NEW.settled_at, '+8 hours') AS INTEGER),
        NEW.area_e4_mu, NEW.amount_fen)
    ON CONFLICT (county_code, year) DO UPDATE SET
        sold_e4_mu = proceeds_totals.sold_e4_mu + excluded.sold_e4_mu,
        amount_fen = proceeds_totals.amount_fen + excluded.amount_fen;
END;
INSERT INTO proceeds_totals (county_code, year, sold_e4_mu, amount_fen)
SELECT seller_county_code, CAST(strftime('%Y', settled_at, '+8 hours') AS INTEGER), SUM(area_e4_mu), SUM(amount_fen)
FROM purchases WHERE status = 'settled'
GROUP BY seller_county_code, CAST(strftime('%Y', settled_at, '+8 hours') AS INTEGER);
CREATE INDEX purchases_settled ON purchases (status, settled_at, id);
