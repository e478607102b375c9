"""The parity stage: every artifact in every runtime, compared with Keras within a tolerance."""
