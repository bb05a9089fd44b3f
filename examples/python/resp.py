"""A minimal Redis client (RESP2 over a socket): enough to run a script. Standard library only.

Commands go out as arrays of bulk strings; replies come back as str, int, list or None, and an
error reply raises RedisError. No pipelining, no reconnects: one command at a time.
"""
import socket
from urllib.parse import urlsplit


class RedisError(Exception):
    pass


class Redis:
    def __init__(self, url="redis://127.0.0.1:6379", timeout=5):
        parts = urlsplit(url)  # redis://[[user]:password@]host:port
        self.sock = socket.create_connection((parts.hostname, parts.port or 6379), timeout=timeout)
        self.reader = self.sock.makefile("rb")
        if parts.password:
            self.call(*(["AUTH", parts.username, parts.password] if parts.username else ["AUTH", parts.password]))

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for arg in args:
            arg = arg if isinstance(arg, bytes) else str(arg).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
        self.sock.sendall(b"".join(out))
        return self._reply()

    def _reply(self):
        line = self.reader.readline()
        if not line:
            raise ConnectionError("redis closed the connection")
        kind, rest = line[:1], line[1:-2].decode()
        if kind == b"+":
            return rest
        if kind == b"-":
            raise RedisError(rest)
        if kind == b":":
            return int(rest)
        if kind == b"$":
            return None if rest == "-1" else self.reader.read(int(rest) + 2)[:-2].decode()
        if kind == b"*":
            return None if rest == "-1" else [self._reply() for _ in range(int(rest))]
        raise RedisError("unexpected reply: %r" % line)

    def close(self):
        self.reader.close()
        self.sock.close()
