"""overflight.export layer: a planned flight written for other tools.

Each exporter takes a :class:`~overflight.analysis.plan.Plan` (or a bare
:class:`~overflight.models.Route`) and returns the file's content:
``route_to_geojson`` (:mod:`.geojson`), ``plan_to_kml`` (:mod:`.kml`),
``plan_to_gpx`` (:mod:`.gpx`), ``plan_to_csv`` (:mod:`.table`),
``plan_to_png`` / ``plan_to_svg`` (:mod:`.staticmap`) and ``plan_to_html``
(:mod:`.html`). Modules load on demand: import the one you need.
"""
