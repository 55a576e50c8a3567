-- Publicity (R16): a settled trade is published for objections and becomes final — numbered,
-- usable, counted in the proceeds — only when its publicity ends with no objection open; an
-- upheld objection annuls it. A settled trade may now be without its number, and a purchase
-- may be annulled. The proceeds total counts a trade once, when it gets its number.
ALTER TABLE purchases DROP CONSTRAINT purchases_status_check;
ALTER TABLE purchases ADD CONSTRAINT purchases_status_check
    CHECK (status IN ('reserved', 'settled', 'expired', 'cancelled', 'annulled'));
ALTER TABLE purchases DROP CONSTRAINT purchases_check;
ALTER TABLE purchases ADD COLUMN publicity_ends_at TIMESTAMPTZ;
ALTER TABLE purchases ADD COLUMN annulled_at TIMESTAMPTZ;
ALTER TABLE purchases ADD CONSTRAINT purchases_settled_at_check
    CHECK (status NOT IN ('settled', 'annulled') OR settled_at IS NOT NULL);
ALTER TABLE purchases ADD CONSTRAINT purchases_number_when_settled
    CHECK (status = 'settled' OR confirmation_no IS NULL);
ALTER TABLE purchases ADD CONSTRAINT purchases_used_when_settled
    CHECK (status = 'settled' OR used_e4_mu = 0);
ALTER TABLE purchases ADD CONSTRAINT purchases_annulled_at_check
    CHECK (status <> 'annulled' OR annulled_at IS NOT NULL);
CREATE INDEX purchases_publicity ON purchases (publicity_ends_at)
    WHERE status = 'settled' AND confirmation_no IS NULL;
DROP TRIGGER proceeds_totals_on_settle ON purchases;
DROP TRIGGER proceeds_totals_on_insert ON purchases;
CREATE TRIGGER proceeds_totals_on_final AFTER UPDATE OF confirmation_no ON purchases FOR EACH ROW
    WHEN (NEW.status = 'settled' AND NEW.confirmation_no IS NOT NULL AND OLD.confirmation_no IS NULL)
    EXECUTE FUNCTION proceeds_totals_add();
CREATE TRIGGER proceeds_totals_on_insert AFTER INSERT ON purchases FOR EACH ROW
    WHEN (NEW.status = 'settled' AND NEW.confirmation_no IS NOT NULL)
    EXECUTE FUNCTION proceeds_totals_add();
-- Objections (异议) to a trade in its publicity. The contact is never shown publicly.
CREATE TABLE objections (
    id BIGSERIAL PRIMARY KEY,
    purchase_id BIGINT NOT NULL REFERENCES purchases (id),
    seller_county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    name TEXT NOT NULL,
    contact TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'dismissed', 'moot')),
    lodged_at TIMESTAMPTZ NOT NULL,
    resolution TEXT,
    resolved_by TEXT,
    resolved_at TIMESTAMPTZ,
    CHECK (status = 'open' OR resolved_at IS NOT NULL)
);
CREATE INDEX objections_purchase ON objections (purchase_id, status);
CREATE INDEX objections_county ON objections (seller_county_code, status, id);
