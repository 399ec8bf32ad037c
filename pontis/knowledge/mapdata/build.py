"""Build ``world.json``, the portal map's country shapes, from Natural Earth boundaries.

Source: the npm package ``world-atlas`` (version 2, ISC licence), which redistributes Natural Earth's 1:50m
admin-0 countries (version 4.1.0, public domain) as TopoJSON. Get it into a temporary directory, never into the
project's ``node_modules``::

    cd "$(mktemp -d)" && npm pack world-atlas@2 && tar xzf world-atlas-*.tgz
    .venv/bin/python -m pontis.knowledge.mapdata.build /that/dir/package/countries-50m.json

The output is deterministic, so running it again over the same input gives the same file. What it does:

1. decodes the TopoJSON arcs, projects them with Equal Earth (equal-area) into a 1000-unit-wide SVG frame
   (Antarctica left out) and simplifies each shared arc once (Douglas-Peucker), so that neighbours still meet;
2. keys each shape by ISO 3166-1 alpha-2 code (``pycountry`` maps Natural Earth's numeric ids);
3. draws borders as the European Union recognises them: Crimea (which Natural Earth draws in Russia) is moved to
   Ukraine, Northern Cyprus is part of Cyprus, Somaliland part of Somalia, Australia's Indian Ocean territories
   part of Australia; the internal borders these merges leave are dissolved. Kosovo is kept as a shape of its own
   without a country code (the designation is without prejudice to positions on status, in line with UNSCR 1244/1999
   and the ICJ opinion on the Kosovo declaration of independence); the Siachen glacier is drawn as disputed;
4. writes per country the SVG path (relative commands, 0.1-unit precision), the centroid of its largest part and its
   projected area, plus a point for small territories the 1:50m data does not draw (Tuvalu, Gibraltar, ...);
5. checks that Simferopol (Crimea) falls inside Ukraine's shape and outside Russia's, and that the file is small.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import pycountry

from pontis.knowledge.mapdata import DATA_FILE, equal_earth

WIDTH = 1000.0
TOLERANCE = 0.3  # Douglas-Peucker tolerance in map units (the map is 1000 units wide)
MIN_RING_AREA = 0.15  # islands smaller than this (in square map units) are dropped, except a country's largest part
MAX_BYTES = 600_000

ANTARCTICA = "010"
# Natural Earth features without an ISO code, and where the European Union's position puts them.
MERGE_INTO = {"Somaliland": "SO", "N. Cyprus": "CY", "Indian Ocean Ter.": "AU"}
UNCODED = {"Kosovo": "Kosovo*", "Siachen Glacier": "Siachen Glacier"}
# Natural Earth draws Crimea in Russia; the EU recognises it as part of Ukraine. Russia's parts lying wholly inside
# this box (longitude, latitude) are Crimea and Sevastopol.
CRIMEA_BOX = (32.0, 44.2, 36.8, 46.3)
SIMFEROPOL = (34.10, 44.95)
# Territories too small for the 1:50m data, drawn as a point (longitude, latitude).
POINTS = {
    "TV": (179.20, -8.52), "TK": (-171.85, -9.20), "GI": (-5.35, 36.14), "BQ": (-68.26, 12.18),
    "GP": (-61.55, 16.25), "MQ": (-61.02, 14.64), "RE": (55.54, -21.12), "YT": (45.15, -12.83),
    "CX": (105.63, -10.49), "CC": (96.87, -12.17), "GF": (-53.13, 3.93),
}


def decode_arcs(topo: dict) -> list[list[tuple[int, int]]]:
    """Delta-decoded, still quantized arcs (integer positions, so arc ends compare exactly)."""
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x, y))
        arcs.append(points)
    return arcs


def to_lonlat(topo: dict, point: tuple[int, int]) -> tuple[float, float]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    return point[0] * sx + tx, point[1] * sy + ty


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative; keeps both ends (they are where arcs meet)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = -1.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                dist = math.hypot(px - x1, py - y1)
            else:
                dist = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            if dist > worst:
                worst, index = dist, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def signed_area(ring: list[tuple[float, float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    area = signed_area(ring)
    if abs(area) < 1e-9:
        return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return (cx / (6 * area), cy / (6 * area))


def inside(point: tuple[float, float], rings: list[list[tuple[float, float]]]) -> bool:
    """Even-odd rule, as the SVG is filled."""
    x, y = point
    hit = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
    return hit


def crosses_date_line(ring: list[tuple[float, float]]) -> bool:
    return any(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:] + ring[:1], strict=True))


def _clip(ring: list[tuple[float, float]], limit: float, west: bool) -> list[tuple[float, float]]:
    """Sutherland-Hodgman against the meridian ``limit``: keep the part west (or east) of it."""
    def keep(p):
        return p[0] <= limit if west else p[0] >= limit

    out = []
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        if keep(b):
            if not keep(a):
                out.append((limit, a[1] + (limit - a[0]) * (b[1] - a[1]) / (b[0] - a[0])))
            out.append(b)
        elif keep(a):
            out.append((limit, a[1] + (limit - a[0]) * (b[1] - a[1]) / (b[0] - a[0])))
    return out


def cut_at_date_line(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses the 180th meridian (Fiji, Chukotka) as its western and eastern pieces."""
    unwrapped, offset = [ring[0]], 0.0
    for a, b in zip(ring, ring[1:], strict=False):
        if b[0] - a[0] > 180:
            offset -= 360
        elif b[0] - a[0] < -180:
            offset += 360
        unwrapped.append((b[0] + offset, b[1]))
    if max(p[0] for p in unwrapped) > 180:
        west, east = _clip(unwrapped, 180.0, True), _clip(unwrapped, 180.0, False)
        east = [(x - 360, y) for x, y in east]
    else:
        west, east = _clip(unwrapped, -180.0, True), _clip(unwrapped, -180.0, False)
        west = [(x + 360, y) for x, y in west]
    return [piece for piece in (west, east) if len(piece) >= 3]


def stitch(refs: list[int], ends: dict[int, tuple[tuple[int, int], tuple[int, int]]]) -> list[list[int]]:
    """Dissolve internal borders: drop arcs a country uses in both directions, chain the rest into rings."""
    used = defaultdict(int)
    for ref in refs:
        used[ref] += 1
    kept = [r for r in refs if used.get(~r, 0) == 0]

    def start(ref):
        return ends[ref][0] if ref >= 0 else ends[~ref][1]

    def end(ref):
        return ends[ref][1] if ref >= 0 else ends[~ref][0]

    by_start = defaultdict(list)
    for ref in kept:
        by_start[start(ref)].append(ref)
    rings, done = [], set()
    for first in kept:
        if first in done:
            continue
        ring, ref = [], first
        while ref is not None and ref not in done:
            done.add(ref)
            ring.append(ref)
            following = [r for r in by_start[end(ref)] if r not in done]
            ref = following[0] if following else None
        rings.append(ring)
    return rings


def build(source: Path) -> dict:
    topo = json.loads(source.read_text(encoding="utf-8"))
    raw = decode_arcs(topo)
    geometries = topo["objects"]["countries"]["geometries"]

    # 1. Which geometry (and which part of it) belongs to which code.
    parts: dict[str, list[list[list[int]]]] = defaultdict(list)  # code -> polygons -> rings -> arc refs
    merged: set[str] = set()
    uncoded: dict[str, list[list[list[int]]]] = defaultdict(list)
    for geom in geometries:
        if geom.get("id") == ANTARCTICA or geom["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
        name = geom["properties"]["name"]
        if name in UNCODED:
            uncoded[UNCODED[name]].extend(polygons)
            continue
        if name in MERGE_INTO:
            code = MERGE_INTO[name]
            merged.add(code)
        else:
            code = pycountry.countries.get(numeric=geom["id"]).alpha_2
        for polygon in polygons:
            if code == "RU" and _in_crimea(topo, raw, polygon[0]):
                parts["UA"].append(polygon)
                merged.add("UA")
            else:
                parts[code].append(polygon)

    # 2. Frame: the projected bounds of every arc drawn.
    drawn = {r if r >= 0 else ~r for polys in list(parts.values()) + list(uncoded.values())
             for poly in polys for ring in poly for r in ring}
    projected = {i: [equal_earth(*to_lonlat(topo, p)) for p in raw[i]] for i in drawn}
    ys = [y for i in drawn for _, y in projected[i]]
    # The full width of the projection (±180° at the equator), so that points near the date line fit too.
    x0, y0 = -equal_earth(180.0, 0.0)[0], max(ys)
    scale = WIDTH / (2 * -x0)
    height = math.ceil((y0 - min(ys)) * scale)
    full = {i: [((x - x0) * scale, (y0 - y) * scale) for x, y in pts] for i, pts in projected.items()}
    arcs = {i: simplify(pts, TOLERANCE) for i, pts in full.items()}
    ends = {i: (raw[i][0], raw[i][-1]) for i in drawn}

    def ring_points(refs: list[int], source: dict | None = None) -> list[tuple[float, float]]:
        source = source or arcs
        points: list[tuple[float, float]] = []
        for ref in refs:
            seq = source[ref] if ref >= 0 else source[~ref][::-1]
            points.extend(seq if not points else seq[1:])
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        if len(points) < 3 and source is arcs:
            return ring_points(refs, full)  # a small island simplified away: keep its own points
        return points

    def shape(polygons: list[list[list[int]]], dissolve: bool) -> list[list[tuple[float, float]]]:
        if dissolve:
            ring_refs = stitch([r for poly in polygons for ring in poly for r in ring], ends)
        else:
            ring_refs = [ring for poly in polygons for ring in poly]
        rings = []
        for refs in ring_refs:
            lonlat = [to_lonlat(topo, p) for ref in refs for p in (raw[ref] if ref >= 0 else raw[~ref][::-1])]
            if crosses_date_line(lonlat):
                for piece in cut_at_date_line(lonlat):
                    projected_piece = [((x - x0) * scale, (y0 - y) * scale) for x, y in map(lambda p: equal_earth(*p), piece)]
                    simple = simplify(projected_piece + projected_piece[:1], TOLERANCE)[:-1]
                    rings.append(simple if len(simple) >= 3 else projected_piece)
            else:
                rings.append(ring_points(refs))
        rings = [ring for ring in rings if len(ring) >= 3]
        largest = max(rings, key=lambda r: abs(signed_area(r)))
        return [r for r in rings if r is largest or abs(signed_area(r)) >= MIN_RING_AREA]

    countries = {}
    rings_of = {}
    for code in sorted(parts):
        rings = shape(parts[code], dissolve=code in merged)
        rings_of[code] = rings
        largest = max(rings, key=lambda r: abs(signed_area(r)))
        cx, cy = centroid(largest)
        countries[code] = {
            "d": path(rings),
            "c": [round(cx, 1), round(cy, 1)],
            "a": round(abs(sum(signed_area(r) for r in rings)), 3),
        }
    other = [{"name": name, "d": path(shape(polys, dissolve=False))} for name, polys in sorted(uncoded.items())]

    def frame_point(lon, lat):
        x, y = equal_earth(lon, lat)
        return [round((x - x0) * scale, 1), round((y0 - y) * scale, 1)]

    points = {code: frame_point(*lonlat) for code, lonlat in sorted(POINTS.items()) if code not in countries}

    # 3. The checks the European Union's position and the page depend on.
    simferopol = tuple(frame_point(*SIMFEROPOL))
    assert inside(simferopol, rings_of["UA"]), "Simferopol must be inside Ukraine"
    assert not inside(simferopol, rings_of["RU"]), "Simferopol must not be inside Russia"

    return {
        "source": "Natural Earth 1:50m admin-0 countries 4.1.0 (public domain), via the npm package world-atlas 2",
        "licence": "Natural Earth data: public domain. world-atlas packaging: ISC licence.",
        "borders": "As recognised by the European Union: Crimea in Ukraine, Northern Cyprus in Cyprus, Somaliland "
                   "in Somalia; Kosovo* without prejudice to positions on status.",
        "projection": "Equal Earth",
        "frame": {"x0": x0, "y0": y0, "scale": scale, "width": WIDTH, "height": height},
        "countries": countries,
        "points": points,
        "other": other,
    }


def _in_crimea(topo, raw, ring_refs) -> bool:
    west, south, east, north = CRIMEA_BOX
    for ref in ring_refs:
        for point in raw[ref if ref >= 0 else ~ref]:
            lon, lat = to_lonlat(topo, point)
            if not (west <= lon <= east and south <= lat <= north):
                return False
    return True


def _num(value: int) -> str:
    """Tenths of a unit to the shortest SVG number ("-12.3", "4", ".5")."""
    text = f"{value / 10:.1f}".removesuffix(".0")
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def path(rings: list[list[tuple[float, float]]]) -> str:
    """Absolute move, then relative lines: compact and exact at 0.1 units."""
    out = []
    for ring in rings:
        tenths = [(round(x * 10), round(y * 10)) for x, y in ring]
        (x, y), rest = tenths[0], tenths[1:]
        steps = []
        for nx, ny in rest:
            steps.append(f"{_num(nx - x)} {_num(ny - y)}")
            x, y = nx, ny
        out.append(f"M{_num(tenths[0][0])} {_num(tenths[0][1])}l" + " ".join(steps) + "z")
    return "".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    data = build(Path(argv[1]))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert len(text.encode()) < MAX_BYTES, f"{len(text)} bytes: raise TOLERANCE"
    DATA_FILE.write_text(text + "\n", encoding="utf-8")
    print(f"{DATA_FILE}: {len(data['countries'])} countries, {len(data['points'])} points, {len(text)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
