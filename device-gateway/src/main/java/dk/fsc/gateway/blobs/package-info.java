/**
 * Files by SHA-256 in a folder or an S3-compatible bucket (photos); the service reads photos
 * through it.
 */
package dk.fsc.gateway.blobs;
