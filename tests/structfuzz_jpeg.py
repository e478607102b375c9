"""tests.structfuzz's JPEG mutations: one named field of one segment changed each."""

from __future__ import annotations

import random
import struct
from collections.abc import Callable

from tests.fuzzpictures import _jpeg_segments

Mutation = Callable[[bytearray, random.Random], None]


def _markers(b: bytes | bytearray) -> list[tuple[int, int, int]]:
    """(start, end, code) of every marker segment, scans' SOS segments included, after the
    first SOS too (the data between is skipped as libjpeg's next_marker skips it); a segment
    cut by the file's end ends there."""
    b = bytes(b)
    out = [(s, e, b[s + 1]) for s, e in _jpeg_segments(b)]
    pos = out[-1][1] if out else 2
    while out and out[-1][2] == 0xDA:
        while True:  # the scan's data: to the next marker that is not RSTn or stuffing
            pos = b.find(b"\xff", pos)
            if pos < 0 or pos + 1 >= len(b):
                return out
            code = b[pos + 1]
            if code == 0 or 0xD0 <= code <= 0xD7 or code == 0xFF:
                pos += 1 if code == 0xFF else 2
                continue
            break
        if code == 0xD9:
            out.append((pos, pos + 2, code))
            return out
        end = pos + 2 + (struct.unpack(">H", b[pos + 2:pos + 4])[0] if pos + 4 <= len(b) else 0)
        for s, e in _jpeg_segments(b"\xff\xd8" + b[pos:]):
            out.append((pos + s - 2, min(pos + e - 2, len(b)), b[pos + s - 1]))
        pos = max(out[-1][1], end)
    return out


def _of(b: bytearray, codes: set[int] | Callable[[int], bool]) -> list[tuple[int, int, int]]:
    test = codes if callable(codes) else codes.__contains__
    return [m for m in _markers(b) if test(m[2]) and m[1] - m[0] >= 4]


def _is_sof(code: int) -> bool:
    return 0xC0 <= code <= 0xCF and code not in (0xC4, 0xC8, 0xCC)


def _pick(rng: random.Random, segs: list, b: bytearray, fallback: Mutation) -> tuple | None:
    if not segs:
        fallback(b, rng)
        return None
    return rng.choice(segs)


def _byte(rng: random.Random, old: int) -> int:
    """A plausible wrong value for a one-byte field: near, nibble-swapped, edge, random."""
    return rng.choice([(old + rng.choice([-2, -1, 1, 2, 16, -16])) & 255, old ^ 0x10, old ^ 0x01,
                       0, 1, 0xFF, 0x0F, 0xF0, rng.randrange(256), (old << 4 | old >> 4) & 255])


def _nibble(rng: random.Random, old: int) -> int:
    return rng.choice([(old + 1) & 15, (old - 1) & 15, 0, 1, 2, 3, 4, 5, 15, rng.randrange(16)])


def _set_nibble(b: bytearray, i: int, rng: random.Random, high: bool) -> None:
    """b[i]'s high nibble (a table class, a precision, H, Td, Ah) or low one made wrong."""
    b[i] = (_nibble(rng, b[i] >> 4) << 4) | (b[i] & 15) if high \
        else (b[i] & 0xF0) | _nibble(rng, b[i] & 15)


def j_length(b: bytearray, rng: random.Random) -> None:
    """A segment's length field: off by a little, 0, 1, 2, or far past the file."""
    start, end, _ = _pick(rng, _of(b, lambda c: c != 0xD9), b, j_cut) or (0, 0, 0)
    if not end:
        return
    old = struct.unpack(">H", b[start + 2:start + 4])[0]
    new = rng.choice([old + 1, old - 1, old + rng.randint(2, 40), max(old - rng.randint(2, 40), 0),
                      0, 1, 2, 3, 0xFFFF, old + 64, old - 64, old + 128])
    b[start + 2:start + 4] = struct.pack(">H", new & 0xFFFF)


def j_dqt(b: bytearray, rng: random.Random) -> None:
    """A DQT table's Pq/Tq byte (precision, table number), an entry of 0, or its length off by
    a table's size."""
    seg = _pick(rng, _of(b, {0xDB}), b, j_length)
    if seg is None:
        return
    start, end, _ = seg
    at = start + 4
    what = rng.randrange(5)
    if what in (0, 1):
        _set_nibble(b, at, rng, what == 1)
    elif what == 2:
        b[at + 1 + rng.randrange(min(10, end - at - 1))] = 0
    elif what == 3:  # a second table in the same segment, or one cut off
        table = bytes(b[at:min(at + 65, end)])
        if rng.random() < 0.5:
            table = bytes([(table[0] & 0xF0) | rng.randrange(5)]) + table[1:]
            b[end:end] = table
            length = end + len(table) - start - 2
        else:
            cut = rng.randint(1, min(64, end - at - 1))
            del b[end - cut:end]
            length = end - cut - start - 2
        b[start + 2:start + 4] = struct.pack(">H", max(min(length, 0xFFFF), 0))
    else:  # a 16-bit table (precision 1) written as such
        old = bytes(b[at + 1:at + 65])
        wide = bytes([0x10 | (b[at] & 15)]) + b"".join(bytes([0, v]) for v in old)
        b[at:at + 65] = wide
        length = struct.unpack(">H", b[start + 2:start + 4])[0]
        b[start + 2:start + 4] = struct.pack(">H", length + 64)


def j_dht(b: bytearray, rng: random.Random) -> None:
    """A DHT table's Tc/Th byte, one of its code counts, or a symbol."""
    seg = _pick(rng, _of(b, {0xC4}), b, j_length)
    if seg is None:
        return
    start, end, _ = seg
    at = start + 4
    what = rng.randrange(4)
    if what in (0, 1):
        _set_nibble(b, at, rng, what == 1)
    elif what == 2:
        i = at + 1 + rng.randrange(16)
        b[i] = _byte(rng, b[i])
    else:
        i = at + 17 + rng.randrange(max(end - at - 17, 1))
        if i < len(b):
            b[i] = rng.choice([0x10, 0x1F, 0xFF, 0x00, rng.randrange(256)])


def j_sof(b: bytearray, rng: random.Random) -> None:
    """A frame header's field: precision, height, width, component count, a component's id,
    sampling factors or quantisation table number; or the SOF type."""
    seg = _pick(rng, _of(b, _is_sof), b, j_length)
    if seg is None:
        return
    start, end, _ = seg
    p = start + 4
    n = b[p + 5] if p + 5 < len(b) else 0
    what = rng.randrange(8)
    if what == 0:
        b[p] = rng.choice([0, 1, 7, 9, 12, 16, 255])
    elif what in (1, 2):
        at = p + 1 if what == 1 else p + 3
        old = struct.unpack(">H", b[at:at + 2])[0]
        new = rng.choice([0, 1, old - 1, old + 1, old * 2, old + 8, 0xFFFF, old // 2, 7, 8, 9])
        b[at:at + 2] = struct.pack(">H", new & 0xFFFF)
    elif what == 3:
        new = rng.choice([0, 1, 2, 3, 4, 5, n + 1, n - 1])
        b[p + 5] = new & 255
        if rng.random() < 0.5:  # the length made to fit the count, components added or cut
            comps = bytes(b[p + 6:p + 6 + 3 * n])
            more = (comps * 4)[:3 * max(new, 0)]
            b[p + 6:p + 6 + 3 * n] = more
            b[start + 2:start + 4] = struct.pack(">H", 8 + len(more))
    elif what == 4 and n:
        i = p + 6 + 3 * rng.randrange(n)
        b[i] = rng.choice([b[p + 6], b[i] + 1, 0, 82, 71, 66, rng.randrange(256)]) & 255
    elif what == 5 and n:
        i = p + 7 + 3 * rng.randrange(n)
        _set_nibble(b, i, rng, rng.random() < 0.5)
    elif what == 6 and n:
        i = p + 8 + 3 * rng.randrange(n)
        b[i] = rng.choice([0, 1, 2, 3, 4, 5, 15, 16, 17, 255, rng.randrange(256)])
    else:
        b[start + 1] = rng.choice([0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC8, 0xC9, 0xCA, 0xCB, 0xCD,
                                   0xCF, 0xC7])


def j_sos(b: bytearray, rng: random.Random) -> None:
    """A scan header's field: a component id (another, unknown or named twice), its DC/AC
    table numbers, the component count, Ss, Se, Ah or Al."""
    seg = _pick(rng, _of(b, {0xDA}), b, j_length)
    if seg is None:
        return
    start, end, _ = seg
    p = start + 4
    ns = b[p]
    what = rng.randrange(6)
    if what == 0 and ns:
        i = p + 1 + 2 * rng.randrange(ns)
        sof = _of(b, _is_sof)
        ids = list(b[sof[0][0] + 10:sof[0][1]:3]) if sof else []
        b[i] = rng.choice([*ids, 0, 4, 255, b[p + 1], rng.randrange(256)]) & 255
    elif what == 1 and ns:
        i = p + 2 + 2 * rng.randrange(ns)
        _set_nibble(b, i, rng, rng.random() < 0.5)
    elif what == 2:
        b[p] = rng.choice([0, 1, 2, 3, 4, 5, ns + 1, ns - 1]) & 255
        if rng.random() < 0.5 and b[p] <= 4:  # the length made to fit
            pairs = bytes(b[p + 1:p + 1 + 2 * ns])
            new = (pairs + pairs[:2] * 4)[:2 * b[p]]
            b[p + 1:p + 1 + 2 * ns] = new
            b[start + 2:start + 4] = struct.pack(">H", 6 + len(new))
    else:
        q = p + 1 + 2 * ns + rng.randrange(3)
        if q < len(b):
            if q == p + 1 + 2 * ns + 2:
                _set_nibble(b, q, rng, rng.random() < 0.5)
            else:
                b[q] = rng.choice([0, 1, 5, 6, 62, 63, 64, 255, b[q] + 1, b[q] - 1]) & 255


def j_dri(b: bytearray, rng: random.Random) -> None:
    """A DRI segment: added (an interval the data's restart markers do not follow), its
    interval changed, its length wrong, or removed from a file that has restart markers."""
    dri = _of(b, {0xDD})
    if dri and rng.random() < 0.6:
        start, end, _ = rng.choice(dri)
        what = rng.randrange(3)
        if what == 0:
            old = struct.unpack(">H", b[start + 4:start + 6])[0]
            b[start + 4:start + 6] = struct.pack(">H", rng.choice([0, 1, old + 1, old - 1, 2 * old,
                                                                   0xFFFF]) & 0xFFFF)
        elif what == 1:
            b[start + 2:start + 4] = struct.pack(">H", rng.choice([2, 3, 5, 6]))
        else:
            del b[start:end]
        return
    sos = _of(b, {0xDA})
    at = sos[0][0] if sos else 2
    b[at:at] = b"\xff\xdd\x00\x04" + struct.pack(">H", rng.choice([1, 2, 3, 5, 8, 100]))


def j_restart(b: bytearray, rng: random.Random) -> None:
    """Restart markers in the data: one renumbered, one removed, one added, or two swapped."""
    sos = _of(b, {0xDA})
    if not sos:
        return j_dri(b, rng)
    data = sos[0][1]
    found = [i for i in range(data, len(b) - 1) if b[i] == 0xFF and 0xD0 <= b[i + 1] <= 0xD7]
    what = rng.randrange(4)
    if found and what == 0:
        i = rng.choice(found)
        b[i + 1] = 0xD0 + rng.randrange(8)
    elif found and what == 1:
        i = rng.choice(found)
        del b[i:i + 2]
    elif len(found) >= 2 and what == 2:
        i, j = rng.sample(found, 2)
        b[i + 1], b[j + 1] = b[j + 1], b[i + 1]
    else:
        end = _of(b, {0xD9})
        limit = end[0][0] if end else len(b)
        i = rng.randrange(data, max(limit, data + 1))
        if i > 0 and b[i - 1] == 0xFF:
            i += 1
        b[i:i] = bytes([0xFF, 0xD0 + rng.randrange(8)])


def j_reorder(b: bytearray, rng: random.Random) -> None:
    """Segments moved: a table after the first scan, the frame after a scan, two swapped, one
    repeated (a second SOF, DHT or SOS), EOI early or missing."""
    segs = _markers(b)
    head = [s for s in segs if s[2] != 0xD9]
    what = rng.randrange(5)
    if what == 0 and len(head) >= 2:
        i, j = sorted(rng.sample(range(len(head)), 2))
        (s1, e1, _), (s2, e2, _) = head[i], head[j]
        if e1 <= s2:
            b[s1:e2] = b[s2:e2] + b[e1:s2] + b[s1:e1]
    elif what == 1 and head:
        s, e, _ = rng.choice(head)
        piece = bytes(b[s:e])
        at = rng.choice([x[0] for x in segs] + [len(b)])
        b[at:at] = piece
    elif what == 2 and head:
        s, e, _ = rng.choice(head)
        del b[s:e]
    elif what == 3:
        eoi = [x for x in segs if x[2] == 0xD9]
        if eoi and rng.random() < 0.5:
            del b[eoi[-1][0]:eoi[-1][1]]
        else:
            at = rng.choice([x[0] for x in segs] or [2])
            b[at:at] = b"\xff\xd9"
    else:  # a table or frame moved after the first scan's data
        sos = [x for x in segs if x[2] == 0xDA]
        tables = [x for x in head if x[2] in (0xDB, 0xC4, 0xDD) or _is_sof(x[2])]
        eoi = [x for x in segs if x[2] == 0xD9]
        if sos and tables and eoi:
            s, e, _ = rng.choice(tables)
            piece = bytes(b[s:e])
            at = eoi[-1][0]
            b[at:at] = piece
            if s < sos[0][0] and rng.random() < 0.5:
                del b[s:e]


def j_insert(b: bytearray, rng: random.Random) -> None:
    """A segment libjpeg treats specially put among the others: JPG (0xC8), DAC (0xCC), DNL,
    a reserved marker, a second SOI, an APPn or COM of length 0, 1 or 2 (bytes after it or
    not), an Adobe or JFIF segment, or such a segment after the last row."""
    segs = _markers(b)
    where = rng.choice([x[0] for x in segs if x[2] != 0xD8] or [2])
    if rng.random() < 0.25:
        eoi = [x for x in segs if x[2] == 0xD9]
        where = eoi[-1][0] if eoi else len(b)
    what = rng.randrange(9)
    if what == 0:
        piece = b"\xff\xc8" + struct.pack(">H", 2 + 4) + bytes(4)
    elif what == 1:
        pairs = rng.choice([b"\x00\x10", b"\x10\x05", b"\x00\xf1", b"\x20\x00", b"\x01"])
        length = 2 + rng.choice([len(pairs), len(pairs) + 1])
        piece = b"\xff\xcc" + struct.pack(">H", length) + pairs
    elif what == 2:
        piece = b"\xff\xdc\x00\x04" + struct.pack(">H", rng.choice([0, 1, 40, 500]))
    elif what == 3:
        piece = bytes([0xFF, rng.choice([0x02, 0x4F, 0xBF, 0xDE, 0xDF, 0xF0, 0xFD, 0xD8, 0x01])]) \
            + b"\x00\x04ab"
    elif what in (4, 5, 6):
        code = rng.choice([0xE0, 0xE1, 0xE2, 0xED, 0xEE, 0xEF, 0xFE])
        piece = bytes([0xFF, code]) + struct.pack(">H", rng.choice([0, 1, 2, 0, 1]))
        piece += rng.choice([b"", b"", b"JFIF\x00", b"\x00\x01", b"Exif\x00\x00", b"\x12"])
    elif what == 7:
        transform = rng.choice([0, 1, 2])
        piece = b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00" + bytes([transform])
    else:
        body = rng.choice([b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", b"JFIF\x00",
                           b"JFXX\x00"])
        piece = b"\xff\xe0" + struct.pack(">H", 2 + len(body)) + body
    b[where:where] = piece


def j_cut(b: bytearray, rng: random.Random) -> None:
    """The file cut: inside or at the end of a segment, inside a scan's data, before EOI or
    just after a table that follows the last row."""
    segs = _markers(b)
    what = rng.randrange(4)
    if what == 0 and segs:
        s, e, _ = rng.choice(segs)
        cut = rng.randint(s + 1, max(e, s + 1))
    elif what == 1:
        sos = [x for x in segs if x[2] == 0xDA]
        start = sos[0][1] if sos else 2
        cut = rng.randint(start, max(start, len(b) - 1))
    elif what == 2:
        cut = len(b) - rng.randint(1, 6)
    else:  # a table after the last row, cut inside
        eoi = [x for x in segs if x[2] == 0xD9]
        tables = [x for x in segs if x[2] in (0xDB, 0xC4, 0xC0, 0xDD, 0xDA, 0xE1, 0xCC)]
        if eoi and tables:
            s, e, _ = rng.choice(tables)
            piece = bytes(b[s:e])
            b[eoi[-1][0]:] = piece[:rng.randint(1, len(piece))]
            return
        cut = len(b) - 2
    del b[max(cut, 3):]


def j_trailing(b: bytearray, rng: random.Random) -> None:
    """After EOI, or in place of it: a second SOS, a table, data, fill bytes."""
    eoi = [x for x in _markers(b) if x[2] == 0xD9]
    at = eoi[-1][0] if eoi else len(b)
    sos = _of(b, {0xDA})
    piece = rng.choice([b"\xff\xff\xff", b"\x00\x00\x12\x34", (bytes(b[sos[0][0]:sos[0][1]])
                        if sos else b"\xff\xda"), b"\xff\xc4\x00\x02", b"\xff\xd0\xff\xd1",
                        b"\xff\xdb\x00\x43\x00" + bytes(64)])
    keep_eoi = rng.random() < 0.5
    b[at:at + (0 if keep_eoi else 2)] = piece if not keep_eoi else b""
    if keep_eoi:
        b.extend(piece)


JPEG_MUTATIONS: dict[str, Mutation] = {
    f.__name__: f for f in (j_length, j_dqt, j_dht, j_sof, j_sos, j_dri, j_restart, j_reorder,
                            j_insert, j_cut, j_trailing)
}
