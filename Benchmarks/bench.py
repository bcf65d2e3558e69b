#!/usr/bin/env python3
"""Runs atlas-mock side by side with nginx and nghttpd serving the same response body, and writes the report.

Called by Benchmarks/run, which installs the tools and builds the release binary. Each ratio alternates the two
servers round by round (the machine is shared, so a slow moment hits both sides) and compares medians.
The headline compares the default configurations with access logs on (atlas-mock as users run it, one access-log
line per request, stderr redirected to a file; nginx with `access_log` to a buffered file; nghttpd has no access
log) and with every access log off (`--access-log off`, `access_log off`).
"""
import argparse
import hashlib
import json
import multiprocessing
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone

PROJECT = "32b6e34b3d91647abb20e7b8"
LIST_PATH = f"/api/atlas/v2/groups/{PROJECT}/clusters/Cluster0/backup/tenant/restores"
BENCH_CLUSTER = "Bench0"
ACCEPT = "application/vnd.atlas.2023-01-01+json"
SA_ID, SA_SECRET = "mdb_sa_id_mock", "mdb_sa_sk_mock"
API_PUBLIC, API_PRIVATE = "mockpublic", "mock-private-key-0000"
REALM = "MMS Public API"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# --- processes -------------------------------------------------------------------------------------------------


class AtlasMock:
    """One atlas-mock process on `--port 0`; the URL is the first line it prints. With `stderr_path`, it runs in
    its default configuration (an access-log line per request) with stderr going to that file; without, it runs
    with `--access-log off`."""

    def __init__(self, binary, extra=(), stderr_path=None):
        self.started = time.perf_counter()
        self.stderr = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
        logs = [] if stderr_path else ["--access-log", "off"]
        self.proc = subprocess.Popen([binary, "--port", "0", *logs, *extra],
                                     stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("http://"):
            raise SystemExit(f"atlas-mock printed {line!r} instead of its URL")
        self.url = line
        self.host, port = line[len("http://"):].rsplit(":", 1)
        self.port = int(port)
        # With a TLS listener the https:// URL is the second line.
        self.tls_url = self.proc.stdout.readline().strip() if "--tls-port" in extra else None

    def rss_kib(self, field="VmRSS"):
        """Resident set now (VmRSS), or its peak so far (VmHWM)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(re.search(field + r":\s+(\d+)", f.read()).group(1))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.stderr is not subprocess.DEVNULL:
            self.stderr.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"nothing listens on {port}")


class Nginx:
    """nginx with one worker serving the docroot (the body at the API path). With `access_log`, it logs every
    request to a file through a 64 KiB buffer (flushed every second), else it logs none; with `tls` (certificate,
    key), `ssl` and `http2` share its one port (ALPN picks)."""

    def __init__(self, workdir, docroot, access_log=False, tls=None):
        self.port = free_port()
        name = "nginx-tls" if tls else "nginx-logs" if access_log else "nginx"
        conf = os.path.join(workdir, name + ".conf")
        log = f"access_log {workdir}/{name}-access.log combined buffer=64k flush=1s" if access_log else "access_log off"
        listen, more = f"listen 127.0.0.1:{self.port};", ""
        if tls:
            listen = (f"listen 127.0.0.1:{self.port} ssl http2; ssl_certificate {tls[0]}; "
                      f"ssl_certificate_key {tls[1]}; ssl_protocols TLSv1.2 TLSv1.3;")
            more = " http2_max_requests 100000000;"
        with open(conf, "w") as f:
            f.write(f"""user root; worker_processes 1; daemon off; pid {workdir}/{name}.pid;
error_log {workdir}/{name}-error.log warn;
events {{ worker_connections 4096; }}
http {{
  {log}; keepalive_requests 100000000; keepalive_timeout 120s;{more}
  client_body_temp_path {workdir}/nginx-tmp; proxy_temp_path {workdir}/nginx-tmp;
  fastcgi_temp_path {workdir}/nginx-tmp; uwsgi_temp_path {workdir}/nginx-tmp; scgi_temp_path {workdir}/nginx-tmp;
  server {{ {listen} root {docroot}; default_type {ACCEPT}; }}
}}
""")
        os.makedirs(os.path.join(workdir, "nginx-tmp"), exist_ok=True)
        self.proc = subprocess.Popen(["nginx", "-c", conf, "-p", workdir], stderr=subprocess.DEVNULL)
        wait_port(self.port)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def certificate(workdir):
    """An ECDSA P-256 certificate for 127.0.0.1 and its key, which both servers use."""
    cert, key = os.path.join(workdir, "tls.pem"), os.path.join(workdir, "tls.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=IP:127.0.0.1", "-days", "2"], check=True, capture_output=True)
    return cert, key


class Nghttpd:
    """nghttpd in cleartext (h2c prior knowledge), one thread, serving the same docroot."""

    def __init__(self, docroot):
        self.port = free_port()
        self.proc = subprocess.Popen(["nghttpd", "--no-tls", "-d", docroot, str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


# --- clients ---------------------------------------------------------------------------------------------------


def token(url):
    req = urllib.request.Request(url + "/api/oauth/token", data=b"grant_type=client_credentials")
    import base64
    req.add_header("Authorization", "Basic " + base64.b64encode(f"{SA_ID}:{SA_SECRET}".encode()).decode())
    with urllib.request.urlopen(req) as r:
        return json.load(r)["access_token"]


def api_headers(bearer):
    """What every benchmarked request carries: the API version and a Bearer token of the server asked."""
    return [f"Accept: {ACCEPT}", f"Authorization: Bearer {bearer}"]


def get(url, bearer):
    req = urllib.request.Request(url, headers={"Accept": ACCEPT, "Authorization": f"Bearer {bearer}"})
    # The benchmark's certificate is its own; what is compared is the bytes served, not trust.
    with urllib.request.urlopen(req, context=ssl._create_unverified_context()) as r:
        return r.read()


def wrk(url, headers, connections, seconds):
    """Requests/s and p99 latency (ms) from one wrk run."""
    threads = max(1, min(2, connections))
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"wrk saw errors against {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = {}
    for p, v, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        pct[int(p)] = float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rps, pct[50], pct[99]


def h2load(url, headers, seconds, workdir):
    """Requests/s and p99 (ms) from h2load, 16 connections x 16 streams: h2c prior knowledge for an http:// URL,
    ALPN h2 for an https:// one."""
    logfile = os.path.join(workdir, "h2load.log")
    cmd = ["h2load", "-c", "16", "-m", "16", "-t", "2", "-D", str(seconds), "--log-file", logfile]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed", out)
    if not m or int(m.group(5)) or int(m.group(4)) == 0:
        raise SystemExit(f"h2load failed against {url}:\n{out}")
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
    durations = sorted(int(line.split("\t")[2]) for line in open(logfile) if line.strip())
    return rps, durations[len(durations) // 2] / 1000.0, durations[int(len(durations) * 0.99)] / 1000.0


def read_response(sock, buf):
    """Reads one Content-Length-framed response; returns (status, headers, rest of buffer)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    head, buf = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, value = line.split(":", 1)
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(buf) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return status, headers, buf[length:]


def digest_worker(args):
    """The Go SDK's Digest dance on one kept-alive connection, repeated until the deadline: pairs done."""
    host, port, deadline = args
    ha1 = hashlib.md5(f"{API_PUBLIC}:{REALM}:{API_PRIVATE}".encode()).hexdigest()
    ha2 = hashlib.md5(f"GET:{LIST_PATH}".encode()).hexdigest()
    plain = f"GET {LIST_PATH} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {ACCEPT}\r\n".encode()
    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf, pairs = b"", 0
    while time.time() < deadline:
        sock.sendall(plain + b"\r\n")
        status, headers, buf = read_response(sock, buf)
        if status != 401:
            raise SystemExit(f"expected 401, got {status}")
        nonce = re.search(r'nonce="([^"]+)"', headers["www-authenticate"]).group(1)
        cnonce = secrets.token_hex(8)
        response = hashlib.md5(f"{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}".encode()).hexdigest()
        auth = (f'Digest username="{API_PUBLIC}", realm="{REALM}", nonce="{nonce}", uri="{LIST_PATH}", '
                f'cnonce="{cnonce}", nc=00000001, qop=auth, response="{response}", algorithm=MD5')
        sock.sendall(plain + f"Authorization: {auth}\r\n\r\n".encode())
        status, headers, buf = read_response(sock, buf)
        if status != 200:
            raise SystemExit(f"expected 200 after the challenge, got {status}")
        pairs += 1
    sock.close()
    return pairs


def digest_pairs(server, processes, seconds):
    start = time.time()
    deadline = start + seconds
    with multiprocessing.Pool(processes) as pool:
        done = sum(pool.map(digest_worker, [(server.host, server.port, deadline)] * processes))
    return done / (time.time() - start)


def first_ok(host, port, path="/__admin/health"):
    """Polls until GET `path` answers 200 (what `curl` would do, minus curl's own exec time)."""
    while True:
        try:
            with socket.create_connection((host, port), 1) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
                status, _, _ = read_response(s, b"")
                if status == 200:
                    return
        except (OSError, ConnectionError):
            pass
        time.sleep(0.0005)


# --- fixture ---------------------------------------------------------------------------------------------------


def write_docroot(docroot, body):
    """A docroot serving `body` at the list path, for the reference servers; returns it."""
    os.makedirs(os.path.dirname(docroot + LIST_PATH))
    with open(docroot + LIST_PATH, "wb") as f:
        f.write(body)
    return docroot


def write_fixture(path, jobs):
    """A cluster `Bench0` in the default project holding `jobs` restore jobs with unique 24-hex ids."""
    with open(path, "w") as f:
        f.write('{"organizations":[],"projects":[],"clusters":[{"projectId":"%s","name":"%s","tier":"M2"}],'
                '"tenantRestoreJobs":[' % (PROJECT, BENCH_CLUSTER))
        for i in range(jobs):
            if i:
                f.write(",")
            f.write('{"id":"%s","projectId":"%s","clusterName":"%s","snapshotId":"%s","deliveryType":"RESTORE",'
                    '"status":"COMPLETED","restoreScheduledDate":"2025-12-09T14:21:05Z",'
                    '"restoreFinishedDate":"2025-12-09T14:26:41Z","snapshotFinishedDate":"2025-12-08T03:01:42Z",'
                    '"targetDeploymentItemName":"Cluster1","targetProjectId":"%s"}'
                    % ("b%023x" % i, PROJECT, BENCH_CLUSTER, "c%023x" % (i % 1000), PROJECT))
        f.write("]}")


def validate_fixtures(binary, path):
    """Wall seconds and peak RSS (MiB) of `atlas-mock validate-fixtures` on one file, after the default dataset
    (the file's cluster lives in the default project). The peak is the child's own high-water mark (`VmHWM`),
    read while it runs: `ru_maxrss` from wait4 reports this Python process's size instead whenever that is larger,
    because Linux carries the parent's high-water mark over fork and exec."""
    start = time.perf_counter()
    child = subprocess.Popen([binary, "validate-fixtures", os.path.join(ROOT, "fixtures/default"), path],
                             stdout=subprocess.DEVNULL)
    peak_kib = 0
    while child.poll() is None:
        try:
            with open(f"/proc/{child.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak_kib = max(peak_kib, int(line.split()[1]))
        except OSError:
            pass  # exited between poll() and open()
        time.sleep(0.002)
    elapsed = time.perf_counter() - start
    assert child.returncode == 0, f"validate-fixtures failed on {path}"
    return elapsed, peak_kib / 1024


# --- measurement -----------------------------------------------------------------------------------------------


def alternate(rounds, mock_fn, ref_fn):
    """Runs mock and reference alternately (order swapped every round); returns per-side lists of results."""
    mock, ref = [], []
    for r in range(rounds):
        if r % 2 == 0:
            mock.append(mock_fn())
            ref.append(ref_fn())
        else:
            ref.append(ref_fn())
            mock.append(mock_fn())
    return mock, ref


def med(results, i):
    return statistics.median(x[i] for x in results)


def machine():
    cpu = open("/proc/cpuinfo").read()
    model = re.search(r"model name\s*:\s*(.*)", cpu)
    mem = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))

    def version(cmd):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True)
            return (p.stdout + p.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"
    return [
        ("CPU", model.group(1) if model else platform.processor()),
        ("nproc", os.cpu_count()),
        ("memory", f"{mem // 1024} MiB"),
        ("kernel", platform.release()),
        ("swift", version(["swift", "--version"])),
        ("nginx", version(["nginx", "-v"])),
        ("nghttpd / h2load", version(["nghttpd", "--version"]) + " / " + version(["h2load", "--version"])),
        ("wrk", version(["wrk", "-v"])),
        ("python", platform.python_version()),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--quick", action="store_true", help="seconds-long smoke of every part")
    ap.add_argument("--note", help="append this line and the headline figures to BENCHMARKS.md's History")
    ap.add_argument("--only", help="comma-separated parts: h1,h2,tls,digest,startup,memory,fixtures,scaling")
    opts = ap.parse_args()
    q = opts.quick
    rounds, secs = (1, 1) if q else (5, 5)
    jobs = 2_000 if q else 100_000
    parts = set((opts.only or "h1,h2,tls,digest,startup,memory,fixtures,scaling").split(","))
    wall = time.time()
    work = tempfile.mkdtemp(prefix="atlas-bench-")
    rows = []  # (measure, atlas-mock, reference, ratio, goal, met)

    def row(measure, mock, ref="", ratio="", goal="", met=""):
        rows.append((measure, mock, ref, ratio, goal, met))
        log(f"  {measure}: {mock}  {ref}  {ratio}  {goal} {met}")

    def yes(ok):
        return "yes" if ok else "**no**"

    def wrk64(url, hdrs):
        return wrk(url + LIST_PATH, hdrs, 64, secs)

    def h2load16(url, hdrs):
        return h2load(url + LIST_PATH, hdrs, secs, work)

    def compare(measure, load, mock_side, ref_side, reference, goal, p99=None):
        """Runs `load(url, headers)` against both sides, each a (base URL, headers) pair, alternately; adds the
        req/s row (atlas-mock at least `goal` times the reference) and, when `p99` names it, the p99 row (at most
        1.5 times the reference's). Returns atlas-mock's median req/s."""
        m, r = alternate(rounds, lambda: load(*mock_side), lambda: load(*ref_side))
        ratio = med(m, 0) / med(r, 0)
        row(measure, f"{med(m, 0):,.0f}", f"{med(r, 0):,.0f} {reference}", f"{ratio:.2f}", f"≥ {goal}×",
            yes(ratio >= goal))
        if p99:
            p = med(m, 2) / med(r, 2)
            row(p99, f"{med(m, 2):.2f}", f"{med(r, 2):.2f} {reference}", f"{p:.2f}", "≤ 1.5×", yes(p <= 1.5))
        return med(m, 0)

    mock = AtlasMock(opts.binary)
    servers = [mock]
    try:
        bearer = token(mock.url)
        body = get(mock.url + LIST_PATH, bearer)
        docroot = write_docroot(os.path.join(work, "docroot"), body)
        headers = api_headers(bearer)
        log(f"atlas-mock {mock.url}; body {len(body)} bytes; work dir {work}")

        if "h1" in parts or "h2" in parts:
            # The default configuration: an access-log line per request, stderr to a file (as a CI job
            # redirecting it would); the mock above runs with --access-log off.
            logged = AtlasMock(opts.binary, stderr_path=os.path.join(work, "atlas-mock-stderr.log"))
            servers.append(logged)
            # Tokens are the issuing server's own: the logging instance needs one of its own.
            logged_headers = api_headers(token(logged.url))
        costs = []  # (protocol, req/s with atlas-mock's access log, without)

        def logs_on_and_off(proto, tool, load, ref_logged, ref_plain, reference, goal):
            """Rows for atlas-mock with its access log on (req/s and p99) and off (req/s), each against the
            reference's matching configuration; the pair of req/s goes to `costs`."""
            on = compare(f"{proto} req/s, access logs on ({tool})", load, (logged.url, logged_headers),
                         (ref_logged.url, headers), reference, goal, p99=f"{proto} p99 ms, access logs on")
            off = compare(f"{proto} req/s, access logs off ({tool})", load, (mock.url, headers),
                          (ref_plain.url, headers), reference, goal)
            costs.append((proto, on, off))

        if "h1" in parts:
            nginx_logged = Nginx(work, docroot, access_log=True)
            nginx = Nginx(work, docroot)
            servers += [nginx_logged, nginx]
            assert get(nginx.url + LIST_PATH, bearer) == body
            log("HTTP/1.1 keep-alive, wrk 64 connections: access logs on, then off")
            logs_on_and_off("HTTP/1.1", "wrk -c64", wrk64, nginx_logged, nginx, "nginx", 0.9)

        if "h2" in parts:
            nghttpd = Nghttpd(docroot)
            servers.append(nghttpd)
            log("h2c, h2load 16 connections x 16 streams: atlas-mock's access log on, then off (nghttpd has none)")
            logs_on_and_off("h2c", "h2load -c16 -m16", h2load16, nghttpd, nghttpd, "nghttpd", 0.8)

        for proto, on, off in costs:
            row(f"{proto}: atlas-mock req/s with its access log ÷ without", f"{on:,.0f} ÷ {off:,.0f}", "",
                f"{on / off:.2f}", "≥ 0.9×", yes(on / off >= 0.9))

        if "tls" in parts:
            # Keep-alive on both sides (wrk and h2load hold their connections), so handshakes are amortised and
            # what is compared is record encryption plus serving.
            cert, key = certificate(work)
            mock_tls = AtlasMock(opts.binary, ["--tls-cert", cert, "--tls-key", key, "--tls-port", "0"])
            servers.append(mock_tls)
            tls_bearer = token(mock_tls.url)
            tls_headers = api_headers(tls_bearer)
            # Links name the https URL, so the reference serves the body as atlas-mock sends it over TLS.
            tls_body = get(mock_tls.tls_url + LIST_PATH, tls_bearer)
            nginx_tls = Nginx(work, write_docroot(os.path.join(work, "docroot-tls"), tls_body), tls=(cert, key))
            servers.append(nginx_tls)
            assert get(nginx_tls.url + LIST_PATH, tls_bearer) == tls_body
            mock_side, ref_side = (mock_tls.tls_url, tls_headers), (nginx_tls.url, tls_headers)
            log("HTTP/1.1 over TLS keep-alive, wrk 64 connections")
            compare("HTTP/1.1 over TLS req/s (wrk -c64)", wrk64, mock_side, ref_side, "nginx ssl", 0.8,
                    p99="HTTP/1.1 over TLS p99 ms")
            log("h2 over TLS, h2load 16 connections x 16 streams")
            compare("h2 over TLS req/s (h2load -c16 -m16)", h2load16, mock_side, ref_side, "nginx ssl http2", 0.8,
                    p99="h2 over TLS p99 ms")

        if "digest" in parts:
            log("Digest challenge + signed retry pairs")
            procs = 4
            runs = [digest_pairs(mock, procs, secs) for _ in range(rounds)]
            row(f"Digest 401→200 pairs/s ({procs} Python clients)", f"{statistics.median(runs):,.0f}")

        if "scaling" in parts:
            if "h1" not in parts:
                nginx = Nginx(work, docroot)
                servers.append(nginx)
            log("scaling")
            for c in (1, 16, 64, 256):
                m, r = alternate(max(1, rounds - 2), lambda: wrk(mock.url + LIST_PATH, headers, c, max(1, secs - 2)),
                                 lambda: wrk(nginx.url + LIST_PATH, headers, c, max(1, secs - 2)))
                row(f"scaling c={c}: req/s · p99 ms", f"{med(m, 0):,.0f} · {med(m, 2):.2f}",
                    f"{med(r, 0):,.0f} · {med(r, 2):.2f} nginx", f"{med(m, 0) / med(r, 0):.2f}")
    finally:
        for s in servers:
            s.stop()

    if "startup" in parts:
        log("start-up")
        n = 5 if q else 30
        times = []
        for _ in range(n):
            s = AtlasMock(opts.binary)
            first_ok(s.host, s.port)
            times.append((time.perf_counter() - s.started) * 1000)
            s.stop()
        times.sort()
        row(f"start-up ms, exec → first 200 (median of {n})", f"{statistics.median(times):.1f}", "", "",
            "≤ 20", yes(statistics.median(times) <= 20))
        row(f"start-up ms, worst of {n}", f"{times[-1]:.1f}")

    if "memory" in parts:
        log("memory")
        s = AtlasMock(opts.binary)
        first_ok(s.host, s.port)
        time.sleep(0.5)
        idle = s.rss_kib() / 1024
        s.stop()
        row("RSS idle MiB", f"{idle:.1f}", "", "", "≤ 16", yes(idle <= 16))
        fixture = os.path.join(work, "jobs.json")
        write_fixture(fixture, jobs)
        loads, rss, peaks = [], [], []
        for _ in range(1 if q else 3):
            s = AtlasMock(opts.binary, ["--fixtures", os.path.join(ROOT, "fixtures/default"), "--fixtures", fixture])
            first_ok(s.host, s.port)
            loads.append(time.perf_counter() - s.started)
            # Steady state: once serving, the server hands the parse's freed heap back (malloc_trim) in the
            # background; the peak during the load is reported on its own row.
            time.sleep(1)
            rss.append(s.rss_kib() / 1024)
            peaks.append(s.rss_kib("VmHWM") / 1024)
            if len(loads) < (1 if q else 3):
                s.stop()
        row(f"{jobs:,} jobs: load s (exec → first 200)", f"{statistics.median(loads):.2f}", "", "", "≤ 1",
            yes(statistics.median(loads) <= 1))
        try:
            bearer = token(s.url)
            hdrs = api_headers(bearer)
            base = f"{s.url}/api/atlas/v2/groups/{PROJECT}/clusters/{BENCH_CLUSTER}/backup/tenant/restores"
            last = jobs // 100
            page1 = json.loads(get(base + "?itemsPerPage=100&pageNum=1", bearer))
            pageN = json.loads(get(base + f"?itemsPerPage=100&pageNum={last}", bearer))
            assert len(page1["results"]) == 100 and len(pageN["results"]) == 100, "pages are not 100 items"
            for label, url in (("first", base + "?itemsPerPage=100&pageNum=1"),
                               (f"last (pageNum={last})", base + f"?itemsPerPage=100&pageNum={last}")):
                runs = [wrk(url, hdrs, 1, max(1, secs - 2)) for _ in range(max(1, rounds - 2))]
                row(f"100-item page, {label}: p50 · p99 ms (wrk -c1)", f"{med(runs, 1):.2f} · {med(runs, 2):.2f}",
                    "", "", "p50 ≤ 1", yes(med(runs, 1) <= 1))
            after = s.rss_kib() / 1024
        finally:
            s.stop()
        r = max(statistics.median(rss), after)
        row(f"{jobs:,} jobs: RSS MiB (1 s after load, and after paging)", f"{r:.1f}", "", "", "≤ 128", yes(r <= 128))
        row(f"{jobs:,} jobs: peak RSS MiB while loading", f"{statistics.median(peaks):.1f}")

    if "fixtures" in parts:
        log("fixtures")
        # Loading must be linear in time and bounded in memory: 3x the jobs in at most 3x the time, peaking
        # under twice the file's size (the decoder reads records straight from the bytes).
        small, large = (2_000, 6_000) if q else (100_000, 300_000)
        figures = {}
        for count in (small, large):
            path = os.path.join(work, f"validate-{count}.json")
            write_fixture(path, count)
            size = os.path.getsize(path) / 2**20
            times, peaks = [], []
            for _ in range(1 if q else 3):
                times_, peak = validate_fixtures(opts.binary, path)
                times.append(times_)
                peaks.append(peak)
            figures[count] = (statistics.median(times), statistics.median(peaks), size)
            os.remove(path)
        (t1, p1, s1), (t3, p3, s3) = figures[small], figures[large]
        row(f"validate-fixtures {small:,} jobs: s · peak MiB (file {s1:.0f} MiB)", f"{t1:.2f} · {p1:.0f}")
        # A --quick file of a few MiB is smaller than the process itself, so its peak says nothing of the decoder.
        row(f"validate-fixtures {large:,} jobs: s · peak MiB (file {s3:.0f} MiB)", f"{t3:.2f} · {p3:.0f}", "", "",
            "peak < 2x file", "n/a in --quick" if q else yes(p3 < 2 * s3))
        row(f"validate-fixtures time, {large:,} / {small:,} jobs", f"{t3 / t1:.2f}", "", "", "≤ 3", yes(t3 / t1 <= 3))

    shutil.rmtree(work, ignore_errors=True)
    report(rows, opts, time.time() - wall)


def report(rows, opts, seconds):
    table = ["| measure | atlas-mock | reference | ratio | goal | met |", "|---|---:|---:|---:|---|---|"]
    table += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    print("\n".join(table))
    log(f"took {seconds:.0f} s")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    text = [
        "# Benchmarks", "",
        "Generated by `Benchmarks/run` (do not edit above History by hand). The headline rows compare default "
        "configurations: access logs on (atlas-mock as users run it, one access-log line per request, stderr "
        "redirected to a file; nginx with `access_log` to a file through a 64 KiB buffer; nghttpd has no access log) "
        "and every access log off (`--access-log off`, `access_log off`); the other rows run with `--access-log off`. "
        "Rows before this layout (History up to 2026-11-29) ran atlas-mock at `--log-level warning`, the logs-off "
        "case. nginx runs one worker and nghttpd one thread; both serve the "
        "exact body atlas-mock returns for the Bearer list request, from a file at the same path. Each ratio "
        "alternates the two servers over several rounds and compares medians. Client and servers share the "
        "machine, which other people use too: read ratios, not absolute figures.", "",
        f"Run {stamp} at `{commit}`{' (--quick)' if opts.quick else ''}, {seconds:.0f} s.", "",
        "## Machine", "", "| | |", "|---|---|",
    ]
    text += [f"| {k} | {v} |" for k, v in machine()]
    text += ["", "## Results", ""] + table + [""]
    if opts.quick:
        os.makedirs(os.path.join(ROOT, "Benchmarks/results"), exist_ok=True)
        with open(os.path.join(ROOT, "Benchmarks/results/quick.md"), "w") as f:
            f.write("\n".join(text))
        return
    path = os.path.join(ROOT, "BENCHMARKS.md")
    history = ["## History", ""]
    if os.path.exists(path):
        old = open(path).read()
        if "## History" in old:
            history = ["## History", ""] + old.split("## History", 1)[1].strip("\n").split("\n")
    if opts.note:
        headline = "; ".join(f"{r[0]} {r[1]}" + (f" ({r[3]}×)" if r[3] else "") for r in rows)
        history.append(f"- {stamp} `{commit}`: {opts.note}. Figures: {headline}.")
    with open(path, "w") as f:
        f.write("\n".join(text + history).rstrip() + "\n")


if __name__ == "__main__":
    main()
