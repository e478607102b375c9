"""tests.structfuzz's PNG mutations: one named field of one chunk changed each, the CRC
and the Adler-32 made right again but where they are the damage."""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Callable

from tests.fuzzpictures import _png_chunks

Mutation = Callable[[bytearray, random.Random], None]


def _exif(orientation: int) -> bytes:
    """A little-endian TIFF header with one IFD0 entry: Orientation."""
    return (b"II*\x00\x08\x00\x00\x00\x01\x00" + struct.pack("<HHIHH", 0x0112, 3, 1,
                                                              orientation, 0) + b"\0\0\0\0")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _chunks(b: bytearray) -> list[tuple[int, int, bytes]]:
    return [(s, e, bytes(b[s + 4:s + 8])) for s, e in _png_chunks(bytes(b))]


def _recrc(b: bytearray, start: int) -> None:
    """Chunk at start: its CRC made right again for its (possibly changed) data."""
    n = struct.unpack(">I", b[start:start + 4])[0]
    end = start + 8 + n
    if end + 4 <= len(b):
        b[end:end + 4] = struct.pack(">I", zlib.crc32(bytes(b[start + 4:end])))


def _idat_data(b: bytearray) -> bytes:
    return b"".join(bytes(b[s + 8:e - 4]) for s, e, k in _chunks(b) if k == b"IDAT")


def _replace_idats(b: bytearray, stream: bytes, pieces: int = 1) -> None:
    """All IDAT chunks replaced, where the first was, by stream in `pieces` chunks."""
    chunks = _chunks(b)
    idats = [(s, e) for s, e, k in chunks if k == b"IDAT"]
    if not idats:
        return
    first = idats[0][0]
    for s, e in reversed(idats):
        del b[s:e]
    step = max(1, -(-len(stream) // pieces))
    parts = [stream[i:i + step] for i in range(0, len(stream), step)] or [b""]
    b[first:first] = b"".join(_chunk(b"IDAT", p) for p in parts)


def _ihdr(b: bytearray) -> tuple[int, int, int, int, int]:
    w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", b[16:29])
    return w, h, depth, colour, interlace


def _raw_rows(b: bytearray) -> tuple[bytes, int] | None:
    """The decompressed image data and the bytes of one row (filter byte included), for a
    non-interlaced PNG; None where it is not that."""
    w, h, depth, colour, interlace = _ihdr(b)
    if interlace:
        return None
    try:
        raw = zlib.decompress(_idat_data(b))
    except zlib.error:
        return None
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour, 1)
    row = 1 + (w * channels * depth + 7) // 8
    return raw, row


def p_length(b: bytearray, rng: random.Random) -> None:
    """A chunk's length field: off by a little, 0, or far past the file."""
    chunks = _chunks(b)
    s, _, _ = rng.choice(chunks)
    old = struct.unpack(">I", b[s:s + 4])[0]
    new = rng.choice([old + 1, max(old - 1, 0), old + rng.randint(2, 64), 0, 0x7FFFFFFF,
                      0x80000000, max(old - rng.randint(2, 64), 0), 0xFFFFFFFF])
    b[s:s + 4] = struct.pack(">I", new)


def p_crc(b: bytearray, rng: random.Random) -> None:
    """A chunk's CRC made wrong: of IHDR, an IDAT, IEND or an ancillary chunk."""
    s, e, _ = rng.choice(_chunks(b))
    b[e - 1 - rng.randrange(4)] ^= 1 << rng.randrange(8)


def p_ihdr(b: bytearray, rng: random.Random) -> None:
    """An IHDR field (CRC made right): width, height, bit depth, colour type, compression,
    filter method, interlace; or its length."""
    what = rng.randrange(8)
    if what in (0, 1):
        at = 16 if what == 0 else 20
        old = struct.unpack(">I", b[at:at + 4])[0]
        b[at:at + 4] = struct.pack(">I", rng.choice([0, 1, old - 1, old + 1, old * 2, 0x80000000,
                                                     0x7FFFFFFF, old // 2]) & 0xFFFFFFFF)
    elif what == 2:
        b[24] = rng.choice([0, 1, 2, 3, 4, 5, 8, 16, 32, 255])
    elif what == 3:
        b[25] = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 14])
    elif what in (4, 5):
        b[26 + what - 4] = rng.choice([1, 2, 255])
    elif what == 6:
        b[28] = rng.choice([1, 1, 2, 255])
    else:
        b[8:12] = struct.pack(">I", rng.choice([12, 14, 0, 100]))
    _recrc(b, 8)


def p_order(b: bytearray, rng: random.Random) -> None:
    """Chunks out of order (CRCs right): IHDR not first, IDAT-IHDR-IDAT, PLTE or tRNS after the
    image, a chunk between IDATs, IEND early or missing, IHDR twice."""
    chunks = _chunks(b)
    idats = [(s, e) for s, e, k in chunks if k == b"IDAT"]
    ihdr = bytes(b[chunks[0][0]:chunks[0][1]])
    what = rng.randrange(7)
    if what == 0 and idats:  # IDAT - IHDR - IDAT: the image data split around a second IHDR
        stream = _idat_data(b)
        cut = rng.randint(0, len(stream))
        s, _ = idats[0]
        for s2, e2 in reversed(idats):
            del b[s2:e2]
        b[s:s] = _chunk(b"IDAT", stream[:cut]) + rng.choice(
            [ihdr, _chunk(b"tEXt", b"a\x00b"), _chunk(b"PLTE", bytes(9)), _chunk(b"IEND", b"")]) \
            + _chunk(b"IDAT", stream[cut:])
    elif what == 1:  # a chunk from before the image moved after it
        before = [(s, e, k) for s, e, k in chunks if idats and e <= idats[0][0] and k != b"IHDR"]
        if before:
            s, e, _ = rng.choice(before)
            piece = bytes(b[s:e])
            iend = _chunks(b)[-1][0]
            b[iend:iend] = piece
            del b[s:e]
        else:
            iend = chunks[-1][0]
            b[iend:iend] = _chunk(b"tRNS", bytes([rng.randrange(256) for _ in range(2)]))
    elif what == 2:  # IHDR not first
        s, e, _ = chunks[min(1, len(chunks) - 1)]
        b[8:e] = b[chunks[0][1]:e] + ihdr
    elif what == 3:
        at = chunks[-1][0]
        b[at:at] = ihdr
    elif what == 4 and idats:
        s, e = rng.choice(idats)
        b[s:s] = _chunk(b"IEND", b"")
    elif what == 5:
        s, e, k = chunks[-1]
        if k == b"IEND":
            del b[s:e]
    else:  # two chunks swapped
        if len(chunks) >= 3:
            i, j = sorted(rng.sample(range(len(chunks)), 2))
            (s1, e1, _), (s2, e2, _) = chunks[i], chunks[j]
            b[s1:e2] = b[s2:e2] + b[e1:s2] + b[s1:e1]


def p_split(b: bytearray, rng: random.Random) -> None:
    """The image data in several IDAT chunks (a valid file), empty IDATs among them, or an
    ancillary chunk between two of them."""
    stream = _idat_data(b)
    pieces = rng.choice([2, 3, 7, len(stream) or 1])
    _replace_idats(b, stream, pieces)
    what = rng.randrange(3)
    idats = [(s, e) for s, e, k in _chunks(b) if k == b"IDAT"]
    if what == 1:
        s, _ = rng.choice(idats)
        b[s:s] = _chunk(b"IDAT", b"")
    elif what == 2 and len(idats) >= 2:
        s, _ = idats[rng.randrange(1, len(idats))]
        b[s:s] = rng.choice([_chunk(b"tEXt", b"k\x00v"), _chunk(b"gAMA", struct.pack(">I", 45455)),
                             _chunk(b"tRNS", b"\x00\x10"), _chunk(b"eXIf", _exif(3))])


def p_palette(b: bytearray, rng: random.Random) -> None:
    """PLTE and tRNS: oversized (over 256 entries, over 2^depth, not a multiple of 3), empty,
    missing, added where the colour type has none, or a tRNS longer than the palette or of
    the wrong length for grey or RGB."""
    chunks = _chunks(b)
    w, h, depth, colour, _ = _ihdr(b)
    plte = [(s, e) for s, e, k in chunks if k == b"PLTE"]
    trns = [(s, e) for s, e, k in chunks if k == b"tRNS"]
    first_idat = next((s for s, e, k in chunks if k == b"IDAT"), chunks[-1][0])
    what = rng.randrange(6)
    if what == 0 and plte:
        s, e = plte[0]
        entries = bytes(b[s + 8:e - 4])
        new = rng.choice([entries + bytes(3 * rng.randint(1, 300)), entries[:-1], entries + b"\x01",
                          b"", entries[:3], bytes(3 * 257), bytes(3 * 256)])
        b[s:e] = _chunk(b"PLTE", new)
    elif what == 1 and plte:
        s, e = plte[0]
        del b[s:e]
    elif what == 2:
        size = rng.choice([1, 2, 3, 6, 16, 256, 257, 300, 1, 2])
        data = bytes(rng.randrange(256) for _ in range(min(size, 300)))
        if colour == 3 and plte:
            n = (plte[0][1] - plte[0][0] - 12) // 3
            size = rng.choice([n, n + 1, n + 20, 256, 257])
            data = bytes(rng.randrange(256) for _ in range(size))
        piece = _chunk(b"tRNS", data)
        if trns:
            s, e = trns[0]
            b[s:e] = piece
        else:
            b[first_idat:first_idat] = piece
    elif what == 3:
        piece = _chunk(b"PLTE", bytes(3 * rng.choice([1, 2, 16, 256, 257])))
        at = first_idat if rng.random() < 0.7 else 33
        b[at:at] = piece
    elif what == 4 and trns:
        s, e = trns[0]
        piece = bytes(b[s:e])
        del b[s:e]
        iend = _chunks(b)[-1][0]
        b[iend:iend] = piece
    else:  # a tRNS after the image, where there was none
        iend = chunks[-1][0]
        size = {0: 2, 2: 6, 3: 4}.get(colour, 2)
        b[iend:iend] = _chunk(b"tRNS", bytes(rng.randrange(256) for _ in range(size)))


def p_filter(b: bytearray, rng: random.Random) -> None:
    """A row's filter byte set to 5 or more (or another valid type); the zlib stream and CRCs
    made right again."""
    rows = _raw_rows(b)
    if rows is None:
        return p_adler(b, rng)
    raw, row = rows
    data = bytearray(raw)
    for _ in range(rng.randint(1, 2)):
        y = rng.randrange(max(len(data) // row, 1))
        if y * row < len(data):
            data[y * row] = rng.choice([5, 6, 127, 128, 200, 255, 1, 2, 3, 4])
    _replace_idats(b, zlib.compress(bytes(data), 6))


def p_rows(b: bytearray, rng: random.Random) -> None:
    """The decompressed data a row short, a byte short, or with extra bytes or rows after the
    image; a second zlib stream after the first; data after the stream's end."""
    rows = _raw_rows(b)
    if rows is None:
        return p_adler(b, rng)
    raw, row = rows
    what = rng.randrange(5)
    if what == 0:
        new = zlib.compress(raw[:-row], 6)
    elif what == 1:
        new = zlib.compress(raw[:-1], 6)
    elif what == 2:
        new = zlib.compress(raw + bytes(rng.choice([1, row, 3 * row])), 6)
    elif what == 3:
        new = zlib.compress(raw, 6) + zlib.compress(b"\0" * row, 6)
    else:
        new = zlib.compress(raw, 6) + bytes(rng.randint(1, 8))
    _replace_idats(b, new)


def p_adler(b: bytearray, rng: random.Random) -> None:
    """The zlib stream damaged (CRCs right): its Adler-32, its header (CMF, FLG, a preset
    dictionary), a deflate block type of 3, or the stream cut before its end."""
    stream = bytearray(_idat_data(b))
    if len(stream) < 6:
        return p_crc(b, rng)
    what = rng.randrange(5)
    if what == 0:
        stream[-1 - rng.randrange(4)] ^= 1 << rng.randrange(8)
    elif what == 1:
        stream[0] = rng.choice([0x08, 0x18, 0x79, 0x88, 0x77, 0x09])
        cmf = stream[0]
        stream[1] = (31 - (cmf * 256) % 31) % 31 | rng.choice([0x00, 0x40, 0x80, 0xC0])
        stream[1] += (31 - (cmf * 256 + stream[1]) % 31) % 31
    elif what == 2:
        stream[1] |= 0x20
        stream[1] += (31 - (stream[0] * 256 + stream[1]) % 31) % 31 if stream[1] < 0xFF else 0
    elif what == 3:
        stream[2] |= 0x06  # BTYPE 3, reserved
    else:
        del stream[-rng.randint(1, min(len(stream) - 2, 12)):]
    _replace_idats(b, bytes(stream))


def p_cut(b: bytearray, rng: random.Random) -> None:
    """The file cut: in a chunk, at a chunk's end, before IEND, in IEND's CRC."""
    chunks = _chunks(b)
    what = rng.randrange(3)
    if what == 0:
        s, e, _ = rng.choice(chunks)
        cut = rng.randint(s + 1, e)
    elif what == 1:
        cut = rng.choice([e for _, e, _ in chunks])
    else:
        cut = len(b) - rng.randint(1, 12)
    del b[max(cut, 9):]


def p_ancillary(b: bytearray, rng: random.Random) -> None:
    """An ancillary or unknown chunk (CRC right): eXIf unparseable or with an orientation, a
    wrong-length gAMA, sRGB, pHYs or sBIT, a broken tEXt/zTXt/iTXt, an unknown critical chunk,
    APNG's acTL and fcTL (one out of sequence), a second IEND, chunk names with odd bytes."""
    chunks = _chunks(b)
    first_idat = next((s for s, e, k in chunks if k == b"IDAT"), chunks[-1][0])
    iend = chunks[-1][0]
    w, h, depth, colour, _ = _ihdr(b)
    what = rng.randrange(10)
    at = rng.choice([33, first_idat, iend])
    if what == 0:
        piece = _chunk(b"eXIf", rng.choice([b"garbage!", b"II*\x00\xff\xff\x00\x00", b"",
                                            _exif(rng.randint(1, 8)), b"MM\x00*\x00\x00\x00\x08",
                                            _exif(6)[:14]]))
    elif what == 1:
        kind = rng.choice([b"gAMA", b"sRGB", b"pHYs", b"sBIT", b"cHRM", b"bKGD", b"iCCP", b"tIME"])
        piece = _chunk(kind, bytes(rng.choice([0, 1, 3, 5, 13])))
    elif what == 2:
        kind = rng.choice([b"tEXt", b"zTXt", b"iTXt"])
        piece = _chunk(kind, rng.choice([b"", b"key", b"key\x00\x00x\x9c\x03", b"k\x00\x05",
                                         b"k\x00\x00\x00\x00\x00text", b"\x00value"]))
    elif what == 3:
        piece = _chunk(rng.choice([b"ABCD", b"IDAX", b"Iend", b"XXXX"]), b"data")
    elif what == 4:
        seq = rng.choice([0, 1, 5])
        fctl = struct.pack(">IIIIIHHBB", seq, w, h, 0, 0, 1, 10, 0, 0)
        piece = _chunk(b"acTL", struct.pack(">II", 1, 0)) + _chunk(b"fcTL", fctl)
        at = first_idat
    elif what == 5:
        fctl = struct.pack(">IIIIIHHBB", rng.choice([0, 3]), w + rng.choice([0, 1]), h, 0, 0, 1,
                           10, 0, 0)
        piece = _chunk(b"fcTL", fctl)
    elif what == 6:
        piece = _chunk(b"IEND", b"")
        at = iend
    elif what == 7:
        piece = _chunk(bytes([rng.choice([0x41, 0x61, 0x20, 0x7F, 0xC1]), 0x62, 0x63, 0x64]), b"x")
    elif what == 8:
        piece = _chunk(b"eXIf", _exif(rng.randint(2, 8)))
        at = iend
    else:
        piece = _chunk(b"sPLT", b"name\x00\x08" + bytes(6 * rng.randint(0, 2)) + b"\x01")
    b[at:at] = piece


PNG_MUTATIONS: dict[str, Mutation] = {
    f.__name__: f for f in (p_length, p_crc, p_ihdr, p_order, p_split, p_palette, p_filter,
                            p_rows, p_adler, p_cut, p_ancillary)
}
