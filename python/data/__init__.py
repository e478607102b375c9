"""The data stage: decoding and preparing pictures (``pictures``), labelled sets (``datasets``)."""
