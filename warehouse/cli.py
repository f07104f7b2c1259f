"""What both command lines share: French usage errors (exit 2) and no traceback for users."""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from warehouse.db import WarehouseError


class FrenchParser(argparse.ArgumentParser):
    _FRENCH = {
        "the following arguments are required": "arguments obligatoires manquants",
        "unrecognized arguments": "arguments non reconnus",
        "invalid choice": "choix invalide",
        "invalid int value": "nombre entier attendu",
        "expected one argument": "une valeur est attendue",
    }

    def error(self, message: str):
        for english, french in self._FRENCH.items():
            message = message.replace(english, french)
        self.print_usage(sys.stderr)
        print(f"erreur : {message}", file=sys.stderr)
        sys.exit(2)


def run(main: Callable[[], int]) -> int:
    """Run a command; expected failures print one French sentence, exit code 1."""
    try:
        return main()
    except WarehouseError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrompu : l'entrepôt est resté dans son état précédent.", file=sys.stderr)
        return 1
