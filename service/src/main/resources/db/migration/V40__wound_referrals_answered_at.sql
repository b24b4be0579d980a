-- A referral's clock (docs/wounds.md) is met or late by the answer to the question standing. Until V40 it
-- took the referral's newest answer, whatever question it answered: a referral asked again and closed
-- without a new answer showed the earlier answer's clock ("met"), as if the new question had been answered
-- in time. answered_at is the moment the question standing was answered: set by the answer, cleared when
-- the nurse asks again.
--
-- Referrals from before V40: their newest answer, except an open one's (asked again since). A referral
-- asked again and closed unanswered before V40 cannot be told from one closed after its answer; its clock
-- reads as it did.
ALTER TABLE wound_referrals ADD COLUMN answered_at timestamptz;
UPDATE wound_referrals r
   SET answered_at = (SELECT max(a.assessed_at) FROM wound_assessments a WHERE a.referral_id = r.id)
 WHERE r.status <> 'open';
