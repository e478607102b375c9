"""Running artifacts: Python loaders, and worker processes for the JVM and the benchmark."""
