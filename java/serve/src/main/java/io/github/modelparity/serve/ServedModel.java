package io.github.modelparity.serve;

import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.Classifier;
import io.github.modelparity.PictureException;
import io.github.modelparity.PreparedPicture;
import io.github.modelparity.manifest.Manifest;
import io.github.modelparity.manifest.Recipe;
import java.util.List;
import java.util.Objects;

/**
 * The model a service serves: its name in the protocol, the shared {@link Classifier}, and
 * what the manifest says of its tensors. The Open Inference Protocol's inputs are the model's
 * own (FP32, [N, H, W, C], prepared by the caller) and {@value #PICTURE} (BYTES, encoded
 * pictures the service prepares); its outputs are the model's own (FP32, [N, units]),
 * {@value #PROBABILITIES} (FP32, [N, labels]) and {@value #LABEL} (BYTES, [N]).
 */
final class ServedModel {
    /** The input of encoded picture files (not "picture": the selfie model's own input is named so). */
    static final String PICTURE = "picture_file";
    /** The output of every label's probability, in the manifest's label order. */
    static final String PROBABILITIES = "probabilities";
    /** The output of the chosen label. */
    static final String LABEL = "label";
    /** The one version a served model has. */
    static final String VERSION = "1";

    private final String name;
    private final Classifier classifier;
    private final Manifest manifest;
    /** Bounds the pixels the requests decode at once ({@link #prepare}). */
    private final DecodeBudget decodes = new DecodeBudget();

    /**
     * @param name the model's name in the protocol
     * @param classifier the loaded model, shared by every worker; its owner closes it
     * @param manifest the manifest it was opened with (its tensor names and input range)
     */
    ServedModel(String name, Classifier classifier, Manifest manifest) {
        this.name = Objects.requireNonNull(name, "name");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.manifest = Objects.requireNonNull(manifest, "manifest");
    }

    String name() {
        return name;
    }

    Classifier classifier() {
        return classifier;
    }

    /**
     * A picture's bytes prepared as the model's input, within the service's bound on the
     * pixels decoded at once ({@link DecodeBudget}): a request over it waits.
     *
     * @throws PictureException if the bytes cannot be read as a picture
     */
    PreparedPicture prepare(String name, byte[] bytes) throws PictureException {
        return decodes.prepare(classifier, name, bytes);
    }

    int height() {
        return manifest.height();
    }

    int width() {
        return manifest.width();
    }

    int channels() {
        return manifest.channels();
    }

    /** @return the model's output units: 1 (a sigmoid) or one a label */
    int units() {
        return manifest.classes();
    }

    List<String> labels() {
        return manifest.labels();
    }

    /** @return the model's own input name, as the artifact being run names it */
    String inputName() {
        Manifest.Signature s = manifest.signature();
        String n = ArtifactFormat.SAVEDMODEL.equals(classifier.format()) ? s.input() : s.onnxInput();
        return n == null ? "input" : n;
    }

    /** @return the model's own output name, as the artifact being run names it */
    String outputName() {
        Manifest.Signature s = manifest.signature();
        String n = ArtifactFormat.SAVEDMODEL.equals(classifier.format()) ? s.output() : s.onnxOutput();
        return n == null ? "output" : n;
    }

    /** @return Triton's platform word for the artifact being run */
    String platform() {
        return ArtifactFormat.SAVEDMODEL.equals(classifier.format()) ? "tensorflow_savedmodel" : "onnxruntime_onnx";
    }

    /**
     * The model input's range per channel: where 0 and 255 in the picture land after the
     * recipe's rescale and normalisation, so a page can draw the prepared input back to 8 bits.
     *
     * @return {low, high} a channel
     */
    double[][] inputRange() {
        Recipe r = manifest.recipe();
        double factor = r == null ? 1.0 / 255 : r.doRescale() ? r.rescaleFactor() : 1;
        double[][] out = new double[channels()][];
        for (int c = 0; c < out.length; c++) {
            double low = 0;
            double high = 255 * factor;
            if (r != null && r.doNormalize()) {
                low = (low - r.mean()[c]) / r.std()[c];
                high = (high - r.mean()[c]) / r.std()[c];
            }
            out[c] = new double[] {low, high};
        }
        return out;
    }
}
