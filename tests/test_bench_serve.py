"""The load benchmark's request bodies: the protocol's binary form, one picture or eight."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from python.bench import floor
from python.bench.floor import bound, nginx_404, nginx_unavailable
from python.bench.serve import ROUTES, request_files
from python.bench.serve_report import bounds, spread, summary
from python.errors import ToolkitError


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


def test_a_cheaper_floor_allows_more_of_in_process():
    # 0.368 ms a picture in process, 0.050 for this server's 404, 0.048 for wrk: 0.79
    assert bound(0.368, 0.050, 0.048) == pytest.approx(0.368 / 0.466)
    assert bound(0.368, 0.018, 0.048) > bound(0.368, 0.050, 0.048)
    assert bound(0.368, 0.0, 0.0) == 1.0


def test_the_bounds_use_the_v1_thumbnail_cell_at_concurrency_8():
    def cell(route: str, c: int, ratio: float, load: float) -> dict:
        return {"pictures": "thumbnails", "route": route, "concurrency": c,
                "of_in_process": ratio, "load_cpu_ms": load}

    rows = [cell("v1", 8, 0.70, 0.050), cell("v1", 8, 0.66, 0.046), cell("v1", 8, 0.69, 0.048),
            cell("v1", 32, 0.10, 0.9), cell("v2_binary", 8, 0.20, 0.9)]
    baseline = {"thumbnails": [{"cpu_ms_per_picture": c} for c in (0.36, 0.368, 0.38)]}
    nginx = {"per_second": 33000, "server_cpu_ms": 0.018, "server_kernel_ms": 0.015,
             "load_cpu_ms": 0.03}
    floor = {"per_second": 21000, "server_cpu_ms": 0.050, "server_kernel_ms": 0.028,
             "load_cpu_ms": 0.032}
    lines = bounds(rows, baseline, floor, nginx)
    assert lines[0].startswith("HTTP alone, this server (thumbnails POSTed to a model that does "
                               "not exist, 404 at once, c=8): 21000 requests/s, server CPU 0.050")
    assert lines[1] == ("HTTP alone, nginx (the same bodies, 404 at once): 33000 requests/s, "
                        "server CPU 0.018 ms (kernel 0.015), wrk CPU 0.030 ms a request")
    assert lines[2] == ("bound on v1 at c=8, thumbnails, the cores fully busy (in process 0.368 "
                        "ms a picture, wrk 0.048 ms a request in the cell): measured 0.69")
    assert lines[3].endswith(f"this server costs to answer at once (0.050 ms a request): "
                             f"at most {bound(0.368, 0.050, 0.048):.2f}")
    assert lines[4].endswith(f"(0.018 ms a request): at most {bound(0.368, 0.018, 0.048):.2f}")
    assert len(lines) == 5
    assert len(bounds(rows, baseline, floor, None)) == 3
    # without the v1 cell at c=8 there is nothing to bound: the floor alone
    assert bounds([r for r in rows if r["route"] != "v1"], baseline, floor, None) == lines[:1]


@pytest.mark.skipif(nginx_unavailable() is not None, reason=str(nginx_unavailable()))
def test_nginx_reads_a_body_and_answers_404_at_once_on_loopback(tmp_path: Path):
    with nginx_404(tmp_path / "nginx") as server:
        assert server.url.startswith("http://127.0.0.1:")
        request = urllib.request.Request(server.url + "v2/models/no-such-model/infer",
                                         data=b"\x89PNG" + bytes(30_000), method="POST")
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=10)
        assert answer.value.code == 404
        assert json.loads(answer.value.read()) == {"error": "no such endpoint"}
    assert server.process.poll() is not None  # stopped with the block


@pytest.mark.skipif(nginx_unavailable() is not None, reason=str(nginx_unavailable()))
def test_nginx_that_cannot_start_is_a_one_line_error(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(floor, "CONFIG", floor.CONFIG.replace("daemon off;", "no_such_directive;"))
    with pytest.raises(ToolkitError, match="nginx did not start on port .*unknown directive"):
        with nginx_404(tmp_path / "nginx", startup_timeout=5):
            pass
