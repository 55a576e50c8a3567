-- Plot boundaries of reclamation projects (复垦地块): uploaded as GeoJSON by the county's
-- bureau, each plot's geodesic area computed by the server (WGS 84 ellipsoid) and kept in
-- 0.0001 亩; the project keeps their sum, so a register shows which projects' plots add up to
-- more than the tolerance away from the reclaimed area. An upload replaces all of a project's plots.
ALTER TABLE reclamation_projects ADD COLUMN plots_e4_mu BIGINT CHECK (plots_e4_mu IS NULL OR plots_e4_mu >= 0);
CREATE TABLE project_plots (
    project_id BIGINT NOT NULL REFERENCES reclamation_projects (id),
    position INTEGER NOT NULL CHECK (position >= 0),
    name TEXT NOT NULL,
    area_e4_mu BIGINT NOT NULL CHECK (area_e4_mu >= 0),
    -- The plot's polygons as GeoJSON coordinates: [[[[lon, lat], …], …], …].
    geometry TEXT NOT NULL,
    PRIMARY KEY (project_id, position)
);
