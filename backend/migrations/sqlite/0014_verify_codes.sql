-- 核验码: a final trade's short code, printed on its 成交确认书 with a QR code, under which
-- anyone checks the confirmation (GET /api/v1/verify/{code}). Random, given with the number;
-- final trades from before get one here (hex digits, within the code's alphabet).
ALTER TABLE purchases ADD COLUMN verify_code TEXT;
UPDATE purchases SET verify_code = upper(substr(hex(randomblob(6)), 1, 12))
    WHERE confirmation_no IS NOT NULL;
CREATE UNIQUE INDEX purchases_verify_code ON purchases (verify_code) WHERE verify_code IS NOT NULL;
