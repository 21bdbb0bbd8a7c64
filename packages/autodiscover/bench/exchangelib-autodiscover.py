"""Times Debian's python3-exchangelib (4.9) autodiscovery against the bench's netns setup.

Run by discover.bench.mjs inside the network namespace that bench/netns.mjs builds, with
/usr/bin/python3 (Debian's interpreter, where python3-exchangelib is installed). exchangelib
resolves host names itself with dnspython (the namespace's resolv.conf points at the bench's DNS
server on 127.0.0.1:53), connects to ports 443/80 and verifies TLS against REQUESTS_CA_BUNDLE
(the sim's CA). One JSON object on argv[1]: email, username, password, rounds, timeout_s.
Prints one JSON line: the milliseconds of each round and what won.

Only the discovery is timed (time.perf_counter around it): interpreter start-up and imports are
not. exchangelib's on-disk autodiscover cache is cleared before every round, so each round walks
its steps from the start, as the first discovery for a domain does.
"""

import json
import sys
import time

import exchangelib
from exchangelib import Credentials
from exchangelib.autodiscover import clear_cache, close_connections
from exchangelib.autodiscover.discovery.pox import PoxAutodiscovery
from exchangelib.autodiscover.protocol import AutodiscoverProtocol


def main():
    config = json.loads(sys.argv[1])
    # exchangelib's own per-request timeout (requests' connect and read timeout; default 10 s):
    # set to the bench's connect timeout so a black-holed step costs the same as ours.
    AutodiscoverProtocol.TIMEOUT = config["timeout_s"]
    credentials = Credentials(username=config["username"], password=config["password"])
    rounds = []
    winner = None
    for _ in range(config["rounds"]):
        clear_cache()
        started = time.perf_counter()
        ad_response, protocol = PoxAutodiscovery(email=config["email"], credentials=credentials).discover()
        rounds.append((time.perf_counter() - started) * 1000)
        winner = protocol.service_endpoint
        close_connections()
    print(json.dumps({"version": exchangelib.__version__, "ms": rounds, "ewsUrl": winner}))


if __name__ == "__main__":
    main()
