"""modelparity's Python side, one sub-package per stage of the pipeline.

data/ (pictures in, model inputs out) -> training/ (networks, fit, metrics) ->
export/ (``python -m python.export``: convert, verify, publish) -> parity/
(``python -m python.parity``) and bench/ (``python -m python.bench``). artifacts/
holds the artifact registry, digests and the typed manifest that every stage shares;
runtimes/ loads artifacts in Python and runs the JVM and benchmark workers.
predict/ and reference/ are small commands over the published artifacts.
"""

__all__ = ["Classification", "Classifier", "export_model"]


def __getattr__(name: str) -> object:
    """``python.Classifier`` and ``python.export_model`` from code, imported when first used:
    the commands import no more than they need."""
    if name in ("Classifier", "Classification"):
        from python import classifier

        return getattr(classifier, name)
    if name == "export_model":
        from python.export.api import export_model

        return export_model
    raise AttributeError(f"module 'python' has no attribute {name!r}")
