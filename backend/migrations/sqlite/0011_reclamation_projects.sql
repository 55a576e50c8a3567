-- Reclamation projects (复垦项目): where a county's quota comes from. Registered (备案) by the
-- county's bureau with planned figures, edited while registered, accepted (验收) with the
-- accepted figures and the acceptance data, which locks it. The surplus (节余指标) is the
-- reclaimed area less the area used locally (建新/安置); the CHECKs keep every part within its
-- whole whatever program writes.
CREATE TABLE reclamation_projects (
    id INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL REFERENCES jurisdictions (code),
    name TEXT NOT NULL,
    -- 备案号: one project per number, platform-wide.
    registration_no TEXT NOT NULL UNIQUE,
    township TEXT NOT NULL,
    village TEXT NOT NULL,
    reclaimed_e4_mu INTEGER NOT NULL CHECK (reclaimed_e4_mu > 0),
    farmland_e4_mu INTEGER NOT NULL CHECK (farmland_e4_mu >= 0 AND farmland_e4_mu <= reclaimed_e4_mu),
    paddy_e4_mu INTEGER NOT NULL CHECK (paddy_e4_mu >= 0 AND paddy_e4_mu <= farmland_e4_mu),
    grain_capacity_kg INTEGER NOT NULL CHECK (grain_capacity_kg >= 0),
    local_use_e4_mu INTEGER NOT NULL CHECK (local_use_e4_mu >= 0 AND local_use_e4_mu <= reclaimed_e4_mu),
    status TEXT NOT NULL CHECK (status IN ('registered', 'accepted')),
    accepted_on TEXT,
    acceptance_doc TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (status = 'registered' OR (accepted_on IS NOT NULL AND acceptance_doc IS NOT NULL))
);
CREATE INDEX reclamation_projects_county ON reclamation_projects (county_code, id);
