-- A buyer's purchases are found by `purchases_buyer_id` (buyer_id, id), which pages them; the
-- older index on buyer_id alone served nothing that one does not, and every purchase wrote
-- both.
DROP INDEX IF EXISTS purchases_buyer;
