-- Serial numbers (docs/DOMAIN.md, "Serial numbers"): every 0.0001 亩 of a project's surplus is
-- one unit, numbered from 1 in the order the project's quota is sold. A trade receives its
-- runs of units when it becomes final (numbered), from its listing's sources in their order:
-- a final trade is never undone, so each project's issued units are 1..serial_cursor and each
-- source's issued part is the front of what it offered. A use (落地) retires the holding's
-- units in order (holding_uses.used_before_e4_mu is where it starts), so runs are never
-- rewritten: this table only grows.
ALTER TABLE reclamation_projects ADD COLUMN serial_cursor BIGINT NOT NULL DEFAULT 0
    CHECK (serial_cursor >= 0);
ALTER TABLE listing_sources ADD COLUMN issued_e4_mu BIGINT NOT NULL DEFAULT 0
    CHECK (issued_e4_mu >= 0 AND issued_e4_mu <= area_e4_mu);

CREATE TABLE serial_ranges (
    id BIGSERIAL PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES reclamation_projects (id),
    first_unit BIGINT NOT NULL CHECK (first_unit >= 1),
    last_unit BIGINT NOT NULL CHECK (last_unit >= first_unit),
    purchase_id BIGINT NOT NULL REFERENCES purchases (id),
    listing_id BIGINT NOT NULL REFERENCES listings (id),
    UNIQUE (project_id, first_unit)
);
CREATE INDEX serial_ranges_purchase ON serial_ranges (purchase_id, id);
