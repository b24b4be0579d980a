/**
 * The console of a hospital wound clinic's specialists (docs/wounds.md): the referrals to the
 * clinic with their answer clocks, and a referred wound's photos, measurements and earlier
 * assessments with the form to answer.
 */
package dk.fsc.service.console.clinic;
