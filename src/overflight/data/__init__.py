"""Shipped data: sovereign-airspace polygons and airports, loaded lazily and cached."""
