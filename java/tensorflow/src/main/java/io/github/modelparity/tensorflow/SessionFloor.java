package io.github.modelparity.tensorflow;

import java.util.Arrays;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * TensorFlow Java's own cost per call, apart from any model: one picture fed to a graph
 * holding a single Identity op, through the same session settings and call path as
 * {@link SavedModel}. What a SavedModel call costs beyond this is TensorFlow's
 * kernels, which no Java-side change can remove.
 */
public final class SessionFloor {
    private SessionFloor() {
    }

    /**
     * Times one picture's call on the Identity graph.
     *
     * @param height the picture's height
     * @param width its width
     * @param channels its channels
     * @param threads intra-op threads, as the SavedModel is run with
     * @param iterations calls timed, after as many warm-up calls
     * @return the p50 of the timed calls, in milliseconds
     */
    public static double p50Ms(long height, long width, long channels, int threads, int iterations) {
        float[] pixels = new float[(int) (height * width * channels)];
        Shape shape = Shape.of(1, height, width, channels);
        try (Graph graph = new Graph(); Session session = new Session(graph, SavedModel.sessionConfig(threads))) {
            Ops tf = Ops.create(graph);
            Operand<TFloat32> picture = tf.placeholder(TFloat32.class);
            Output<TFloat32> copy = tf.identity(picture).output();
            long[] t = new long[iterations];
            for (int round = 0; round < 2; round++) { // the first round warms up
                for (int i = 0; i < iterations; i++) {
                    long start = System.nanoTime();
                    try (TFloat32 input = TFloat32.tensorOf(shape, DataBuffers.of(pixels, true, false));
                         Result result = session.runner().feed(picture, input).fetch(copy).run()) {
                        result.get(0);
                    }
                    t[i] = System.nanoTime() - start;
                }
            }
            Arrays.sort(t);
            return t[iterations / 2] / 1e6;
        }
    }
}
