"""One timed run of Python's imaplib (IMAP4_SSL, certificate verified against the bench CA).

Usage: imaplib_bench.py HOST PORT USERNAME WORKLOAD, with {"password", "ca", "uids"} as JSON
on stdin. WORKLOAD "envelopes": UID SEARCH ALL, then UID FETCH (UID FLAGS ENVELOPE RFC822.SIZE
INTERNALDATE) in chunks of 200 UIDs. "downloads": UID FETCH (BODY.PEEK[]) of the given UIDs in
chunks of 50. SELECT is inside the timer, login outside, as for the Node clients. Prints one
JSON line: seconds, cpu_seconds, messages, and sizeSum/distinctUids or bytes/sha256.
"""

import hashlib
import json
import re
import resource
import ssl
import sys
import time

import imaplib

UID_RE = re.compile(rb"UID (\d+)")
SIZE_RE = re.compile(rb"RFC822\.SIZE (\d+)")


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def chunks(values, size):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def envelopes(client):
    _typ, data = client.uid("SEARCH", None, "ALL")
    uids = [int(value) for value in data[0].split()]
    responses = []
    for chunk in chunks(uids, 200):
        ids = ",".join(str(uid) for uid in chunk)
        _typ, data = client.uid("FETCH", ids, "(UID FLAGS ENVELOPE RFC822.SIZE INTERNALDATE)")
        responses.extend(data)
    return responses


def summarize_envelopes(responses):
    # A response whose ENVELOPE held a literal would arrive as a tuple (prefix, literal) and the
    # rest as bytes; the bench's subjects are plain ASCII, so each response is one bytes item.
    seen = set()
    size_sum = 0
    messages = 0
    for item in responses:
        text = item[0] if isinstance(item, tuple) else item
        # imaplib hands untagged FETCH data on without "* " and "FETCH": b'7 (UID 7 FLAGS ...'
        if not isinstance(text, bytes) or b"(UID " not in text:
            continue
        uid = UID_RE.search(text)
        size = SIZE_RE.search(text)
        if uid is None or size is None:
            continue
        messages += 1
        seen.add(int(uid.group(1)))
        size_sum += int(size.group(1))
    return {"messages": messages, "sizeSum": size_sum, "distinctUids": len(seen)}


def downloads(client, uids):
    bodies = {}
    for chunk in chunks(uids, 50):
        ids = ",".join(str(uid) for uid in chunk)
        _typ, data = client.uid("FETCH", ids, "(BODY.PEEK[])")
        for item in data:
            if isinstance(item, tuple):
                uid = UID_RE.search(item[0])
                bodies[int(uid.group(1))] = item[1]
    return [bodies[uid] for uid in uids if uid in bodies]


def main() -> None:
    host, port, username, workload = sys.argv[1:5]
    job = json.load(sys.stdin)
    context = ssl.create_default_context(cadata=job["ca"])
    client = imaplib.IMAP4_SSL(host, int(port), ssl_context=context, timeout=120)
    client.login(username, job["password"])
    cpu_start = cpu()
    started = time.perf_counter()
    client.select("INBOX", readonly=True)
    if workload == "envelopes":
        out = envelopes(client)
    else:
        out = downloads(client, job["uids"])
    seconds = time.perf_counter() - started
    cpu_seconds = cpu() - cpu_start
    client.logout()
    if workload == "envelopes":
        result = summarize_envelopes(out)
    else:
        digest = hashlib.sha256()
        for body in out:
            digest.update(body)
        result = {"messages": len(out), "bytes": sum(len(body) for body in out), "sha256": digest.hexdigest()}
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, **result}))


if __name__ == "__main__":
    main()
