-- A referral's clock (docs/wounds.md) is met or late by the answer to the question standing. Until V40 it
-- took the referral's newest answer, whatever question it answered: a referral asked again and closed
-- without a new answer showed the earlier answer's clock ("met"), as if the new question had been answered
-- in time. answered_at is the moment the question standing was answered: set by the answer, cleared when
-- the nurse asks again.
--
-- Referrals from before V40: their newest answer, unless the nurse asked again after it (each asking is a
-- line 'ask clinic again' in the citizen's access log, its detail the referral; found by the log's patient
-- index) or the referral is open (asked again, waiting).
ALTER TABLE wound_referrals ADD COLUMN answered_at timestamptz;
UPDATE wound_referrals r
   SET answered_at = a.last_answer
  FROM (SELECT referral_id, max(assessed_at) AS last_answer FROM wound_assessments GROUP BY referral_id) a
 WHERE a.referral_id = r.id AND r.status <> 'open'
   AND NOT EXISTS (SELECT 1 FROM access_log l
                    WHERE l.patient_id = r.patient_id AND l.at > a.last_answer AND l.action = 'ask clinic again'
                      AND l.detail = r.id::text);
