package io.github.modelparity.runtime;

/**
 * One loaded model: float32 pictures [batch, height, width, channels] in, float32
 * [batch, classes] out (one sigmoid unit, or a softmax over the labels). Implementations are thread-safe for predict and close
 * every native tensor and result before returning.
 */
public interface LoadedModel extends AutoCloseable {
    /**
     * Runs the model on prepared pictures.
     *
     * @param pixels batch pictures of height * width * channels floats, row-major
     * @param batch how many pictures pixels holds
     * @param out receives the model's output, row-major: batch times the output's units, which
     *            is out.length
     * @throws IllegalStateException if the runtime fails or answers with another number of values
     */
    void predict(float[] pixels, int batch, float[] out);

    /** Frees the native model; called once, after every call to predict has returned. */
    @Override
    void close();
}
