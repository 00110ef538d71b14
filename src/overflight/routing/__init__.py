"""overflight.routing layer."""
