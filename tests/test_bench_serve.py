"""The load benchmark's request bodies: the protocol's binary form, one picture or eight."""

from __future__ import annotations

import json
from pathlib import Path

from python.bench.serve import ROUTES, request_files, spread, summary


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


def test_the_summary_gives_each_cells_median_and_range_against_in_process():
    def cell(rate: float, cpu: float) -> dict:
        return {"pictures": "thumbnails", "route": "v1", "concurrency": 8, "per_second": rate,
                "of_in_process": rate / 5000, "server_cpu_ms": cpu, "server_kernel_ms": cpu / 10}

    rows = [cell(3600, 0.48), cell(4000, 0.44), cell(3500, 0.50)]
    baseline = {"thumbnails": [{"per_second": 5000, "cpu_ms_per_picture": 0.38}]}
    lines = summary(rows, baseline, 2)
    assert lines[0] == "in process, thumbnails, 2 threads: 5000 pictures/s, CPU 0.380 ms/picture"
    assert lines[1] == ("thumbnails, v1, c=8: 3600 (3500 to 4000) pictures/s, x in-process 0.72 "
                        "(0.70 to 0.80), server CPU 0.480 (0.440 to 0.500) ms/picture, "
                        "of it in the kernel 0.048 (0.044 to 0.050)")
    assert spread([0.7]) == "0.70"
