/**
 * Device logistics of FSC: stock, models, device states and their transitions, loans, reminders
 * and reports. Uses tickets, audit and patients.
 */
package dk.fsc.service.logistics;
