"""overflight.export layer."""
