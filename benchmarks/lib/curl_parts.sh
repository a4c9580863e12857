#!/usr/bin/env bash
# N parallel raw `curl -T` UploadParts of FILE into one multipart upload on an emulator that runs
# with --no-auth (curl cannot sign OSS requests): the sink's ceiling, and the single-stream
# figure behind the delay line. Checks that every part's CRC-64 header agrees, then aborts.
#
#   curl_parts.sh URL BUCKET FILE N
# Prints one line per stream, curl's own figures: "part I: BYTES bytes in SECONDS s".
set -euo pipefail
url=$1; bucket=$2; file=$3; n=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
key=sink-$$-$RANDOM
upload=$(curl -sf -X POST "$url/$bucket/$key?uploads" | sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p')
[[ -n "$upload" ]] || { echo "curl_parts: InitiateMultipartUpload failed at $url" >&2; exit 1; }
pids=()
for i in $(seq "$n"); do
    curl -sf -o /dev/null -D "$work/headers.$i" -w "part $i: %{size_upload} bytes in %{time_total} s\n" \
        -T "$file" "$url/$bucket/$key?partNumber=$i&uploadId=$upload" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
crcs=$(grep -ih '^x-oss-hash-crc64ecma' "$work"/headers.* | tr -d '\r' | awk '{print $2}' | sort -u)
[[ $(echo "$crcs" | wc -l) -eq 1 && -n "$crcs" ]] || { echo "curl_parts: parts disagree on CRC-64: $crcs" >&2; exit 1; }
curl -sf -o /dev/null -X DELETE "$url/$bucket/$key?uploadId=$upload"
