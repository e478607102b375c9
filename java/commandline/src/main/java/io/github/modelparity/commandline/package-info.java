/**
 * What every command of the project shares (the tools and the Spark job): picocli set up
 * once ({@link io.github.modelparity.commandline.CommandLines}), --format's values
 * from the runtimes on the class path, --version, and the lines and JSON a classification is
 * printed as. Not published; the library never depends on it. May use: the library's API and
 * runtime packages, picocli, Jackson.
 */
package io.github.modelparity.commandline;
