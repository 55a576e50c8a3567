-- Rule versions (R13): each rule of the catalogue has versions with effective dates, the
-- parameters it sets (JSON: bid step, deposit, the 市辖区/岑溪 lists, the 脱贫县 marks, the
-- uses of proceeds, the payment period), a citation and a confirmed mark. Seeded by
-- `migrate`; the administrator adds versions and ends them, never edits one. A version whose
-- end falls before its start was superseded before it began and is never in force.
CREATE TABLE rule_versions (
    rule_id TEXT NOT NULL,
    version BIGINT NOT NULL CHECK (version > 0),
    effective_from DATE NOT NULL,
    effective_to DATE,
    confirmed BOOLEAN NOT NULL,
    citation TEXT NOT NULL,
    params TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    ended_by TEXT,
    ended_at TIMESTAMPTZ,
    PRIMARY KEY (rule_id, version)
);
-- A lot keeps the bid step of the R4 version in force when it was listed, for its whole life.
ALTER TABLE listings ADD COLUMN bid_step_fen BIGINT CHECK (bid_step_fen > 0);
-- The rule versions a bid and a use (落地) were checked against, as listings and trades have.
ALTER TABLE bids ADD COLUMN ruleset_version TEXT;
ALTER TABLE holding_uses ADD COLUMN ruleset_version TEXT;
