package selfie.classify;
public final class Benchmark { public static void main(String[] a) {} }
