-- The finance reports over settled trades, at any size: the proceeds of a year summed from a
-- covering index (county, settlement time, area, amount: no table row is read), and the
-- trades export read in settlement order a page at a time.
CREATE INDEX purchases_proceeds ON purchases (seller_county_code, settled_at, area_e4_mu, amount_fen)
    WHERE status = 'settled';
CREATE INDEX purchases_settled ON purchases (settled_at, id) WHERE status = 'settled';
