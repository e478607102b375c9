/**
 * Internal: manifest.json read into a record (input size, preprocessing, labels, threshold,
 * signature, artifacts) and each artifact's sha256 checked by the manifest's digest_rule
 * before anything loads it. May use: the API package's exceptions, Jackson.
 */
package io.github.modelparity.manifest;
