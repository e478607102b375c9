"""The training stage: the networks, how they are trained, and how well they classify."""
