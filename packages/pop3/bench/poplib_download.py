"""Downloads messages 1..count with Python's poplib (POP3_SSL), one RETR at a time (poplib
has no pipelining), and prints one JSON line: messages, bytes, sha256 over all bodies, seconds, cpu_seconds.

The timer covers the RETRs only (not interpreter start, TLS handshake or login), like the
Node clients. The hash is computed after the timer stops, over the bodies as poplib returns
them: lines without CRLF, dot-unstuffed, so each body is CRLF.join(lines) + CRLF.

Usage: poplib_download.py HOST PORT USERNAME COUNT, with {"password", "ca"} (the CA as PEM)
as JSON on stdin, so neither the password nor a CA file touches the command line or the disk.
"""

import hashlib
import json
import poplib
import ssl
import sys
import time


def main() -> None:
    host, port, username, count = sys.argv[1:5]
    secrets = json.load(sys.stdin)
    password = secrets["password"]
    context = ssl.create_default_context(cadata=secrets["ca"])
    client = poplib.POP3_SSL(host, int(port), context=context, timeout=60)
    client.user(username)
    client.pass_(password)
    bodies = []
    cpu = time.process_time()
    started = time.perf_counter()
    for number in range(1, int(count) + 1):
        _response, lines, _octets = client.retr(number)
        bodies.append(lines)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu
    client.quit()
    digest = hashlib.sha256()
    total = 0
    for lines in bodies:
        body = b"\r\n".join(lines) + b"\r\n"
        total += len(body)
        digest.update(body)
    print(json.dumps({"messages": len(bodies), "bytes": total, "sha256": digest.hexdigest(), "seconds": seconds, "cpu_seconds": cpu_seconds}))


if __name__ == "__main__":
    main()
