"""Reading tracks: every format gives the same fixes; bad files give errors naming file and line."""

from __future__ import annotations

import datetime as dt
import doctest
from pathlib import Path
from types import SimpleNamespace

import pytest

from overflight.analysis.track import GAP_KM, MAX_FILE_BYTES, read_track, track_from_traffic
from overflight.errors import InputFileError
from tests.track.flown import fly, write

START = dt.datetime(2015, 9, 15, 6, 0, tzinfo=dt.UTC)
#: Helsinki to Stockholm, with no fix for 300 km over the Baltic.
FLOWN = fly([(24.96, 60.32), (17.92, 59.65)], start=START, gaps_km=[(40.0, 340.0)], seed=3)


@pytest.mark.parametrize("suffix", [".kml", ".gpx", ".csv", ".geojson", ".parquet"])
def test_every_format_reads_the_same_fixes(tmp_path: Path, suffix: str) -> None:
    track = read_track(write(FLOWN, tmp_path / f"flight{suffix}"))
    assert len(track.points) == len(FLOWN)
    for (x, y, t), p, when in zip(FLOWN, track.points, track.times, strict=True):
        assert p.lon == pytest.approx(x, abs=1e-9)
        assert p.lat == pytest.approx(y, abs=1e-9)
        assert abs((when - t).total_seconds()) < 1.0
    assert track.date == dt.date(2015, 9, 15)
    # The one gap over the Baltic is bridged and flagged, and only it.
    assert len(track.gaps) == 1
    assert track.gaps[0].distance_km > GAP_KM
    assert 390.0 < track.distance_km < 405.0


def test_a_traffic_like_flight_is_read_without_traffic() -> None:
    class Frame(dict[str, SimpleNamespace]):
        columns = ("timestamp", "latitude", "longitude", "altitude")

    frame = Frame(
        timestamp=SimpleNamespace(tolist=lambda: [t for _, _, t in FLOWN]),
        latitude=SimpleNamespace(tolist=lambda: [y for _, y, _ in FLOWN]),
        longitude=SimpleNamespace(tolist=lambda: [x for x, _, _ in FLOWN]),
        altitude=SimpleNamespace(tolist=lambda: [35000.0] * len(FLOWN)),
    )
    track = track_from_traffic(SimpleNamespace(data=frame))
    assert len(track.points) == len(FLOWN)
    assert track.altitude_ft == (35000.0,) * len(FLOWN)
    with pytest.raises(InputFileError, match="latitude, longitude and timestamp"):
        track_from_traffic(object())


def test_a_kml_line_string_and_timed_points(tmp_path: Path) -> None:
    line = tmp_path / "line.kml"
    line.write_text(
        "<kml><Placemark><LineString><coordinates>\n24.96,60.32,0\n 17.92,59.65,0\n"
        "</coordinates></LineString></Placemark></kml>"
    )
    assert [tuple(p) for p in read_track(line).points] == [(24.96, 60.32), (17.92, 59.65)]
    points = tmp_path / "points.kml"
    marks = "".join(
        f"<Placemark><TimeStamp><when>2015-09-15T06:0{k}:00Z</when></TimeStamp>"
        f"<Point><coordinates>{24 - k},60,10000</coordinates></Point></Placemark>\n"
        for k in range(3)
    )
    points.write_text(
        f"<kml><Document><Placemark><LineString><coordinates>0,0 1,1"
        f"</coordinates></LineString></Placemark>{marks}</Document></kml>"
    )
    track = read_track(points)
    assert [p.lon for p in track.points] == [24.0, 23.0, 22.0]
    assert track.times[2] == dt.datetime(2015, 9, 15, 6, 2, tzinfo=dt.UTC)


def test_a_flightradar_csv_with_a_position_column(tmp_path: Path) -> None:
    path = tmp_path / "fr24.csv"
    path.write_text(
        "Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n"
        '1442296800,2015-09-15T06:00:00Z,RFF7000,"55.88,38.06",0,0,90\n'
        '1442297400,2015-09-15T06:10:00Z,RFF7000,"55.5,39.0",20000,400,120\n'
    )
    track = read_track(path)
    assert [tuple(p) for p in track.points] == [(38.06, 55.88), (39.0, 55.5)]
    assert track.times[0] == dt.datetime(2015, 9, 15, 6, 0, tzinfo=dt.UTC)


BAD = [
    # (file name, content, words the message must hold)
    ("empty.csv", "lat,lon,time\n", ["empty.csv", "no track points"]),
    ("one.csv", "lat,lon\n60,25\n", ["one.csv:2", "only one distinct track point"]),
    ("same.csv", "lat,lon\n60,25\n60,25\n", ["same.csv:2", "only one"]),
    ("lat.csv", "lat,lon\n60,25\n91.5,25\n", ["lat.csv:3", "latitude 91.5", "-90 to 90"]),
    (
        "lon.gpx",
        '<gpx><trk><trkseg><trkpt lat="1" lon="2"/>\n<trkpt lat="1" lon="200"/>'
        "</trkseg></trk></gpx>",
        ["lon.gpx:2", "longitude 200.0", "-180 to 180"],
    ),
    ("word.csv", "lat,lon\n60,25\n60,abc\n", ["word.csv:3", "'abc'", "decimal degrees"]),
    (
        "order.csv",
        "lat,lon,time\n60,25,2015-09-15T06:10:00Z\n61,25,2015-09-15T06:00:00Z\n",
        ["order.csv:3", "earlier than the point before it", "time order"],
    ),
    (
        "when.csv",
        "lat,lon,time\n60,25,yesterday\n61,25,2015-09-15T06:00:00Z\n",
        ["when.csv:2", "'yesterday'", "ISO 8601"],
    ),
    (
        "mixed.csv",
        "lat,lon,time\n60,25,2015-09-15T06:00:00Z\n61,25,\n",
        ["mixed.csv:3", "give every point a time"],
    ),
    ("header.csv", "x,y\n1,2\n", ["header.csv:1", "no lat and lon columns"]),
    (
        "cut.gpx",
        '<gpx><trk><trkseg>\n<trkpt lat="1" lon="2">\n</trk></gpx>',
        ["cut.gpx:3", "not well-formed XML"],
    ),
    (
        "bomb.kml",
        '<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY a "aaaa">]>\n<kml>&a;</kml>',
        ["bomb.kml:2", "DOCTYPE"],
    ),
    (
        "broken.geojson",
        '{"type": "FeatureCollection",\n "features": [}',
        ["broken.geojson:2", "not valid JSON"],
    ),
    (
        "point.geojson",
        '{"type": "Feature", "geometry": {"type": "LineString", '
        '"coordinates": [[1, 2], ["a", 3]]}}',
        ["feature.geometry.coordinates[1]", "'a'"],
    ),
    ("flight.xyz", "", ["flight.xyz", "unknown track format", ".gpx"]),
    ("broken.parquet", "not parquet", ["broken.parquet", "not a Parquet file"]),
]


@pytest.mark.parametrize(("name", "content", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_named_with_line_and_value(
    tmp_path: Path, name: str, content: str, words: list[str]
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputFileError) as caught:
        read_track(path)
    message = str(caught.value).replace(str(tmp_path) + "/", "")
    for word in words:
        assert word in message


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(30_000_000)
    with pytest.raises(InputFileError, match=r"huge.csv: the file is 30.0 MB: give at most 20 MB"):
        read_track(path)
    assert MAX_FILE_BYTES < 30_000_000


def test_the_package_examples_run() -> None:
    import overflight.analysis.track as package

    result = doctest.testmod(package)
    assert result.attempted > 0
    assert result.failed == 0
