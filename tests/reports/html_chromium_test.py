#!/usr/bin/env python3
"""peerlab run's HTML report in a real browser: headless Chromium (Debian's chromium) loads the pages
peerlab_write_report_samples wrote (argument: their directory) from file://, and
- the DOM has the verdict banner (id="verdict") with PASSED or FAILED,
- the charts (PLplot) and the session graph (Graphviz) are inline <svg> elements,
- hostile names stay text: no <script>, <iframe>, <img> or <style> of theirs reaches the DOM,
- a screenshot is drawn (report-screenshot.png beside the pages) and is not blank.
Chromium is run with networking features off (this machine has no network: without them it waits
on name resolution) and a fresh profile, under a timeout."""
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

samples = Path(sys.argv[1]).resolve()
chromium = shutil.which("chromium") or "/usr/bin/chromium"
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def run_chromium(args, timeout=120):
    profile = tempfile.mkdtemp(prefix="peerlab-chromium-")
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}"] + args
    try:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            raise SystemExit(f"FAIL: chromium did not finish within {timeout}s: {' '.join(cmd)}")
        return p.returncode, out, err
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def dump_dom(page):
    rc, out, err = run_chromium(["--dump-dom", (samples / page).as_uri()])
    check(rc == 0, f"{page}: chromium exit {rc}: {err[-2000:]}")
    return out


if not os.access(chromium, os.X_OK):
    print(f"FAIL: {chromium} not found (Debian package chromium; scripts/setup.sh installs it)")
    sys.exit(1)

for page, verdict, scenarios in [("passed.html", "PASSED", 1), ("failed.html", "FAILED", 2), ("all.html", "ERROR", 4)]:
    dom = dump_dom(page)
    banner = re.search(r'<header id="verdict" class="banner (\w+)">([A-Z]+)', dom)
    check(banner is not None and banner.group(2) == verdict, f"{page}: verdict banner {banner and banner.group(2)}")
    svgs = len(re.findall(r"<svg\b", dom))
    charts = len(re.findall(r'<figure class="chart"><svg\b', dom))
    graphs = len(re.findall(r'<div class="graph"><svg\b', dom))
    ran = scenarios - (1 if page == "all.html" else 0)  # the error scenario has no charts or graph
    check(charts >= 3 * ran, f"{page}: {charts} chart SVGs for {ran} scenarios")
    check(graphs == ran, f"{page}: {graphs} session graph SVGs for {ran} scenarios")
    check(svgs == charts + graphs, f"{page}: {svgs} <svg> elements")
    check(len(re.findall(r'<pre class="node-status">', dom)) == 5 * ran, f"{page}: node status of every node")
    for tag in ("<script", "<iframe", "<img", "<style>body", "<a href=\"x\""):
        check(tag not in dom, f"{page}: {tag} reached the DOM")
    if page == "all.html":
        check("&lt;script&gt;alert('name')&lt;/script&gt;" in dom, f"{page}: the hostile name is shown as text")

shot = samples / "report-screenshot.png"
shot.unlink(missing_ok=True)
rc, out, err = run_chromium([f"--screenshot={shot}", "--window-size=1280,2600", (samples / "failed.html").as_uri()])
check(rc == 0 and shot.exists(), f"screenshot: exit {rc}, written {shot.exists()}: {err[-2000:]}")
if shot.exists():
    data = shot.read_bytes()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "screenshot: PNG signature")
    # Decode enough of the PNG to see that it is not one flat colour: the IDAT stream, filtered rows.
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IHDR":
            width, height = struct.unpack(">II", data[pos + 8:pos + 16])
        elif kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    check(width == 1280 and height == 2600, f"screenshot: size {width}x{height}")
    check(len(set(raw)) > 32, f"screenshot: {len(set(raw))} distinct byte values (blank?)")
    check(len(data) > 50_000, f"screenshot: only {len(data)} bytes")
    print(f"screenshot: {shot} ({len(data)} bytes, {width}x{height})")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
