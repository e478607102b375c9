package io.github.modelparity.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * SHA-256 of artifacts as the manifest's digest_rule defines them: a file's is of its
 * bytes; a folder's is over its files in sorted order of their '/'-separated relative
 * paths, hashing for each the UTF-8 bytes of: path, NUL, the file's hex sha256, newline.
 */
final class Digests {
    private Digests() {
    }

    static String sha256(Path path) throws IOException {
        return Files.isDirectory(path) ? folderSha256(path) : fileSha256(path);
    }

    static String fileSha256(Path file) throws IOException {
        MessageDigest md = newDigest();
        byte[] block = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(block)) > 0; ) {
                md.update(block, 0, n);
            }
        }
        return hex(md.digest());
    }

    static String folderSha256(Path folder) throws IOException {
        // Sorted by the relative path as a string (Python sorts str, i.e. by code point;
        // TreeMap sorts by UTF-16 unit, the same for names in the Basic Multilingual Plane).
        TreeMap<String, Path> files = new TreeMap<>();
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.filter(Files::isRegularFile).forEach(all::add);
        }
        for (Path p : all) {
            StringBuilder rel = new StringBuilder();
            for (Path part : folder.relativize(p)) {
                if (rel.length() > 0) {
                    rel.append('/');
                }
                rel.append(part);
            }
            files.put(rel.toString(), p);
        }
        MessageDigest md = newDigest();
        for (var e : files.entrySet()) {
            String line = e.getKey() + '\0' + fileSha256(e.getValue()) + '\n';
            md.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return hex(md.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes); // lowercase, as Python's hexdigest()
    }
}
