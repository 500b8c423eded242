"""A minimal QMP client over a UNIX socket (standard library only)."""

import json
import socket
import time


class QMP:
    def __init__(self, path, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.file = self.sock.makefile('rw')
        self.events = []
        json.loads(self.file.readline())          # greeting
        self.cmd('qmp_capabilities')

    def _read(self):
        line = self.file.readline()
        if not line:
            raise EOFError('QEMU closed the QMP connection')
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.file.write(json.dumps(msg) + '\n')
        self.file.flush()
        while True:
            r = self._read()
            if 'event' in r:
                self.events.append(r)
                continue
            return r

    def hmp(self, line):
        r = self.cmd('human-monitor-command', **{'command-line': line})
        if 'error' in r:
            raise RuntimeError(r['error']['desc'])
        return r['return']

    def wait_event(self, name, timeout=30.0, match=None):
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e['event'] == name and (match is None or match(e)):
                    return self.events.pop(i)
            if time.monotonic() > deadline:
                raise TimeoutError('no %s event within %.0f s' % (name, timeout))
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                self.events.append(self._read())
            except socket.timeout:
                pass
            finally:
                self.sock.settimeout(None)
