#!/usr/bin/env bash
# Regenerates the seed corpus of each fuzz target (fuzz/corpus/<target>/) from the project's own
# inputs: every YAML file under examples/ and tests/, the files embedded in golden transcripts
# ("--- file NAME" blocks), and every calicoctl command line of the golden transcripts. The
# regression inputs (fuzz/corpus/*/regress-*) are hand-kept and not touched. Run it after adding
# examples or transcripts, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
res=fuzz/corpus/fuzz_resources ds=fuzz/corpus/fuzz_datastore ctl=fuzz/corpus/fuzz_ctl_args
mkdir -p "$res" "$ds" "$ctl"
find "$res" "$ds" "$ctl" -name 'seed-*' -delete

n=0
while IFS= read -r f; do
  [ "$(stat -c %s "$f")" -le 65536 ] || continue   # libFuzzer's -max_len keeps inputs small
  name=seed-$(echo "${f%.yaml}" | tr '/' '_').yaml
  cp "$f" "$res/$name"
  cp "$f" "$ds/$name"
  n=$((n + 1))
done < <(find examples tests -name '*.yaml' -not -path '*/pictures/*' | sort)

# "--- file NAME" blocks of the transcripts: YAML files the golden sessions work on.
python3 - "$res" "$ds" "$ctl" <<'PY'
import glob, os, re, sys
res, ds, ctl = sys.argv[1:]
files, lines = 0, set()
for t in sorted(glob.glob('tests/golden/**/*.transcript', recursive=True)):
    base = os.path.basename(t).removesuffix('.transcript')
    text = open(t, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(text):
        m = re.match(r'^--- file (\S+)', text[i])
        if m:
            j = i + 1
            while j < len(text) and not text[j].startswith('--- ') and not text[j].startswith('$ '):
                j += 1
            body = '\n'.join(text[i + 1:j]) + '\n'
            name = f'seed-{base}-{os.path.basename(m.group(1))}'
            for d in (res, ds):
                open(os.path.join(d, name), 'w', encoding='utf-8').write(body)
            files += 1
            i = j
            continue
        for cmd in text[i][2:].split('&&') if text[i].startswith('$ ') else []:
            cmd = cmd.strip()
            if cmd.startswith('calicoctl') or cmd.startswith('peerlab ctl'):
                lines.add(cmd.split('|')[0].strip())
        i += 1
for k, line in enumerate(sorted(lines)):
    open(os.path.join(ctl, f'seed-{k:03d}'), 'w', encoding='utf-8').write(line + '\n')
print(f'{files} transcript files, {len(lines)} command lines')
PY
echo "$n YAML files"

# The simulator reads the same topologies as the loader (it runs those that load and fit).
sim=fuzz/corpus/fuzz_simulate
mkdir -p "$sim"
find "$sim" -name 'seed-*' -delete
cp "$res"/seed-* "$sim"/
