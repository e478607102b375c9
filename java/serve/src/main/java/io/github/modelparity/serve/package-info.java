/**
 * modelparity-java serve: one {@link io.github.modelparity.Classifier} behind an HTTP
 * service on Jetty. {@code POST /v1/classify} takes a picture's bytes; KServe's Open Inference
 * Protocol (V2) over REST, with the binary tensor extension, takes prepared tensors or encoded
 * pictures; {@code /metrics} is Prometheus's text format; {@code /} is a page to try it.
 */
package io.github.modelparity.serve;
