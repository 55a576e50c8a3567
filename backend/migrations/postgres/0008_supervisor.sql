-- The supervisor role (监督: 纪检/审计 read everything, write nothing).
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'county_bureau', 'buyer', 'finance', 'supervisor'));
