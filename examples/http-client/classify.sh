#!/usr/bin/env bash
# A user's shell client of modelparity-java serve: bash classify.sh URL PICTURE... posts each
# picture's bytes to /v1/classify and prints the answer, one JSON object a line (label,
# probability, every label's probability, the top 3, the model's sha256).
set -euo pipefail
url=${1:?usage: classify.sh URL PICTURE...}
shift
for picture in "$@"; do
  curl -sS --fail-with-body --data-binary "@$picture" \
    "$url/v1/classify?top=3&name=$(basename "$picture")"
  echo
done
