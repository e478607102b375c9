/**
 * The commands users run, installed by {@code gradle installDist} in
 * {@code build/install/modelparity-java/bin/}: {@code modelparity-java} ({@link
 * io.github.modelparity.tools.Main}), {@code modelparity-java-benchmark} ({@link
 * io.github.modelparity.tools.Benchmark}, with {@code PhotoBenchmark}) and
 * {@code modelparity-java-soak} ({@link io.github.modelparity.tools.Soak}). Not part
 * of the library: its users never get picocli. May use: everything of the library,
 * {@code commandline}, {@code tensorflow}.
 */
package io.github.modelparity.tools;
