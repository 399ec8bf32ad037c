"""The world map's bundled boundary data: projected, simplified country shapes for the portal's map.

``world.json`` is made by ``build.py`` (read its docstring to rebuild it) from Natural Earth's public-domain
boundaries. Nothing is fetched at run time: the map is drawn on the server from this file.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("world.json")

# Equal Earth (Šavrič, Patterson and Jenny, 2018): equal-area, so shaded countries are compared fairly.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Longitude and latitude in degrees to Equal Earth coordinates (unit sphere; y grows northwards)."""
    lam = math.radians(lon)
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2 * math.sqrt(3) * lam * math.cos(theta) / (3 * (9 * _A4 * t6 * t2 + 7 * _A3 * t6 + 3 * _A2 * t2 + _A1))
    y = theta * (_A4 * t6 * t2 + _A3 * t6 + _A2 * t2 + _A1)
    return x, y


@lru_cache(maxsize=1)
def world() -> dict:
    """The bundled data (read once per process)."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def project(lon: float, lat: float) -> tuple[float, float]:
    """A point on Earth to the map's SVG coordinates (the same transform the builder applied)."""
    frame = world()["frame"]
    x, y = equal_earth(lon, lat)
    return (round((x - frame["x0"]) * frame["scale"], 1), round((frame["y0"] - y) * frame["scale"], 1))
