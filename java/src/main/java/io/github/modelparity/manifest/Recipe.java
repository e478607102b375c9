package io.github.modelparity.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.modelparity.ArtifactException;
import io.github.modelparity.UnsupportedModelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifest's preprocessing (versions 3 and 4), in Hugging Face's words, as the Java side
 * reads it: colour, resize to a size or a shortest edge with Pillow's filter, centre crop,
 * rescale, per-channel normalisation, and the route. The same fields
 * python.data.preprocessing.Preprocessing writes; anything else is refused in one line naming
 * the field, never approximated.
 *
 * <p>Two routes (version 4's reducing_gap). The faithful one (reducing_gap null), Hugging
 * Face's: the whole picture decoded, converted as Pillow's Image.convert does (alpha dropped),
 * resized by Pillow's 8-bit resampling. The fast one (reducing_gap 2.0; every version 3
 * manifest, which has no such field): alpha over white, the box step, a float resize, and with
 * draft a large JPEG decoded reduced (at the largest of draft_scales that keeps reduce_to
 * times the reduce side, as libjpeg-turbo's scaled decoding gives it to Pillow's draft).
 *
 * @param channels 1 (grey) or 3 (RGB)
 * @param doResize whether the picture is resized
 * @param size the resize target
 * @param resample Pillow's filter number: 2 bilinear, 3 bicubic
 * @param doCenterCrop whether the resized picture is cropped at its centre
 * @param cropSize the crop's height and width (null without a crop)
 * @param doRescale whether values are multiplied by rescaleFactor
 * @param rescaleFactor each value becomes (float) (value * rescaleFactor)
 * @param doNormalize whether (value - mean) / std is taken per channel
 * @param mean per channel, as float32 (empty without normalisation)
 * @param std per channel, as float32 (empty without normalisation)
 * @param reduceTo the box step leaves at least reduceTo times {@link #reduceSide()}
 * @param faithful the faithful route (reducing_gap null); false: the fast route
 * @param draft on the fast route, whether a large JPEG may be decoded reduced (always false on
 *              the faithful route)
 * @param draftScales the scale denominators a large JPEG may be decoded at
 *                    (draft_scales): some of 8, 4 and 2, largest first; a JPEG stored as W x H
 *                    comes at the first s with min(W, H) &gt;= s * reduceTo * {@link #reduceSide()}
 */
public record Recipe(int channels, boolean doResize, Size size, int resample, boolean doCenterCrop,
                     Size cropSize, boolean doRescale, double rescaleFactor, boolean doNormalize,
                     float[] mean, float[] std, int reduceTo, boolean faithful, boolean draft,
                     List<Integer> draftScales) {
    /** The fast route's box step in Pillow's words (Image.resize's reducing_gap): the only gap implemented. */
    public static final double REDUCING_GAP = 2.0;
    /** The draft scales a manifest may name (draft_scales), largest first. */
    public static final List<Integer> DRAFT_SCALES = List.of(8, 4, 2);
    /** libjpeg's largest DCT scaling: the draft scale of a manifest without draft_scales (its jpeg_dc_scale). */
    public static final int JPEG_DC_SCALE = 8;

    /**
     * @throws IllegalArgumentException for draft on the faithful route, or draft scales that
     *         are not some of 8, 4 and 2, largest first
     */
    public Recipe {
        if (faithful && draft) {
            throw new IllegalArgumentException("draft decoding is part of the fast route, not the faithful one");
        }
        if (!someScales(draftScales)) {
            throw new IllegalArgumentException("draftScales " + draftScales + " is not some of " + DRAFT_SCALES
                    + ", largest first");
        }
        draftScales = List.copyOf(draftScales);
    }

    /**
     * A recipe on the fast route with draft decoding at 1/8 alone: what a version 3 manifest
     * means.
     *
     * @param channels 1 (grey) or 3 (RGB)
     * @param doResize whether the picture is resized
     * @param size the resize target
     * @param resample Pillow's filter number: 2 bilinear, 3 bicubic
     * @param doCenterCrop whether the resized picture is cropped at its centre
     * @param cropSize the crop's height and width (null without a crop)
     * @param doRescale whether values are multiplied by rescaleFactor
     * @param rescaleFactor each value becomes (float) (value * rescaleFactor)
     * @param doNormalize whether (value - mean) / std is taken per channel
     * @param mean per channel, as float32 (empty without normalisation)
     * @param std per channel, as float32 (empty without normalisation)
     * @param reduceTo the box step leaves at least reduceTo times {@link #reduceSide()}
     */
    public Recipe(int channels, boolean doResize, Size size, int resample, boolean doCenterCrop, Size cropSize,
                  boolean doRescale, double rescaleFactor, boolean doNormalize, float[] mean, float[] std,
                  int reduceTo) {
        this(channels, doResize, size, resample, doCenterCrop, cropSize, doRescale, rescaleFactor, doNormalize,
                mean, std, reduceTo, false, true, List.of(JPEG_DC_SCALE));
    }

    /**
     * Hugging Face's size: height and width, or a shortest edge alone (0 where absent).
     *
     * @param height the target height, or 0
     * @param width the target width, or 0
     * @param shortestEdge the shorter side's target, or 0
     */
    public record Size(int height, int width, int shortestEdge) {
    }

    /**
     * (height, width) of the resize step for an upright picture of width x height: the size,
     * or the shortest edge scaled to shortestEdge and the long one to int(s * long / short),
     * as Hugging Face computes it (the product exact, then one double division).
     *
     * @param width the picture's full width
     * @param height the picture's full height
     * @return {height, width}
     */
    public int[] resizeTo(int width, int height) {
        if (size.shortestEdge() == 0) {
            return new int[] {size.height(), size.width()};
        }
        int s = size.shortestEdge();
        boolean portrait = width <= height;
        int shorter = portrait ? width : height;
        int longer = portrait ? height : width;
        int newLong = (int) ((double) ((long) s * longer) / shorter);
        return portrait ? new int[] {newLong, s} : new int[] {s, newLong};
    }

    /** @return the side the box step keeps reduceTo times of: max(height, width), or the shortest edge; 0 without a resize */
    public int reduceSide() {
        if (!doResize) {
            return 0;
        }
        return size.shortestEdge() > 0 ? size.shortestEdge() : Math.max(size.height(), size.width());
    }

    /** @return {height, width} of the model input this recipe makes */
    public int[] outputSize() {
        Size last = doCenterCrop ? cropSize : size;
        return new int[] {last.height(), last.width()};
    }

    /**
     * Reads the manifest's preprocessing object.
     *
     * @param pre the "preprocessing" object of manifest.json
     * @param file names the manifest in errors
     * @return the recipe
     * @throws UnsupportedModelException for a colour or filter this library does not implement
     * @throws ArtifactException for a field that is missing or not what it should be
     */
    public static Recipe read(JsonNode pre, Path file) {
        String color = pre.path("color").asText();
        int channels = switch (color) {
            case "grey" -> 1;
            case "rgb" -> 3;
            default -> throw new UnsupportedModelException(file + ": preprocessing.color '" + color
                    + "' is not supported by this modelparity (grey or rgb)");
        };
        boolean doResize = flag(pre, "do_resize", file);
        Size size = size(pre.get("size"), "size", file, doResize);
        int resample = pre.path("resample").asInt(-1);
        if (doResize && resample != 2 && resample != 3) {
            throw new UnsupportedModelException(file + ": preprocessing.resample " + pre.get("resample")
                    + " is not supported by this modelparity (2 bilinear or 3 bicubic)");
        }
        boolean doCrop = flag(pre, "do_center_crop", file);
        Size crop = doCrop ? size(pre.get("crop_size"), "crop_size", file, true) : null;
        if (doCrop && (crop.height() == 0 || crop.width() == 0)) {
            throw new ArtifactException(file + ": preprocessing.crop_size needs height and width");
        }
        boolean doRescale = flag(pre, "do_rescale", file);
        double factor = pre.path("rescale_factor").asDouble(Double.NaN);
        if (doRescale && !(factor > 0)) {
            throw new ArtifactException(file + ": preprocessing.rescale_factor missing or not a positive number");
        }
        boolean doNormalize = flag(pre, "do_normalize", file);
        float[] mean = doNormalize ? perChannel(pre.get("image_mean"), "image_mean", channels, file) : new float[0];
        float[] std = doNormalize ? perChannel(pre.get("image_std"), "image_std", channels, file) : new float[0];
        int reduceTo = pre.path("reduce_to").asInt(2);
        boolean faithful = faithful(pre, file);
        JsonNode d = pre.get("draft");
        if (d != null && !d.isBoolean()) {
            throw new ArtifactException(file + ": preprocessing.draft is not true or false");
        }
        boolean draft = d == null ? !faithful : d.asBoolean(); // absent (version 3): the fast route's draft
        if (faithful && draft) {
            throw new ArtifactException(file + ": preprocessing.draft true needs reducing_gap " + REDUCING_GAP
                    + " (draft decoding is part of the fast route)");
        }
        List<Integer> scales = draftScales(pre, file);
        return new Recipe(channels, doResize, size, resample, doCrop, crop, doRescale, factor, doNormalize,
                mean, std, reduceTo, faithful, draft, scales);
    }

    /**
     * draft_scales: a list of some of 8, 4 and 2, largest first (strictly descending, not
     * empty), as python.data.preprocessing.check_draft_scales takes it. Absent (version 3
     * manifests, and version 4 ones written before it), the one scale there was:
     * [jpeg_dc_scale], which is [8].
     */
    private static List<Integer> draftScales(JsonNode pre, Path file) {
        JsonNode v = pre.get("draft_scales");
        List<JsonNode> items = new ArrayList<>();
        if (v == null) {
            JsonNode dc = pre.get("jpeg_dc_scale");
            if (dc == null) {
                return List.of(JPEG_DC_SCALE);
            }
            items.add(dc);
        } else if (v.isArray()) {
            v.forEach(items::add);
        }
        List<Integer> scales = new ArrayList<>();
        for (JsonNode s : items) {
            // a number equal to 8, 4 or 2 (Python's `v in DRAFT_SCALES` takes 8.0 too; true it refuses)
            if (s.isNumber() && s.asDouble() == s.asInt() && DRAFT_SCALES.contains(s.asInt())) {
                scales.add(s.asInt());
            } else {
                scales = null;
                break;
            }
        }
        if (!someScales(scales)) {
            throw new ArtifactException(file + ": preprocessing.draft_scales "
                    + (v == null ? "[" + pre.get("jpeg_dc_scale") + "] (from jpeg_dc_scale)" : v)
                    + " is not some of " + DRAFT_SCALES + ", largest first");
        }
        return scales;
    }

    /** Whether a list is some of {@link #DRAFT_SCALES}, largest first: strictly descending, not empty. */
    private static boolean someScales(List<Integer> scales) {
        if (scales == null || scales.isEmpty()) {
            return false;
        }
        int last = Integer.MAX_VALUE;
        for (Integer s : scales) {
            if (s == null || !DRAFT_SCALES.contains(s) || s >= last) {
                return false;
            }
            last = s;
        }
        return true;
    }

    /**
     * The route from reducing_gap: null the faithful one, 2.0 the fast one; absent (a version 3
     * manifest, written before there were two) the fast one.
     */
    private static boolean faithful(JsonNode pre, Path file) {
        JsonNode gap = pre.get("reducing_gap");
        if (gap == null) {
            return false;
        }
        if (gap.isNull()) {
            return true;
        }
        if (!gap.isNumber() || gap.asDouble() != REDUCING_GAP) {
            throw new UnsupportedModelException(file + ": preprocessing.reducing_gap " + gap
                    + " is not supported by this modelparity (null: the faithful route, or " + REDUCING_GAP
                    + ": the fast route)");
        }
        return false;
    }

    private static boolean flag(JsonNode pre, String key, Path file) {
        JsonNode v = pre.get(key);
        if (v == null || !v.isBoolean()) {
            throw new ArtifactException(file + ": preprocessing." + key + " missing or not true or false");
        }
        return v.asBoolean();
    }

    private static Size size(JsonNode v, String key, Path file, boolean needed) {
        if (v == null || v.isNull()) {
            if (needed) {
                throw new ArtifactException(file + ": preprocessing." + key + " missing");
            }
            return new Size(0, 0, 0);
        }
        Size s = new Size(v.path("height").asInt(0), v.path("width").asInt(0), v.path("shortest_edge").asInt(0));
        boolean fixed = s.height() > 0 && s.width() > 0 && s.shortestEdge() == 0;
        boolean edge = s.shortestEdge() > 0 && s.height() == 0 && s.width() == 0;
        if (!fixed && !edge) {
            throw new ArtifactException(file + ": preprocessing." + key + " " + v
                    + " is neither {height, width} nor {shortest_edge}");
        }
        return s;
    }

    private static float[] perChannel(JsonNode v, String key, int channels, Path file) {
        if (v == null || !v.isArray() || v.size() != channels) {
            throw new ArtifactException(file + ": preprocessing." + key + " needs " + channels + " numbers");
        }
        float[] out = new float[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = (float) v.get(c).asDouble(); // numpy's np.asarray(mean, np.float32)
        }
        return out;
    }
}
