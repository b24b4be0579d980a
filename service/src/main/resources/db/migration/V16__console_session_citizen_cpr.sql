-- A citizen's console session keeps the CPR number they signed in with (the provider's claim), so
-- their pages can find their data as the API finds it from the bearer token's claim. Encrypted
-- with the CPR key (CprCipher), like patients.cpr_encrypted; null for staff. Deleted with the
-- session at sign-out or after FSC_CONSOLE_IDLE.
ALTER TABLE console_sessions ADD COLUMN cpr_encrypted bytea;
COMMENT ON COLUMN console_sessions.cpr_encrypted IS 'A citizen''s CPR number, encrypted (CprCipher); null for staff';
