-- The finance reports over settled trades, at any size:
-- - each county's settled sales per year (Asia/Shanghai) kept as a running total, so the
--   proceeds report and the allocation check read one row per county instead of summing every
--   trade. The database keeps it, by trigger, whichever program settles a trade (a server of
--   the previous version during a rolling upgrade included): a trade counts once, when it
--   becomes settled (a settlement is never undone). Existing trades are counted below, after
--   the triggers exist: creating them locks purchases against writes until this migration
--   commits, so no settlement falls between the count and the triggers.
-- - the trades export reads settled trades in settlement order a page at a time.
CREATE TABLE proceeds_totals (
    county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    year INTEGER NOT NULL,
    sold_e4_mu BIGINT NOT NULL CHECK (sold_e4_mu >= 0),
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (county_code, year)
);
CREATE FUNCTION proceeds_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO proceeds_totals (county_code, year, sold_e4_mu, amount_fen)
    VALUES (NEW.seller_county_code, CAST(EXTRACT(YEAR FROM NEW.settled_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER),
        NEW.area_e4_mu, NEW.amount_fen)
    ON CONFLICT (county_code, year) DO UPDATE SET
        sold_e4_mu = proceeds_totals.sold_e4_mu + EXCLUDED.sold_e4_mu,
        amount_fen = proceeds_totals.amount_fen + EXCLUDED.amount_fen;
    RETURN NULL;
END
$$;
CREATE TRIGGER proceeds_totals_on_settle AFTER UPDATE OF status ON purchases FOR EACH ROW
    WHEN (NEW.status = 'settled' AND OLD.status <> 'settled') EXECUTE FUNCTION proceeds_totals_add();
CREATE TRIGGER proceeds_totals_on_insert AFTER INSERT ON purchases FOR EACH ROW
    WHEN (NEW.status = 'settled') EXECUTE FUNCTION proceeds_totals_add();
INSERT INTO proceeds_totals (county_code, year, sold_e4_mu, amount_fen)
SELECT seller_county_code, CAST(EXTRACT(YEAR FROM settled_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER),
    SUM(area_e4_mu), SUM(amount_fen)
FROM purchases WHERE status = 'settled'
GROUP BY 1, 2;
CREATE INDEX purchases_settled ON purchases (status, settled_at, id);
