/**
 * HL7 FHIR R4 at {@code /fhir} (docs/fhir.md): the CapabilityStatement, Patient, Observation,
 * Media (wound photos) and DetectedIssue (alerts), each searched by patient and read, and Device, built with HAPI FHIR's R4 structures and written by its parser
 * from one {@code FhirContext}. Same sign-in, roles, organisation scope and access log as the API;
 * errors are OperationOutcomes. Uses patients, readings, photos, alerts (thresholds, alerts), devices, audit,
 * staff and platform.
 */
package dk.fsc.service.fhir;
