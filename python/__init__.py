"""selfie-deploy's Python side, one sub-package per stage of the pipeline.

data/ (pictures in, model inputs out) -> training/ (networks, fit, metrics) ->
export/ (``python -m python.export``: convert, verify, publish) -> parity/
(``python -m python.parity``) and bench/ (``python -m python.bench``). artifacts/
holds the artifact registry, digests and the typed manifest that every stage shares;
runtimes/ loads artifacts in Python and runs the JVM and benchmark workers.
predict/ and reference/ are small commands over the published artifacts.
"""
