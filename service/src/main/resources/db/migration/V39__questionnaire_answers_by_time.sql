-- Retention removes questionnaire answers with their readings' limit (docs/operations.md, "Retention"): every
-- day it counts those older than the cutoff and deletes them in batches of 5 000, and the dry run
-- (GET /api/retention) counts them too. No index began with answered_at, so each of those read the whole
-- table, which grows with the readings. Answers arrive in about the order they were given: a BRIN index
-- (a few pages for millions of rows, nothing to maintain per insert beyond its range's summary) finds the
-- old ones without reading the rest.
CREATE INDEX questionnaire_answers_answered_at_brin ON questionnaire_answers USING brin (answered_at);
