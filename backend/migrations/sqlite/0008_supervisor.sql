-- no-transaction
-- The supervisor role (监督: 纪检/审计 read everything, write nothing). SQLite cannot change a
-- CHECK constraint in place, so the accounts table is rebuilt by SQLite's documented
-- procedure: foreign keys off, the copy inside one transaction, foreign keys on again. The
-- rows keep their ids, so every reference to an account still holds; a crash before COMMIT
-- leaves the old table as it was and the migration runs again.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_v8 (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    -- argon2id PHC string; never the password.
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'county_bureau', 'buyer', 'finance', 'supervisor')),
    county_code TEXT REFERENCES jurisdictions (code),
    -- R11: governments and entities they authorise may bid on regional lots.
    regional_bidder INTEGER NOT NULL DEFAULT 0 CHECK (regional_bidder IN (0, 1)),
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    CHECK (role <> 'county_bureau' OR county_code IS NOT NULL)
);
INSERT INTO users_v8 (id, username, password_hash, role, county_code, regional_bidder, disabled,
    created_at, must_change_password)
SELECT id, username, password_hash, role, county_code, regional_bidder, disabled, created_at,
    must_change_password
FROM users;
DROP TABLE users;
ALTER TABLE users_v8 RENAME TO users;
COMMIT;
PRAGMA foreign_keys = ON;
