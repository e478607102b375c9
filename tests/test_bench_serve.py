"""The load benchmark's request bodies: the protocol's binary form, one picture or eight."""

from __future__ import annotations

import json
from pathlib import Path

from python.bench.serve import ROUTES, request_files


def test_request_bodies_carry_their_pictures_in_the_binary_form(tmp_path: Path):
    pictures = []
    for i in range(17):
        path = tmp_path / f"p{i:02d}.png"
        path.write_bytes(bytes([i]) * (10 + i))
        pictures.append(path)
    for route, per in ROUTES.items():
        listing = request_files(pictures, route, tmp_path / route)
        lines = listing.read_text().splitlines()
        assert len(lines) == len(pictures) // per  # the 17th is left over for batches of 8
        for n, line in enumerate(lines):
            body_file, ctype, header = line.split("\t")
            body = Path(body_file).read_bytes()
            expected = [q.read_bytes() for q in pictures[n * per:(n + 1) * per]]
            assert ctype == "application/octet-stream"
            if route == "v1":
                assert header == "0" and body == expected[0]
                continue
            head = json.loads(body[:int(header)])
            rest = body[int(header):]
            (picture_input,) = head["inputs"]
            assert picture_input["shape"] == [per]
            assert picture_input["parameters"]["binary_data_size"] == len(rest)
            items = []
            while rest:
                size = int.from_bytes(rest[:4], "little")
                items.append(rest[4:4 + size])
                rest = rest[4 + size:]
            assert items == expected

