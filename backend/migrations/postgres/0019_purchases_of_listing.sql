-- A listing's due reservations (read with the listing on every purchase, every page of
-- listings and every sweep) found by the listing itself: without it the reservations of every
-- listing were walked, and on PostgreSQL a plan cached while the table was small kept doing so
-- as it grew.
CREATE INDEX purchases_listing_due ON purchases (listing_id, status, expires_at);
