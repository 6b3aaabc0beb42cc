#!/usr/bin/env bash
# handbill's end-to-end benchmarks against Typst (the targets of the
# performance issue), on this machine, in one run:
#
#   1. the sample A5 leaflet and the sample pack, each a handbill build in a
#      fresh process: at least 5× faster than Typst 0.15's compile alone of
#      benches/typst/leaflet.typ and pack.typ (timed inside the Python process
#      by benches/typst/compile_alone.py, so the interpreter's start and
#      `import typst` are not counted; the same JPEG, the same font files).
#      The ratio against a whole fresh Python process is printed as
#      information only;
#   2. 100 personalised copies of the sample briefing pack in one
#      `handbill build`: at least 15× faster than 100 compiles of
#      benches/typst/pack.typ with one reused typst.Compiler, and under
#      200 MB peak memory; and, as information, 1,000 copies of the sample
#      leaflet against 1,000 compiles of benches/typst/leaflet.typ;
#   3. a 200-page pack (the profile's sections repeated) in under 1 s, a
#      1,000-page one in under 1.2 s and 150 MB, and the growth of the cost
#      over 10, 50, 200 and 1000 pages. As information, the 1,000-page pack
#      with each repeat's text made its own: the repeats' paragraphs are
#      set once and found again by the layout memo, which a real pack of a
#      thousand different pages would not allow.
#
# Run from anywhere:
#
#   benches/compare.sh            # 15 rounds (about 5 minutes on 2 cores)
#   RUNS=5 benches/compare.sh     # quicker, noisier
#
# It builds handbill in release (CARGO_TARGET_DIR, default /tmp/target-bench;
# HANDBILL=/path/to/handbill uses that binary instead),
# installs what is missing (typst 0.15 from PyPI, `time` from Debian; needs
# root for apt), sets up scratch projects in a temporary folder (removed on
# exit; KEEP=1 keeps it), times every command as whole-process wall time,
# interleaving handbill and Typst round by round so the machine's load hits
# both alike, and prints Markdown tables of medians and ratios. It exits 1
# when a target is missed, 2 when something could not be run.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-15}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/target-bench}
# The interpreter itself, not a version manager's shim script in front of it
# (pyenv's costs some 60 ms a start, which is no part of Typst's time).
PY=$("${PYTHON:-python3}" -c 'import sys; print(sys.executable)')
MEASURE="$ROOT/benches/measure.py"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/handbill-bench.XXXXXX")
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
fail() { echo "compare.sh: $*" >&2; exit 2; }
say() { echo "• $*" >&2; }

# ------------------------------------------------------------------ tools
if [ ! -x /usr/bin/time ]; then
  say "installing time (Debian)"
  [ "$(id -u)" = 0 ] || fail "/usr/bin/time is missing: apt-get install time"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
fi
if ! "$PY" -c 'import typst, sys; sys.exit(not typst.__version__.startswith("0.15."))' 2>/dev/null; then
  say "installing typst 0.15 (PyPI)"
  "$PY" -m pip install --quiet --disable-pip-version-check 'typst>=0.15,<0.16' ||
    fail "could not install typst from PyPI"
fi
TYPST_PY=$("$PY" -c 'import typst; print(typst.__version__)')
# The Typst the binding bundles, as Typst itself reports it.
TYPST=$("$PY" -c 'import typst; print(typst.eval(b"", "str(sys.version)").strip("\""))')
say "Typst $TYPST (typst-py $TYPST_PY)"

if [ -n "${HANDBILL:-}" ]; then
  HB=$HANDBILL # a binary built elsewhere, e.g. of another commit
else
  say "building handbill (release)"
  (cd "$ROOT" && cargo build --release --quiet) || fail "cargo build --release failed"
  HB="$CARGO_TARGET_DIR/release/handbill"
fi
[ -x "$HB" ] || fail "no binary at $HB"

# ------------------------------------------------------ scratch projects
# A copy of the samples, so nothing is written into the repository.
P="$WORK/project"
mkdir -p "$P"
cp -r "$ROOT/briefings" "$ROOT/assets" "$P/"
rm -rf "$P/out"
OUT="$WORK/out"
mkdir -p "$OUT"

# 100 recipients: ten first names by ten surnames.
first=(Ana Bob Chidi Dana Elif Femi Gulnara Hugo Irina Jomo)
last=(Ruiz Okafor Petrov Nazarova Smith Abenova Kowalski Mensah Dubois Tanaka)
NAMES="$WORK/names.txt"
: >"$NAMES"
for f in "${first[@]}"; do for l in "${last[@]}"; do echo "$f $l" >>"$NAMES"; done; done
COPIES="$P/briefings/pack-100.yaml"
{
  cat "$P/briefings/legal-delegation-pack.yaml"
  echo "recipients:"
  sed 's/^/  - name: /' "$NAMES"
} >"$COPIES"

# 1,000 copies of the leaflet (its template prints no recipient: each copy
# is the whole leaflet again, the same on both sides).
LEAFLET_NAMES="$WORK/leaflet-names.txt"
for i in $(seq -w 1 1000); do echo "Volunteer $i"; done >"$LEAFLET_NAMES"
LEAFLETS="$P/briefings/leaflet-1000.yaml"
{
  cat "$P/briefings/london-protest-leaflet.yaml"
  echo "recipients:"
  sed 's/^/  - name: /' "$LEAFLET_NAMES"
} >"$LEAFLETS"

# A profile whose sections are the sample's, repeated REPS times with new ids,
# and a briefing pack over all of it.
make_pack() { # REPS → prints the briefing's path
  local reps=$1 dir="$P/briefings/profiles/repeat-$1" r f
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    cp "$P/briefings/profiles/kazakhstan/profile.yaml" "$dir/"
    for r in $(seq -f %04g 1 "$reps"); do
      for f in "$P"/briefings/profiles/kazakhstan/[0-9]*.md; do
        # The first copy keeps its ids: the sections' cross-references go to it.
        if [ "$r" = 0001 ]; then
          cp "$f" "$dir/$r-$(basename "$f")"
        else
          sed "0,/^id: \(.*\)$/s//id: \1-r$r/" "$f" >"$dir/$r-$(basename "$f")"
        fi
      done
    done
    sed "s/^profile: kazakhstan$/profile: repeat-$reps/" \
      "$P/briefings/legal-delegation-pack.yaml" >"$P/briefings/repeat-$reps.yaml"
  fi
  echo "$P/briefings/repeat-$reps.yaml"
}
# The same pack, each repeat's paragraphs made its own (its number after the
# first sentence of each), so that nothing is set twice: a pack of a
# thousand different pages, with nothing for the layout memo to find again.
make_distinct() { # REPS → prints the briefing's path
  local reps=$1 dir="$P/briefings/profiles/distinct-$1" f b
  make_pack "$reps" >/dev/null
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    cp "$P/briefings/profiles/repeat-$reps/profile.yaml" "$dir/"
    for f in "$P/briefings/profiles/repeat-$reps"/*.md; do
      b=$(basename "$f")
      awk -v r="${b%%-*}" '/^---$/ { fm++; print; next }
        fm >= 2 && /^[A-Z]/ { sub(/\. /, ". [" r "] ") } { print }' "$f" >"$dir/$b"
    done
    sed "s/^profile: kazakhstan$/profile: distinct-$reps/" \
      "$P/briefings/legal-delegation-pack.yaml" >"$P/briefings/distinct-$reps.yaml"
  fi
  echo "$P/briefings/distinct-$reps.yaml"
}
pages_of() { # BRIEFING → its page count, from handbill's own report
  local n
  n=$("$HB" build "$1" --out "$OUT/pages" --force 2>"$WORK/pages.err" |
    sed -n 's/^built .* (\([0-9]*\) pages\?,.*/\1/p') || true
  [ -n "$n" ] || { cat "$WORK/pages.err" >&2; fail "could not build $1"; }
  echo "$n"
}

say "sizing the repeated packs"
p1=$(pages_of "$(make_pack 1)")
p20=$(pages_of "$(make_pack 20)")
declare -A REPS_FOR PAGES_OF
for target in 10 50 200 1000; do
  reps=$(( ((target - p1) * 19 + (p20 - p1) / 2) / (p20 - p1) + 1 ))
  [ "$reps" -ge 1 ] || reps=1
  best_reps=0 best_pages=0
  for _ in 1 2 3 4; do # correct for the contents pages, which grow too
    pages=$(pages_of "$(make_pack "$reps")")
    if [ $(( (pages - target) ** 2 )) -lt $(( (best_pages - target) ** 2 )) ]; then
      best_reps=$reps best_pages=$pages
    fi
    [ $(( (pages - target) * 100 / target )) -le 5 ] && [ $(( (target - pages) * 100 / target )) -le 5 ] && break
    next=$(( (reps * target + pages / 2) / pages ))
    if [ "$next" = "$reps" ]; then next=$(( pages < target ? reps + 1 : reps - 1 )); fi
    reps=$(( next < 1 ? 1 : next ))
  done
  REPS_FOR[$target]=$best_reps
  PAGES_OF[$target]=$best_pages
  say "  $target pages: $best_reps repeats → $best_pages pages"
done
DISTINCT=$(make_distinct "${REPS_FOR[1000]}")
DISTINCT_PAGES=$(pages_of "$DISTINCT")
say "  the same repeats, each its own text: $DISTINCT_PAGES pages"

# --------------------------------------------------------------- measure
R="$WORK/results"
mkdir -p "$R"
cores=$(nproc)
machine="$(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1048576 )) GiB"
cat >"$R/meta.json" <<EOF
{"runs": $RUNS, "typst": "$TYPST", "typst_py": "$TYPST_PY", "cores": $cores,
 "load": "$(cut -d' ' -f1-3 /proc/loadavg)", "date": "$(date -u +%Y-%m-%d)",
 "machine": "$machine"}
EOF

ALONE="$PY $ROOT/benches/typst/compile_alone.py"
TYPST_PY_CMD='import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3], font_paths=[sys.argv[4]], ignore_system_fonts=True)'
say "1. one document in a fresh process ($RUNS rounds)"
"$PY" "$MEASURE" time "$R/single.json" "$RUNS" 3 \
  "leaflet=$HB build $P/briefings/london-protest-leaflet.yaml --out $OUT/leaflet --force" \
  "leaflet-typst=$ALONE $ROOT/benches/typst/leaflet.typ $OUT/leaflet-typst.pdf $ROOT $ROOT/fonts" \
  "leaflet-typst-process=$PY -c '$TYPST_PY_CMD' $ROOT/benches/typst/leaflet.typ $OUT/leaflet-typst.pdf $ROOT $ROOT/fonts" \
  "pack=$HB build $P/briefings/legal-delegation-pack.yaml --out $OUT/pack --force" \
  "pack-typst=$ALONE $ROOT/benches/typst/pack.typ $OUT/pack-typst.pdf $ROOT $ROOT/fonts" \
  "pack-typst-process=$PY -c '$TYPST_PY_CMD' $ROOT/benches/typst/pack.typ $OUT/pack-typst.pdf $ROOT $ROOT/fonts"

COPY_RUNS=$(( RUNS < 5 ? RUNS : (RUNS + 2) / 3 ))
mkdir -p "$OUT/copies-typst"
say "2. 100 personalised copies ($COPY_RUNS rounds)"
"$PY" "$MEASURE" time "$R/copies.json" "$COPY_RUNS" 1 \
  "handbill=$HB build $COPIES --out $OUT/copies --force" \
  "handbill-j1=$HB build $COPIES --out $OUT/copies-j1 --force --jobs 1" \
  "typst=$PY $ROOT/benches/typst/copies.py $ROOT/benches/typst/pack.typ $ROOT $ROOT/fonts $NAMES $OUT/copies-typst"
n=$(find "$OUT/copies" -name 'pack-100-*.pdf' | wc -l)
[ "$n" = 100 ] || fail "expected 100 PDFs from handbill, found $n"
mkdir -p "$OUT/leaflets-typst"
say "2b. 1,000 copies of the leaflet ($COPY_RUNS rounds)"
"$PY" "$MEASURE" time "$R/leaflets.json" "$COPY_RUNS" 1 \
  "handbill=$HB build $LEAFLETS --out $OUT/leaflets --force" \
  "typst=$PY $ROOT/benches/typst/copies.py $ROOT/benches/typst/leaflet.typ $ROOT $ROOT/fonts $LEAFLET_NAMES $OUT/leaflets-typst"
n=$(find "$OUT/leaflets" -name 'leaflet-1000-*.pdf' | wc -l)
[ "$n" = 1000 ] || fail "expected 1,000 leaflets from handbill, found $n"
rm -rf "$OUT/leaflets" "$OUT/leaflets-typst"
"$PY" "$MEASURE" rss "$R/rss.json" 3 \
  "handbill=$HB build $COPIES --out $OUT/copies --force" \
  "pack-1000=$HB build $P/briefings/repeat-${REPS_FOR[1000]}.yaml --out $OUT/growth --force" \
  "pack-1000-distinct=$HB build $DISTINCT --out $OUT/growth --force" \
  "typst=$PY $ROOT/benches/typst/copies.py $ROOT/benches/typst/pack.typ $ROOT $ROOT/fonts $NAMES $OUT/copies-typst"

say "3. growth with pages ($COPY_RUNS rounds)"
growth=()
pages_json="{"
for target in 10 50 200 1000; do
  reps=${REPS_FOR[$target]}
  growth+=("$target=$HB build $P/briefings/repeat-$reps.yaml --out $OUT/growth --force")
  pages_json+="\"$target\": ${PAGES_OF[$target]},"
done
echo "${pages_json%,}}" >"$R/pages.json"
echo "{\"pages\": $DISTINCT_PAGES}" >"$R/distinct.json"
"$PY" "$MEASURE" time "$R/growth.json" "$COPY_RUNS" 1 "${growth[@]}"
"$PY" "$MEASURE" time "$R/distinct-time.json" "$COPY_RUNS" 1 \
  "pack-1000-distinct=$HB build $DISTINCT --out $OUT/growth --force"

echo
"$PY" "$MEASURE" report "$R"
