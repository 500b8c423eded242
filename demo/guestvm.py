"""The Linux test guest on QEMU, shared by demo.py and bench.py.

Guest runs the guest of the NVMe hot-swap functional test
(tests/functional/x86_64/nvme_guest.py: Debian's 6.1 kernel and busybox)
in a QEMUMachine, with its serial console and QMP, and times what the
guest sees; guest_kernel() builds that guest, log_to() sends the logs to
files; fill(), ms() and DemoError go with them.

QEMU's python package, its functional test package (qemu_test) and
nvme_guest.py come from the QEMU tree (build/qemu).  Importing this module
changes nothing: call setup() first; it sets QEMU_TEST_CACHE_DIR if unset,
puts the tree's python directories at the front of sys.path and imports
them, after which QEMUMachine and nvme_guest are attributes of this
module.  GuestConsole drives the guest's shell over its serial console.
"""

import logging
import os
import re
import socket
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, 'build')
TREE = os.path.join(BUILD, 'qemu')

# Set by setup(): the functional tests' cache directory, and what comes
# from the QEMU tree.
CACHE = None
QEMUMachine = None
nvme_guest = None


def setup(tree=TREE):
    """Make the QEMU tree's python usable: set QEMU_TEST_CACHE_DIR (unless
    set already) to build/cache/functional, put tree/python,
    tree/tests/functional and tree/tests/functional/x86_64 at the front
    of sys.path and import qemu.machine and nvme_guest from there.  Call it once, before anything
    that starts a guest; calling it again does nothing more."""
    # pylint: disable=global-statement,import-outside-toplevel
    global CACHE, QEMUMachine, nvme_guest
    if nvme_guest is not None:
        return
    CACHE = os.environ.setdefault('QEMU_TEST_CACHE_DIR',
                                  os.path.join(BUILD, 'cache', 'functional'))
    sys.path[:0] = [os.path.join(tree, 'python'),
                    os.path.join(tree, 'tests', 'functional'),
                    os.path.join(tree, 'tests', 'functional', 'x86_64')]
    from qemu.machine import QEMUMachine as machine
    import nvme_guest as ng
    QEMUMachine = machine
    nvme_guest = ng


MiB = 1024 * 1024

# The guest polls every this many seconds (read -t on a FIFO: no fork).
POLL = 0.002


class DemoError(Exception):
    """A step (of the demo or the bench) did not do what it should; the
    message says what."""


class GuestError(DemoError):
    """The guest did not do what was expected (timeout, panic, EOF)."""


class GuestConsole:
    """Drive the guest's busybox shell over the serial console of a
    QEMUMachine started with set_console(), with a timeout on every wait
    (the functional test uses qemu_test's console helpers instead).

    Every line read is logged to the 'console' logger."""

    FAILURES = ('Kernel panic - not syncing',)

    def __init__(self, vm, timeout=60.0):
        self.sock = vm.console_socket
        self.log = logging.getLogger('console')
        self.timeout = timeout
        self.buf = ''
        self._line = ''
        self._seq = 0

    def _read(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.sock.settimeout(min(left, 1.0))
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            return True
        if not data:
            raise GuestError('EOF on the console: QEMU has gone')
        text = data.decode('utf-8', errors='replace').replace('\r', '')
        self.buf += text
        self._line += text
        *lines, self._line = self._line.split('\n')
        for line in lines:
            self.log.debug(line)
        for f in self.FAILURES:
            if f in self.buf:
                raise GuestError(f'guest: {f}')
        return True

    def wait_for(self, pattern, timeout=None):
        """Read until pattern (a regex) matches; return the match and
        drop everything up to its end from the buffer."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            if not self._read(deadline):
                raise GuestError(f'timeout waiting for {pattern!r}; '
                                 f'last output: {self.buf[-500:]!r}')

    def wait_for_shell(self, timeout=120):
        """Wait for /init to finish and the shell to prompt."""
        self.wait_for(re.escape(nvme_guest.READY_MARKER), timeout)
        self.wait_for(re.escape(nvme_guest.PROMPT), 30)

    def run(self, cmd, timeout=None):
        """Run a shell command line in the guest; return (status, output).
        The line and how its output is framed are nvme_guest.py's, which
        the functional test uses too."""
        self._seq += 1
        line, _ = nvme_guest.shell_command(self._seq, cmd)
        self.sock.sendall(line.encode() + b'\n')
        m = self.wait_for(nvme_guest.shell_result(self._seq),
                          timeout or self.timeout)
        return int(m['status']), m['out']


def fill(path, tag, size):
    """A raw image of size bytes: tag (16 characters) over and over, so
    that every sector starts with it."""
    assert len(tag) == 16 and 512 % len(tag) == 0
    with open(path, 'wb') as f:
        f.write(tag.encode() * (size // len(tag)))
    return path


def guest_debs():
    """The guest's kernel and busybox packages: the kernel .deb that
    $QEMU_TEST_NVME_KERNEL_DEB names, or else the one nvme_guest.py pins,
    and the pinned busybox, both from the functional test cache, where
    scripts/guest-assets.sh puts them (checked against their sha256)."""
    download = os.path.join(CACHE, 'download')
    kernel = (nvme_guest.local_kernel_deb() or
              os.path.join(download, nvme_guest.KERNEL_DEB.sha256))
    busybox = os.path.join(download, nvme_guest.BUSYBOX_DEB.sha256)
    for deb in (kernel, busybox):
        if not os.path.isfile(deb):
            raise DemoError(f'{deb} is missing: run scripts/guest-assets.sh')
    return kernel, busybox


def guest_kernel(outdir):
    """Build (or reuse) the guest (kernel + initramfs) in outdir."""
    kernel, busybox = guest_debs()
    try:
        guest = nvme_guest.build_initramfs(kernel, busybox, outdir)
    except Exception as e:            # pylint: disable=broad-except
        raise DemoError(f'cannot build the guest from {kernel} and '
                        f'{busybox}: {e}')
    return guest


def ms(seconds):
    """Seconds in milliseconds."""
    return seconds * 1000.0


class Guest:
    """A QEMU running the nvme_guest Linux guest, with its console and QMP,
    and helpers that time what the guest sees."""

    def __init__(self, qemu_bin, guest, accel, args, workdir, name='vm',
                 memory='512M', extra_cmdline=''):
        self.name = name
        self.qemu_bin = qemu_bin
        self.vm = QEMUMachine(qemu_bin, name=name, base_temp_dir=workdir)
        self.vm.set_machine('q35')
        self.vm.set_console()
        self.vm.add_args(*nvme_guest.qemu_args(guest, accel, memory=memory,
                                               cmdline=extra_cmdline),
                         *args)
        self.con = None
        self.launched = False
        self.t_start = None
        self.seq = 0
        self.events = []

    # -- life cycle ---------------------------------------------------------

    def launch(self, timeout=120):
        """Start QEMU, wait for the guest's shell; returns seconds taken."""
        self.start()
        return self.ready(timeout)

    def start(self):
        """Start QEMU (the guest boots meanwhile; see ready())."""
        self.t_start = time.monotonic()
        try:
            self.vm.launch()
        except Exception as e:        # pylint: disable=broad-except
            log = self.vm.get_log() or ''
            raise DemoError(f'{self.name}: QEMU did not start: {e}\n'
                            f'{log.strip()}')
        self.launched = True
        self.con = GuestConsole(self.vm, timeout=60)

    def ready(self, timeout=120):
        """Wait for the guest's shell; returns seconds since start()."""
        self.con.wait_for_shell(timeout)
        # a FIFO nobody writes to: "read -t" on it is a sleep without fork
        self.sh('mkfifo /tmp/tick && exec 3<>/tmp/tick')
        return time.monotonic() - self.t_start

    def shutdown(self):
        """Stop QEMU: shut it down, or kill it if that fails."""
        try:
            self.vm.shutdown(timeout=10)
        except Exception:             # pylint: disable=broad-except
            try:
                self.vm.kill()
            except Exception:         # pylint: disable=broad-except
                pass

    def pid(self):
        """QEMU's process id."""
        return self.vm.get_pid()

    def rss_kib(self, field='VmRSS'):
        """field (VmRSS, RssAnon, ...) of QEMU's /proc/<pid>/status, KiB."""
        with open(f'/proc/{self.pid()}/status', encoding='ascii') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
        raise DemoError(f'no {field} in /proc/{self.pid()}/status')

    # -- guest shell --------------------------------------------------------

    def sh(self, cmd, timeout=60, check=True):
        """Run cmd in the guest, return its output (stripped)."""
        status, out = self.con.run(cmd, timeout)
        if check and status:
            raise DemoError(f'guest command {cmd!r} exited {status}: '
                            f'{out.strip()}')
        return out.strip()

    def dmesg_tail(self, n=25):
        """The guest kernel's last n messages (or why they cannot be
        read)."""
        try:
            return self.sh(f'dmesg | tail -{n}', timeout=15, check=False)
        except Exception as e:        # pylint: disable=broad-except
            return f'(cannot read the guest dmesg: {e})'

    def watch(self, conds, action, timeout=30.0):
        """Time guest-visible changes caused by action().

        conds: list of (label, shell condition).  A loop is started in the
        guest that evaluates each condition every POLL seconds and reports
        it on the console the first time it holds; once it is running,
        action() runs on the host.  Returns (action's result, {label:
        milliseconds from just before action() to the host reading the
        guest's report, or None if it did not hold within timeout}).
        """
        self.seq += 1
        n = self.seq
        k_all = range(len(conds))
        body = '; '.join(f'[ $d{k} = 0 ] && {{ {c}; }} && '
                         f'{{ d{k}=1; echo @@W{n}""H{k}@@; }}'
                         for k, (_, c) in zip(k_all, conds))
        done = ''.join(f'$d{k}' for k in k_all)
        line = (' '.join(f'd{k}=0;' for k in k_all) +
                f' i={int(timeout / POLL)}; echo @@W{n}""R@@; '
                f'while [ $i -gt 0 ]; do {body}; '
                f'[ "{done}" = "{"1" * len(conds)}" ] && break; '
                f'i=$((i - 1)); read -t {POLL} x <&3; done; '
                f'echo @@W{n}""D@@\n')
        self.con.sock.sendall(line.encode())
        self.con.wait_for(rf'@@W{n}R@@', 30)
        t0 = time.monotonic()
        result = action()
        seen = {label: None for label, _ in conds}
        while True:
            m = self.con.wait_for(rf'@@W{n}(?:H(\d+)|D)@@', timeout * 4 + 30)
            now = time.monotonic()
            if m.group(1) is None:
                break
            seen[conds[int(m.group(1))][0]] = ms(now - t0)
        self.con.wait_for(re.escape(nvme_guest.PROMPT), 10)
        return result, seen

    def disks(self):
        """The guest's NVMe namespace block devices (multipath heads or
        plain namespaces, not the hidden per-controller paths):
        [(name, bytes, first 16 bytes or None, error)]."""
        out = self.sh(
            'for d in /sys/block/nvme*; do [ -e "$d" ] || continue; '
            'n=${d##*/}; case $n in nvme*c*) continue;; esac; '
            'if dd if=/dev/$n of=/tmp/blk bs=4096 count=1 iflag=direct '
            '2>/tmp/err; then h=$(od -An -tx1 -N16 /tmp/blk | tr -d "\\n");'
            ' else h="ERR $(tail -1 /tmp/err)"; fi; '
            'echo "$n $(cat $d/size) $h"; done')
        disks = []
        for line in out.splitlines():
            name, sectors, rest = line.split(' ', 2)
            if rest.startswith('ERR '):
                err = rest[4:]
                disks.append((name, int(sectors) * 512, None, err))
            else:
                data = bytes(int(x, 16) for x in rest.split())
                disks.append((name, int(sectors) * 512, data, None))
        return disks

    # -- monitor ------------------------------------------------------------

    def qmp(self, cmd, args=None):
        """Send a QMP command; return (response message, milliseconds)."""
        t0 = time.monotonic()
        r = self.vm.qmp(cmd, args_dict=args or {})
        return r, ms(time.monotonic() - t0)

    def cmd(self, cmd, args=None):
        """Like qmp(), but an error response raises DemoError."""
        r, t = self.qmp(cmd, args)
        if 'error' in r:
            raise DemoError(f'QMP {cmd} failed: {r["error"]["desc"]}')
        return r['return'], t

    def hmp(self, line):
        """An HMP command through human-monitor-command; (output, ms)."""
        out, t = self.cmd('human-monitor-command', {'command-line': line})
        return out, t

    def event(self, name, device=None, timeout=30.0):
        """Wait for a QMP event (for device, if given); return it with
        'wall' set to its QEMU timestamp in seconds."""
        match = {'data': {'device': device}} if device else None
        try:
            ev = self.vm.event_wait(name, timeout, match=match)
        except Exception as e:        # pylint: disable=broad-except
            raise DemoError(f'no {name} event for {device or "any device"} '
                            f'within {timeout:.0f} s ({type(e).__name__})')
        ts = ev['timestamp']
        ev['wall'] = ts['seconds'] + ts['microseconds'] / 1e6
        return ev

    def clear_events(self):
        """Drop the QMP events received so far."""
        self.vm.get_qmp_events(wait=False)


def log_to(outdir, logname):
    """Send the QMP/QEMU log to outdir/logname and the guest console to
    outdir/console.log."""
    logging.basicConfig(filename=os.path.join(outdir, logname),
                        level=logging.DEBUG,
                        format='%(asctime)s %(name)s %(message)s')
    logging.getLogger('console').addHandler(
        logging.FileHandler(os.path.join(outdir, 'console.log')))
