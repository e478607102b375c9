/**
 * The Spark job ({@link io.github.modelparity.spark.ClassifyPictures}): pictures
 * read by {@code binaryFile}, classified a partition at a time with one Classifier per
 * executor JVM, written as rows. May use: the library's API, {@code commandline}, and the
 * SavedModel runtime at run time; never the tools.
 */
package io.github.modelparity.spark;
