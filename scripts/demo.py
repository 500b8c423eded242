#!/usr/bin/env python3
"""make demo: narrate an NVMe hot-swap on a running Linux guest.

Boots the test guest (tests/functional/x86_64/nvme_guest.py: Debian's 6.1
kernel and busybox) on the patched QEMU with one NVMe subsystem, controller
nvme0 behind the PCIe root port rp0 and namespace 1, then, step by step:
hot-adds namespace 2, hot-removes it, pulls the drive of namespace 1
(drive_del), inserts a new medium (drive_insert) and resets the controller
with a Surprise Down error on the root port.  For every step it prints the
monitor command as typed, the guest's view afterwards (its NVMe block
devices, their sizes and first bytes) and how long the guest took to notice,
measured on the host from just before the command is sent until a polling
loop already running in the guest reports the change.

    demo.py [QEMU build dir]      (default: build/qemu/build)

The Guest class below is also what bench.py uses.  Run it with the build's
python (build/qemu/build/pyvenv/bin/python3); it finds QEMU's python package
and nvme_guest.py in build/qemu itself.
"""

import json
import logging
import os
import re
import shutil
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, 'build')
TREE = os.path.join(BUILD, 'qemu')
CACHE = os.environ.setdefault('QEMU_TEST_CACHE_DIR',
                              os.path.join(BUILD, 'cache', 'functional'))
sys.path[:0] = [os.path.join(TREE, 'python'),
                os.path.join(TREE, 'tests', 'functional', 'x86_64')]

# pylint: disable=wrong-import-position
from qemu.machine import QEMUMachine          # noqa: E402
import nvme_guest                             # noqa: E402
from nvme_guest import GuestConsole, GuestError   # noqa: E402

MiB = 1024 * 1024

# The guest polls every this many seconds (read -t on a FIFO: no fork).
POLL = 0.002


class DemoError(Exception):
    """A step did not do what it should; the message says what."""


def fill(path, tag, size):
    """A raw image of size bytes: tag (16 characters) over and over, so
    that every sector starts with it."""
    assert len(tag) == 16 and 512 % len(tag) == 0
    with open(path, 'wb') as f:
        f.write(tag.encode() * (size // len(tag)))
    return path


def guest_kernel(outdir):
    """Build (or reuse) the guest (kernel + initramfs) in outdir."""
    download = os.path.join(CACHE, 'download')
    try:
        guest = nvme_guest.default_guest(outdir, download)
    except Exception as e:            # pylint: disable=broad-except
        raise DemoError(f'cannot build the guest from the Debian packages '
                        f'in {download} ({e}); run scripts/guest-assets.sh')
    return guest


def ms(seconds):
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
        try:
            self.vm.shutdown(timeout=10)
        except Exception:             # pylint: disable=broad-except
            try:
                self.vm.kill()
            except Exception:         # pylint: disable=broad-except
                pass

    def pid(self):
        return self.vm.get_pid()

    def rss_kib(self, field='VmRSS'):
        with open(f'/proc/{self.pid()}/status', encoding='ascii') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
        raise DemoError(f'no {field} in /proc/{self.pid()}/status')

    # -- guest shell --------------------------------------------------------

    def sh(self, cmd, timeout=60, check=True):
        """Run cmd in the guest, return its output (stripped)."""
        status, out = self.con.run(cmd, timeout, check=False)
        if check and status:
            raise DemoError(f'guest command {cmd!r} exited {status}: '
                            f'{out.strip()}')
        return out.strip()

    def dmesg_tail(self, n=25):
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
        self.vm.get_qmp_events(wait=False)


# ---------------------------------------------------------------------------
# the narrated demo

TAGS = {'a': 'DISK-A original ', 'b': 'DISK-B hot-added',
        'c': 'DISK-C replaced '}
SIZES = {'a': 16 * MiB, 'b': 8 * MiB, 'c': 24 * MiB}
INDENT = '    '


def say(text=''):
    print(text, flush=True)


def show_qmp(cmd, args, reply, t):
    msg = {'execute': cmd}
    if args:
        msg['arguments'] = args
    say(f'{INDENT}QMP -> {json.dumps(msg)}')
    say(f'{INDENT}    <- {json.dumps(reply)}   ({t:.1f} ms)')


def show_hmp(line, out, t):
    say(f'{INDENT}(qemu) {line}')
    lines = out.strip().splitlines() or ['(no output)']
    for i, ln in enumerate(lines):
        say(f'{INDENT}    <- {ln}' + (f'   ({t:.1f} ms)'
                                      if i == len(lines) - 1 else ''))


def show_disks(g, title='guest sees'):
    disks = g.disks()
    say(f'{INDENT}{title}:')
    if not disks:
        say(f'{INDENT}  (no NVMe block devices)')
    for name, size, data, err in disks:
        if data is None:
            what = f'read fails: {err}'
        else:
            text = ''.join(chr(b) if 32 <= b < 127 else '.' for b in data)
            what = f'"{text}"  ' + ' '.join(f'{b:02x}' for b in data)
        say(f'{INDENT}  /dev/{name:<9} {size / MiB:>5.0f} MiB  {what}')
    return disks


def noticed(seen, label, what):
    t = seen.get(label)
    if t is None:
        raise DemoError(f'the guest did not notice: {what}')
    say(f'{INDENT}guest noticed after {t:6.1f} ms: {what}')
    return t


def first_bytes(disks, name):
    for n, size, data, _ in disks:
        if n == name:
            return data, size
    return None, None


def run_demo(qemu_bin, work):
    t_start = time.monotonic()
    summary = {}
    say('NVMe hot-swap demo: QEMU 10.2.2 with the hot-swap series')
    say(f'{INDENT}QEMU  {os.path.relpath(qemu_bin, ROOT)}')
    guest = guest_kernel(os.path.join(BUILD, 'guest'))
    accel = nvme_guest.probe_accel(qemu_bin, guest)
    why = ''
    if os.getenv('QEMU_TEST_NVME_ACCEL'):
        why = ' (set by QEMU_TEST_NVME_ACCEL)'
    elif accel == 'tcg' and os.path.exists('/dev/kvm'):
        why = ' (KVM did not boot the guest here)'
    say(f'{INDENT}guest Linux {guest.release} + busybox initramfs, 1 vCPU, '
        f'512 MiB, accelerator {accel}{why}')
    say(f'{INDENT}files {os.path.relpath(work, ROOT)}/ '
        '(images, console.log, demo.log)')

    os.chdir(work)           # so that the image names below are as typed
    for k in 'abc':
        fill(os.path.join(work, f'disk-{k}.img'), TAGS[k], SIZES[k])

    step_args = [
        '-device', 'pcie-root-port,id=rp0,chassis=1,bus=pcie.0',
        '-device', 'nvme-subsys,id=subsys0,nqn=nqn.2026-01.org.qemu:demo',
        '-device', 'nvme,id=nvme0,serial=DEMO0001,subsys=subsys0,bus=rp0',
        '-drive', 'if=none,id=drv1,format=raw,file=disk-a.img',
        '-device', 'nvme-ns,id=ns1,drive=drv1,bus=nvme0,nsid=1']
    g = Guest(qemu_bin, guest, accel, step_args, work, name='demo')
    state = {'step': 'boot'}
    try:
        _steps(g, state, step_args, summary)
    except Exception as e:            # pylint: disable=broad-except
        report_failure(g, state['step'], e)
        raise Reported() from e
    finally:
        g.shutdown()
    total = time.monotonic() - t_start
    say()
    say(f'RESULT: hot-swap OK. Namespace 2 appeared in the guest '
        f'{summary["ns_add"]:.0f} ms after device_add and was gone '
        f'{summary["ns_del"]:.0f} ms after device_del; after drive_del, '
        f'drive_insert and an AER reset /dev/nvme0n1 reads '
        f'"{TAGS["c"].strip()}" ({SIZES["c"] // MiB} MiB). '
        f'Elapsed {total:.1f} s.')


class Reported(Exception):
    """A failure that has been explained to the user already."""


def report_failure(g, step, e):
    """Say what failed, with the guest's last kernel messages (or, if QEMU
    has gone, what it said)."""
    logging.error('step %r failed', step, exc_info=e)
    err = sys.stderr
    print(file=err)
    print(f'ERROR [demo]: step "{step}" failed: {e}', file=err)
    alive = g.vm.is_running() and g.con is not None
    if alive:
        try:
            g.con.sock.sendall(b'\x03')      # stop a polling loop, if any
            time.sleep(0.2)
            tail = g.dmesg_tail(25)
        except Exception as e2:        # pylint: disable=broad-except
            tail = f'(cannot read it: {e2})'
        print('guest dmesg (last 25 lines):', file=err)
        for line in tail.splitlines():
            print('  ' + line, file=err)
    elif g.launched:
        g.shutdown()
        print(f'QEMU is not running (exit code {g.vm.exitcode()}); it said:',
              file=err)
        for line in (g.vm.get_log() or '(nothing)').strip().splitlines():
            print('  ' + line, file=err)


def _steps(g, state, step_args, summary):
    say()
    say('[1] Boot: one NVMe subsystem, controller nvme0 behind PCIe root '
        'port rp0, namespace 1')
    say(f'{INDENT}$ qemu-system-x86_64 -M q35 -accel ... -kernel ... '
        '-initrd ... \\')
    pairs = list(zip(step_args[0::2], step_args[1::2]))
    for i, (opt, val) in enumerate(pairs):
        say(f'{INDENT}      {opt} {val}' + (' \\' if i < len(pairs) - 1
                                             else ''))
    boot = g.launch()
    g.sh('waitfor /sys/block/nvme0n1 300', timeout=40)
    say(f'{INDENT}guest shell after {boot:.1f} s; '
        f'/sys/block: {" ".join(g.sh("ls /sys/block").split())}  '
        '(nvme0c0n1 is the hidden path of controller 0 under the '
        'multipath node nvme0n1)')
    disks = show_disks(g)
    data, _ = first_bytes(disks, 'nvme0n1')
    if data != TAGS['a'].encode():
        raise DemoError(f'/dev/nvme0n1 does not start with {TAGS["a"]!r}')

    # ---------------------------------------------------------------
    state['step'] = 'hot-add namespace 2'
    say()
    say('[2] Hot-add namespace 2 (disk-b.img) while the guest runs')
    args = {'node-name': 'disk-b', 'driver': 'raw',
            'file': {'driver': 'file', 'filename': 'disk-b.img'}}
    r, t = g.cmd('blockdev-add', args)
    show_qmp('blockdev-add', args, {'return': r}, t)
    g.clear_events()
    args = {'driver': 'nvme-ns', 'id': 'ns2', 'drive': 'disk-b',
            'bus': 'nvme0', 'nsid': 2}
    wall = []

    def add():
        wall.append(time.time())
        return g.cmd('device_add', args)
    (r, t), seen = g.watch([('dev', '[ -e /sys/block/nvme0n2 ]')], add)
    show_qmp('device_add', args, {'return': r}, t)
    ev = g.event('X_DEVICE_TAKEN_ON', 'ns2', 10)
    say(f'{INDENT}event X_DEVICE_TAKEN_ON {json.dumps(ev["data"])}')
    say(f'{INDENT}      {ms(ev["wall"] - wall[0]):.1f} ms after device_add: '
        'the guest driver read the Changed Namespace List (log page 04h)')
    info, t = g.cmd('x-query-hotplug', {'id': 'ns2'})
    query = {'execute': 'x-query-hotplug', 'arguments': {'id': 'ns2'}}
    say(f'{INDENT}QMP -> {json.dumps(query)}')
    say(f'{INDENT}    <- kind {info["kind"]}, hotplugged '
        f'{str(info["hotplugged"]).lower()}, taken-on '
        f'{str(info["taken-on"]).lower()}, nsid {info["nsid"]}   ({t:.1f} ms)')
    for c in info['controllers']:
        say(f'{INDENT}       controller {c["controller"]} (cntlid '
            f'{c["cntlid"]}): ready {str(c["ready"]).lower()}, attached '
            f'{str(c["attached"]).lower()}, acknowledged '
            f'{str(c["acknowledged"]).lower()}')
    if not info['taken-on'] or not all(c['acknowledged']
                                       for c in info['controllers']):
        raise DemoError('x-query-hotplug: ns2 is not acknowledged')
    summary['ns_add'] = noticed(seen, 'dev', '/sys/block/nvme0n2 appeared')
    disks = show_disks(g)
    data, size = first_bytes(disks, 'nvme0n2')
    if data != TAGS['b'].encode() or size != SIZES['b']:
        raise DemoError(f'/dev/nvme0n2 is not disk-b.img: {data!r}, {size}')

    # ---------------------------------------------------------------
    state['step'] = 'hot-remove namespace 2'
    say()
    say('[3] Hot-remove namespace 2')
    args = {'id': 'ns2'}
    wall = []

    def delete():
        wall.append(time.time())
        return g.cmd('device_del', args)
    (r, t), seen = g.watch([('gone', '[ ! -e /sys/block/nvme0n2 ]')],
                           delete)
    show_qmp('device_del', args, {'return': r}, t)
    ev = g.event('DEVICE_DELETED', 'ns2', 30)
    say(f'{INDENT}event DEVICE_DELETED {json.dumps(ev["data"])}')
    say(f'{INDENT}      {ms(ev["wall"] - wall[0]):.1f} ms after device_del')
    summary['ns_del'] = noticed(seen, 'gone', '/sys/block/nvme0n2 is gone')
    disks = show_disks(g)
    if [d[0] for d in disks] != ['nvme0n1']:
        raise DemoError(f'expected only nvme0n1, the guest has '
                        f'{[d[0] for d in disks]}')
    r, t = g.cmd('blockdev-del', {'node-name': 'disk-b'})
    show_qmp('blockdev-del', {'node-name': 'disk-b'}, {'return': r}, t)

    # ---------------------------------------------------------------
    state['step'] = 'pull the drive (drive_del)'
    say()
    say('[4] Pull the drive of namespace 1: the namespace stays, its medium '
        'is gone')
    fails = ('! dd if=/dev/nvme0n1 of=/dev/null bs=4096 count=1 '
             'iflag=direct 2>/dev/null')
    (out, t), seen = g.watch([('err', fails)],
                             lambda: g.hmp('drive_del drv1'))
    show_hmp('drive_del drv1', out, t)
    noticed(seen, 'err', 'a direct read of /dev/nvme0n1 fails')
    err = g.sh('dmesg | grep -E "nvme0.*(I/O Error|medium error)" | '
               'tail -2', check=False)
    for line in err.splitlines():
        say(f'{INDENT}  dmesg: {line.strip()}')
    say(f'{INDENT}(sct 0x2 / sc 0x81: QEMU fails I/O to a namespace without '
        'a medium with Unrecovered Read Error; Linux returns ENODATA)')
    disks = show_disks(g)
    if not disks or disks[0][0] != 'nvme0n1' or disks[0][2] is not None:
        raise DemoError('after drive_del, reads of /dev/nvme0n1 should fail')

    # ---------------------------------------------------------------
    state['step'] = 'insert a new medium (drive_insert)'
    say()
    say(f'[5] Insert a new medium (disk-c.img, {SIZES["c"] // MiB} MiB) into '
        'namespace 1')
    reads_c = ('[ "$(dd if=/dev/nvme0n1 bs=4096 count=1 iflag=direct '
               '2>/dev/null | head -c 6)" = DISK-C ]')
    size_c = f'[ "$(cat /sys/block/nvme0n1/size)" = {SIZES["c"] // 512} ]'
    (out, t), seen = g.watch([('read', reads_c), ('size', size_c)],
                             lambda: g.hmp('drive_insert ns1 disk-c.img raw'))
    show_hmp('drive_insert ns1 disk-c.img raw', out, t)
    noticed(seen, 'read', '/dev/nvme0n1 reads DISK-C')
    noticed(seen, 'size', f'/dev/nvme0n1 grew to {SIZES["c"] // MiB} MiB '
            '(Namespace Attribute Changed, rescan)')
    show_disks(g)

    # ---------------------------------------------------------------
    state['step'] = 'AER reset (pcie_aer_inject_error rp0 SDN)'
    say()
    say('[6] Surprise Down error on rp0: the guest resets the link and the '
        'controller, as after a re-insertion')
    serial = g.sh('cat /sys/class/nvme/nvme0/serial')
    recovered = 'dmesg | grep -q "AER: device recovery"'
    (out, t), seen = g.watch([('aer', recovered)],
                             lambda: g.hmp('pcie_aer_inject_error rp0 SDN'))
    show_hmp('pcie_aer_inject_error rp0 SDN', out, t)
    noticed(seen, 'aer', 'AER recovery finished')
    g.sh('waitcat /sys/class/nvme/nvme0/state live 300', timeout=40)
    log = g.sh('dmesg | grep -E "AER: (Unc|Root|device)|nvme nvme0: '
               '(frozen|restart)"', check=False)
    for line in log.splitlines():
        say(f'{INDENT}  dmesg: {line.strip()}')
    if 'AER: device recovery successful' not in log:
        raise DemoError('the guest did not recover from the AER error')
    say(f'{INDENT}controller nvme0: state '
        f'{g.sh("cat /sys/class/nvme/nvme0/state")}, serial '
        f'{g.sh("cat /sys/class/nvme/nvme0/serial")} (was {serial})')
    disks = show_disks(g)
    data, size = first_bytes(disks, 'nvme0n1')
    if [d[0] for d in disks] != ['nvme0n1'] or data != TAGS['c'].encode() \
            or size != SIZES['c']:
        raise DemoError('after the reset the guest should have only nvme0n1 '
                        f'reading {TAGS["c"]!r}; it has {disks}')
    bad = g.sh('dmesg | grep -E "BUG:|WARNING:|Oops|RIP:|blocked for more" '
               '|| true')
    if bad:
        raise DemoError(f'the guest kernel reported a problem:\n{bad}')
    state['step'] = 'shutdown'


def log_to(outdir, logname):
    """Send the QMP/QEMU log to outdir/logname and the guest console to
    outdir/console.log."""
    logging.basicConfig(filename=os.path.join(outdir, logname),
                        level=logging.DEBUG,
                        format='%(asctime)s %(name)s %(message)s')
    logging.getLogger('console').addHandler(
        logging.FileHandler(os.path.join(outdir, 'console.log')))


def main():
    qemu_build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TREE,
                                                                   'build')
    qemu_bin = os.path.abspath(os.path.join(qemu_build, 'qemu-system-x86_64'))
    if not os.access(qemu_bin, os.X_OK):
        print(f'ERROR [demo]: {qemu_bin} not found: run make build',
              file=sys.stderr)
        return 1
    work = os.path.join(BUILD, 'demo')
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    log_to(work, 'demo.log')
    try:
        run_demo(qemu_bin, work)
    except Reported:
        print(f'(full log: {os.path.relpath(work, ROOT)}/demo.log, '
              'console.log)', file=sys.stderr)
        return 1
    except (DemoError, GuestError, OSError) as e:
        logging.exception('demo failed')
        print(f'ERROR [demo]: {e}', file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print('interrupted', file=sys.stderr)
        return 130
    return 0


if __name__ == '__main__':
    sys.exit(main())
