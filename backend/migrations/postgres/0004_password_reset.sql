-- An administrator's password reset: the account must choose its own password at its next
-- login before it can do anything else.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
