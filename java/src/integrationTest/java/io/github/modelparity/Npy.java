package io.github.modelparity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A tiny reader for NumPy .npy files of little-endian float32 ('<f4') in C order. */
public final class Npy {
    public final int[] shape;
    public final float[] data;

    private Npy(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    public static Npy read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        b.get(magic);
        if (magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IOException(file + ": not a .npy file");
        }
        int major = b.get() & 0xff;
        b.get();
        int headerLen = major == 1 ? (b.getShort() & 0xffff) : b.getInt();
        byte[] header = new byte[headerLen];
        b.get(header);
        String h = new String(header, StandardCharsets.ISO_8859_1);
        if (!h.contains("'descr': '<f4'") || h.contains("'fortran_order': True")) {
            throw new IOException(file + ": expected little-endian float32 in C order, header " + h.trim());
        }
        Matcher m = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(h);
        if (!m.find()) {
            throw new IOException(file + ": no shape in header " + h.trim());
        }
        String[] parts = m.group(1).split(",");
        int n = 0;
        int[] shape = new int[parts.length];
        for (String p : parts) {
            if (!p.trim().isEmpty()) {
                shape[n++] = Integer.parseInt(p.trim());
            }
        }
        shape = java.util.Arrays.copyOf(shape, n);
        long count = 1;
        for (int s : shape) {
            count *= s;
        }
        float[] data = new float[(int) count];
        b.asFloatBuffer().get(data);
        return new Npy(shape, data);
    }
}
