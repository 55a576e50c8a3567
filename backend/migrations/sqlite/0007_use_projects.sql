-- A use (落地) names its whole project: name, use and county, so the rules of the day (R6–R8)
-- can be applied at filing and the bureau of the project's county sees uses of awarded quota.
-- Filings recorded before this carry their purchase's project where there is one.
ALTER TABLE holding_uses ADD COLUMN project_use TEXT
    CHECK (project_use IN ('commercial', 'residential', 'industrial', 'public'));
ALTER TABLE holding_uses ADD COLUMN project_county_code TEXT REFERENCES jurisdictions (code);
UPDATE holding_uses SET
    project_name = COALESCE(project_name,
        (SELECT p.project_name FROM purchases p WHERE p.id = holding_uses.purchase_id)),
    project_use = (SELECT p.project_use FROM purchases p WHERE p.id = holding_uses.purchase_id),
    project_county_code = (SELECT p.project_county_code FROM purchases p WHERE p.id = holding_uses.purchase_id)
WHERE EXISTS (SELECT 1 FROM purchases p WHERE p.id = holding_uses.purchase_id AND p.project_county_code IS NOT NULL);
CREATE INDEX holding_uses_project_county ON holding_uses (project_county_code, purchase_id);
