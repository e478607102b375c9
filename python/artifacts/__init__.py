"""What an export produces: the artifact registry, their digests, the typed manifest."""
