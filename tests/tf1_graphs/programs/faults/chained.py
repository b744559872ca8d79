"""An error in a helper module, handled and re-raised: two chained tracebacks, as Python shows them."""
import sys

from config_reader import read_config

try:
    read_config(sys.argv[1])
except KeyError as missing:
    raise SystemError(f"no setting {missing}") from missing
