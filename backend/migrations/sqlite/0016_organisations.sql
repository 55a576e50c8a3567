-- Parties (单位): the organisation, not the login, is the party to a trade. A company registers
-- itself online (organisation + first user) and stays `pending` until the regional
-- administrator approves it (审核) or rejects it with a reason the applicant sees; only an
-- approved organisation buys or bids. 统一社会信用代码 (GB 32100-2015) is checked by the server
-- and unique. The accounts that exist when this runs move to organisations below (approved, as
-- the administrator made them), their codes left for the administrator to complete.
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) > 0),
    -- NULL only for an organisation moved from an earlier account, until completed.
    uscc TEXT UNIQUE CHECK (uscc IS NULL OR length(uscc) = 18),
    kind TEXT NOT NULL CHECK (kind IN ('government', 'natural_resources', 'land_reserve', 'finance', 'enterprise', 'other')),
    county_code TEXT REFERENCES jurisdictions (code),
    legal_representative TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    address TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    -- The reviewer's reason, shown to the applicant (required on rejection).
    review_note TEXT,
    reviewed_by TEXT,
    reviewed_at TEXT,
    created_at TEXT NOT NULL,
    CHECK (status <> 'rejected' OR (review_note IS NOT NULL AND length(review_note) > 0))
);
CREATE INDEX organisations_status ON organisations (status, id);
ALTER TABLE users ADD COLUMN organisation_id INTEGER REFERENCES organisations (id);

-- Each county's bureau accounts become its 自然资源局; each buyer account an organisation of its
-- own (a government body when it was a regional bidder, R11), named by its login until the
-- administrator completes it. Staff accounts (administrator, finance, supervisor) are not
-- parties to trades and stay without one.
INSERT INTO organisations (name, uscc, kind, county_code, legal_representative, contact_name,
    contact_phone, address, status, review_note, reviewed_by, reviewed_at, created_at)
SELECT j.name || '自然资源局', NULL, 'natural_resources', j.code, '', '', '', '', 'approved',
    '由原县级自然资源局账号迁移', 'migration', MIN(u.created_at), MIN(u.created_at)
FROM users u JOIN jurisdictions j ON j.code = u.county_code
WHERE u.role = 'county_bureau'
GROUP BY j.code, j.name;
UPDATE users SET organisation_id = (SELECT o.id FROM organisations o
    WHERE o.kind = 'natural_resources' AND o.county_code = users.county_code)
WHERE role = 'county_bureau';
INSERT INTO organisations (name, uscc, kind, county_code, legal_representative, contact_name,
    contact_phone, address, status, review_note, reviewed_by, reviewed_at, created_at)
SELECT 'user:' || u.username, NULL, CASE WHEN u.regional_bidder THEN 'government' ELSE 'enterprise' END,
    NULL, '', '', '', '', 'approved', '由原购买方账号迁移，单位信息待补充', 'migration', u.created_at, u.created_at
FROM users u WHERE u.role = 'buyer';
UPDATE users SET organisation_id = (SELECT o.id FROM organisations o WHERE o.name = 'user:' || users.username
    AND o.reviewed_by = 'migration')
WHERE role = 'buyer';
UPDATE organisations SET name = substr(name, 6) WHERE reviewed_by = 'migration' AND name LIKE 'user:%';
