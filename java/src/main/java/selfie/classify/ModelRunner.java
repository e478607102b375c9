package selfie.classify;

/**
 * One loaded model: float32 pictures [batch, height, width, channels] in, one
 * probability per picture out. Implementations are thread-safe for predict and close
 * every native tensor and result before returning.
 */
interface ModelRunner extends AutoCloseable {
    /** Writes batch probabilities into out[0..batch). pixels.length == batch * picture size. */
    void predict(float[] pixels, int batch, float[] out);

    @Override
    void close();
}
