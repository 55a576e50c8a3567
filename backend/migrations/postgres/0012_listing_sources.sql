-- Listings draw from stock (docs/DOMAIN.md, "Quota stock"). A listing names the reclamation
-- projects it offers and how much of each (listing_sources, in order); a project counts what its
-- listings hold (committed_e4_mu: listed + sold + landed). The listing's insert checks the
-- surplus with a conditional UPDATE in its own transaction; from then on a listing only ever
-- gives area back, and the triggers below do it whichever program ends the listing or returns
-- a trade's area: a listing that has ended (withdrawn, expired, unsold) holds what it sold
-- (area − remaining), a live or sold one all of its area; the holding fills the sources in
-- their order, so the last named is returned first.
ALTER TABLE reclamation_projects ADD COLUMN committed_e4_mu BIGINT NOT NULL DEFAULT 0
    CHECK (committed_e4_mu >= 0);

CREATE TABLE listing_sources (
    listing_id BIGINT NOT NULL REFERENCES listings (id),
    position INTEGER NOT NULL CHECK (position >= 0),
    project_id BIGINT NOT NULL REFERENCES reclamation_projects (id),
    area_e4_mu BIGINT NOT NULL CHECK (area_e4_mu > 0),
    held_e4_mu BIGINT NOT NULL CHECK (held_e4_mu >= 0 AND held_e4_mu <= area_e4_mu),
    -- Drawn on a registered project's planned surplus, before its acceptance (预支).
    advance BOOLEAN NOT NULL,
    PRIMARY KEY (listing_id, position),
    UNIQUE (listing_id, project_id)
);
CREATE INDEX listing_sources_project ON listing_sources (project_id, listing_id);

CREATE FUNCTION listing_sources_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reclamation_projects SET committed_e4_mu = committed_e4_mu + NEW.held_e4_mu - OLD.held_e4_mu
    WHERE id = NEW.project_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER listing_sources_commit AFTER UPDATE OF held_e4_mu ON listing_sources FOR EACH ROW
    WHEN (NEW.held_e4_mu <> OLD.held_e4_mu) EXECUTE FUNCTION listing_sources_commit();

CREATE FUNCTION listings_restock() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    target BIGINT := CASE WHEN NEW.status IN ('withdrawn', 'expired', 'unsold')
                          THEN NEW.area_e4_mu - NEW.remaining_e4_mu ELSE NEW.area_e4_mu END;
BEGIN
    -- The projects' row locks first, in the order of their ids, as a listing's draw takes
    -- them: no deadlock with a draw or an issue of serials on the same projects.
    PERFORM 1 FROM reclamation_projects
        WHERE id IN (SELECT project_id FROM listing_sources WHERE listing_id = NEW.id)
        ORDER BY id FOR UPDATE;
    UPDATE listing_sources AS t SET held_e4_mu = GREATEST(0, LEAST(t.area_e4_mu,
        target - (SELECT COALESCE(SUM(s.area_e4_mu), 0) FROM listing_sources s
                  WHERE s.listing_id = NEW.id AND s.position < t.position)))
    WHERE t.listing_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER listings_restock AFTER UPDATE OF status, remaining_e4_mu ON listings FOR EACH ROW
    WHEN (NEW.status IN ('withdrawn', 'expired', 'unsold') OR OLD.status IN ('withdrawn', 'expired', 'unsold'))
    EXECUTE FUNCTION listings_restock();
