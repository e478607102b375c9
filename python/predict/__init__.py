"""``python -m python.predict``: classify picture files with an exported artifact."""
