"""The load benchmark's layout floor: a signed-in page with the base layout and nothing else.

Its throughput is what every page pays for the layout, the session, the middleware and the menu; the benchmark
(bench/load/run.py) reports each page as a share of it. Routed only when ``PONTIS_BENCH_FLOOR`` is on.
"""

from django.shortcuts import render

from pontis.core.permissions import signed_in


@signed_in
def floor(request):
    return render(request, "devtools/floor.html")
