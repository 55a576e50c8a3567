-- Lists are read a page at a time (newest first, after a cursor): an index per keyset, so a
-- page costs its own rows, not the whole table.
CREATE INDEX listings_listed ON listings (listed_at, id);
CREATE INDEX listings_county_listed ON listings (county_code, listed_at, id);
CREATE INDEX listings_status_listed ON listings (status, listed_at, id);
CREATE INDEX purchases_buyer_id ON purchases (buyer_id, id);
CREATE INDEX purchases_seller_id ON purchases (seller_county_code, id);
