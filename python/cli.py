"""The ``modelparity`` command: one name for the stages' commands, each still runnable as
``python -m python.NAME`` (the same code, the same flags)."""

from __future__ import annotations

import importlib
import sys

#: Subcommand -> (its module, what it does): the modules ``python -m python.NAME`` runs.
COMMANDS = {
    "export": ("python.export.command", "train or take a model, convert, verify, publish"),
    "predict": ("python.predict.command", "classify pictures with an artifacts folder"),
    "parity": ("python.parity.command", "run the parity matrix again on an artifacts folder"),
    "tune": ("python.tune.command", "search training settings (Optuna)"),
    "training": ("python.training.command", "train under any Keras backend"),
    "bench": ("python.bench.command", "benchmark the runtimes"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = [f"  {name:<{width}}  {what}" for name, (_, what) in COMMANDS.items()]
    return ("usage: modelparity COMMAND [ARGS...]   (modelparity COMMAND --help for its flags)\n"
            "\ncommands:\n" + "\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"modelparity: error: unknown command {name!r}\n{usage()}", file=sys.stderr)
        return 2
    return importlib.import_module(COMMANDS[name][0]).main(rest)


if __name__ == "__main__":
    sys.exit(main())
