/**
 * Wound photos the gateway stored: listing and serving them to care staff of the patient's
 * organisation. Uses the gateway's blob store, patients and audit.
 */
package dk.fsc.service.photos;
