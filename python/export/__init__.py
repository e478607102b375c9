"""The export stage: train, convert to every format, verify, publish one folder.

``python -m python.export`` is ``command.main``; ``pipeline.run_export`` does the work
from a frozen ``config.ExportConfig``.
"""
