-- A stream's head takes the hash of the record it points at as that record is written, inside
-- the database: one statement fewer (one network round trip) for every audit record (each
-- purchase writes two).
CREATE FUNCTION audit_head_follows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_heads SET hash = NEW.hash WHERE stream = NEW.stream AND seq = NEW.seq;
    RETURN NULL;
END;
$$;
CREATE TRIGGER audit_head_follows AFTER INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_head_follows();
