"""overflight.geo layer."""
