"""`python -m ingest` is `counterpoint ingest`."""

import sys

from counterpoint.cli import main

if __name__ == "__main__":
    sys.exit(main(["ingest", *sys.argv[1:]]))
