/**
 * The commands users run, installed by {@code gradle installDist} in
 * {@code build/install/selfie-classify/bin/}: {@code selfie-classify} ({@link
 * io.github.selfiedeploy.classify.tools.Main}), {@code selfie-classify-benchmark} ({@link
 * io.github.selfiedeploy.classify.tools.Benchmark}, with {@code PhotoBenchmark}) and
 * {@code selfie-classify-soak} ({@link io.github.selfiedeploy.classify.tools.Soak}). Not part
 * of the library: its users never get picocli. May use: everything of the library,
 * {@code commandline}, {@code tensorflow}.
 */
package io.github.selfiedeploy.classify.tools;
