/**
 * Telemedical wound assessment (docs/wounds.md): a citizen's wounds as records with their
 * measurements and photos, the citizen's consent to share them with a hospital, referrals of a
 * wound to a hospital wound clinic whose specialists see that wound (and nothing else of the
 * citizen) while the referral is open, their assessments with the next-working-day clock, and the
 * 14-day photo rhythm.
 */
package dk.fsc.service.wounds;
