"""`make bench`: run every benchmark (or the ones named: `python -m bench checkin`)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    available = sorted(p.name for p in HERE.iterdir() if (p / "__main__.py").exists())
    chosen = names or available
    failed = 0
    for name in chosen:
        if name not in available:
            print(f"unknown benchmark {name!r}; available: {', '.join(available)}")
            return 2
        print(f"== bench/{name} ==", flush=True)
        failed += subprocess.call([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
