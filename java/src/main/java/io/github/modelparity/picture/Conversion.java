package io.github.modelparity.picture;

/**
 * How a decoded picture becomes 8-bit grey or RGB: the two routes' colour rules differ only in
 * alpha and in 16-bit grey. Luma (Pillow's RGB to L), palettes, bilevel, CMYK (Pillow's naive
 * cmyk2rgb), 16-bit colour (the high byte) and grey repeated in RGB are the same in both.
 */
public enum Conversion {
    /**
     * The fast route's rule (python.data.colour): alpha, a palette's alpha and a tRNS colour
     * key composited over white; 16-bit grey as (v * 255 + 32767) / 65535.
     */
    OVER_WHITE,
    /**
     * The faithful route's: Pillow's Image.convert("L") or convert("RGB"), as Hugging Face's
     * image processors get the picture. Alpha is dropped (never composited); 16-bit grey
     * (Pillow's I;16) becomes min(v, 255).
     */
    PILLOW
}
