# A TCP port on 127.0.0.1 where connect() never completes: the listener's accept queue
# (listen(0) holds one connection) is filled by our own connects and never drained, so Linux
# drops every further SYN (net.ipv4.tcp_abort_on_overflow=0, the default) and the client sits
# in SYN_SENT, retransmitting - what a firewall that drops packets, or an unrouted address,
# looks like to the client. Prints the port, then waits until its stdin closes.
import socket
import sys

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(0)
port = listener.getsockname()[1]
fillers = []
for _ in range(3):
    filler = socket.socket()
    filler.setblocking(False)
    try:
        filler.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fillers.append(filler)
print(port, flush=True)
sys.stdin.read()
