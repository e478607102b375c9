"""The benchmark stage: speed, memory and size of every route, Python and Java, in one run."""
