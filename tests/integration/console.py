"""A small recvtty: the receiving end of `--console-socket`.

The runtime connects to an AF_UNIX socket and sends the pty master fd with SCM_RIGHTS. We read
everything the container writes to its terminal until the slave side is closed (EIO on Linux).
"""
import array
import os
import socket
import tempfile
import threading
from pathlib import Path


class ConsoleReceiver:
    def __init__(self):
        # sun_path is 108 bytes: keep the socket in a short private directory, not in pytest's tmp path.
        self.dir = tempfile.mkdtemp(prefix="rit-tty-", dir="/tmp")
        self.path = str(Path(self.dir) / "tty.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(4)
        self.chunks = []
        self.master = None
        self.error = None
        self.connected = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.sock.accept()
            with conn:
                self.master = self._receive_fd(conn)
            self.connected.set()
            self._drain()
        except Exception as exc:  # reported by output(); a test must not hang on a broken runtime
            self.error = exc
            self.connected.set()

    @staticmethod
    def _receive_fd(conn):
        fds = array.array("i")
        _, ancdata, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(fds.itemsize * 4))
        for level, kind, data in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
        if len(fds) != 1:
            raise RuntimeError(f"expected exactly one fd over the console socket, got {len(fds)}")
        return fds[0]

    def _drain(self):
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: every slave fd is closed, the container's terminal is gone
                return
            if not data:
                return
            self.chunks.append(data)

    def write(self, data: bytes):
        self.connected.wait(30)
        os.write(self.master, data)

    def output(self, timeout=30):
        """All terminal output, once the container side closed the pty."""
        self.thread.join(timeout)
        if self.error:
            raise self.error
        if self.thread.is_alive():
            raise AssertionError("console still open; container did not close its terminal")
        return b"".join(self.chunks).decode(errors="replace")

    def close(self):
        try:
            self.sock.close()
        finally:
            if self.master is not None:
                try:
                    os.close(self.master)
                except OSError:
                    pass
            for name in os.listdir(self.dir):
                os.unlink(os.path.join(self.dir, name))
            os.rmdir(self.dir)
