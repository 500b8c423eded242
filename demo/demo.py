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

Each step is a function; STEPS lists them in order and main() runs them.
The guest itself (the Guest class and its helpers) is in guestvm.py, which
bench.py uses too.  Run it with the build's python
(build/qemu/build/pyvenv/bin/python3); guestvm.setup() finds QEMU's python
package and nvme_guest.py in build/qemu itself.
"""

import json
import logging
import os
import shutil
import sys
import time

import guestvm
from guestvm import (BUILD, ROOT, TREE, DemoError, Guest, MiB, fill,
                     guest_kernel, log_to, ms)

# ---------------------------------------------------------------------------
# narration

TAGS = {'a': 'DISK-A original ', 'b': 'DISK-B hot-added',
        'c': 'DISK-C replaced '}
SIZES = {'a': 16 * MiB, 'b': 8 * MiB, 'c': 24 * MiB}
INDENT = '    '

# the machine of step 1: what the narration shows of its command line
BOOT_ARGS = [
    '-device', 'pcie-root-port,id=rp0,chassis=1,bus=pcie.0',
    '-device', 'nvme-subsys,id=subsys0,nqn=nqn.2026-01.org.qemu:demo',
    '-device', 'nvme,id=nvme0,serial=DEMO0001,subsys=subsys0,bus=rp0',
    '-drive', 'if=none,id=drv1,format=raw,file=disk-a.img',
    '-device', 'nvme-ns,id=ns1,drive=drv1,bus=nvme0,nsid=1']


def say(text=''):
    """Print a line of the narration."""
    print(text, flush=True)


def show_qmp(cmd, args, reply, t):
    """Show a QMP command as sent and its reply, which took t ms."""
    msg = {'execute': cmd}
    if args:
        msg['arguments'] = args
    say(f'{INDENT}QMP -> {json.dumps(msg)}')
    say(f'{INDENT}    <- {json.dumps(reply)}   ({t:.1f} ms)')


def show_hmp(line, out, t):
    """Show an HMP command as typed and its output, which took t ms."""
    say(f'{INDENT}(qemu) {line}')
    lines = out.strip().splitlines() or ['(no output)']
    for i, ln in enumerate(lines):
        say(f'{INDENT}    <- {ln}' + (f'   ({t:.1f} ms)'
                                      if i == len(lines) - 1 else ''))


def show_disks(g, title='guest sees'):
    """Show the guest's NVMe block devices; return them (Guest.disks())."""
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
    """Show when the guest noticed what (seen[label], from Guest.watch());
    DemoError if it did not.  Returns the milliseconds."""
    t = seen.get(label)
    if t is None:
        raise DemoError(f'the guest did not notice: {what}')
    say(f'{INDENT}guest noticed after {t:6.1f} ms: {what}')
    return t


def first_bytes(disks, name):
    """(first bytes, size) of the disk called name, or (None, None)."""
    for n, size, data, _ in disks:
        if n == name:
            return data, size
    return None, None


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


def prepare(qemu_bin, work):
    """Say what runs where, build the guest, write the disk images into
    work (and go there) and return the Guest, not started yet."""
    say('NVMe hot-swap demo: QEMU 10.2.2 with the hot-swap series')
    say(f'{INDENT}QEMU  {os.path.relpath(qemu_bin, ROOT)}')
    guest = guest_kernel(os.path.join(BUILD, 'guest'))
    accel = guestvm.nvme_guest.probe_accel(qemu_bin, guest)
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
    return Guest(qemu_bin, guest, accel, BOOT_ARGS, work, name='demo')


def say_result(summary, total):
    """The last line: what the steps measured, total seconds."""
    say()
    say(f'RESULT: hot-swap OK. Namespace 2 appeared in the guest '
        f'{summary["ns_add"]:.0f} ms after device_add and was gone '
        f'{summary["ns_del"]:.0f} ms after device_del; after drive_del, '
        f'drive_insert and an AER reset /dev/nvme0n1 reads '
        f'"{TAGS["c"].strip()}" ({SIZES["c"] // MiB} MiB). '
        f'Elapsed {total:.1f} s.')


# ---------------------------------------------------------------------------
# the steps: each step(g) narrates itself, raises if the guest does not see
# what it should and returns the numbers for the RESULT line, if any

def boot(g):
    """Boot the guest with namespace 1 and check that it reads disk-a."""
    say()
    say('[1] Boot: one NVMe subsystem, controller nvme0 behind PCIe root '
        'port rp0, namespace 1')
    say(f'{INDENT}$ qemu-system-x86_64 -M q35 -accel ... -kernel ... '
        '-initrd ... \\')
    pairs = list(zip(BOOT_ARGS[0::2], BOOT_ARGS[1::2]))
    for i, (opt, val) in enumerate(pairs):
        say(f'{INDENT}      {opt} {val}' + (' \\' if i < len(pairs) - 1
                                             else ''))
    seconds = g.launch()
    g.sh('poll 300 [ -e /sys/block/nvme0n1 ]', timeout=40)
    say(f'{INDENT}guest shell after {seconds:.1f} s; '
        f'/sys/block: {" ".join(g.sh("ls /sys/block").split())}  '
        '(nvme0c0n1 is the hidden path of controller 0 under the '
        'multipath node nvme0n1)')
    disks = show_disks(g)
    data, _ = first_bytes(disks, 'nvme0n1')
    if data != TAGS['a'].encode():
        raise DemoError(f'/dev/nvme0n1 does not start with {TAGS["a"]!r}')


def hot_add_namespace(g):
    """blockdev-add disk-b.img, device_add it as namespace 2; time the guest
    seeing /dev/nvme0n2 and check that it reads disk-b."""
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
    [info], t = g.cmd('x-query-hotplug', {'id': 'ns2'})
    query = {'execute': 'x-query-hotplug', 'arguments': {'id': 'ns2'}}
    say(f'{INDENT}QMP -> {json.dumps(query)}')
    say(f'{INDENT}    <- kind {info["kind"]}, state {info["state"]}, '
        f'nsid {info["nsid"]}   ({t:.1f} ms)')
    for c in info['controllers']:
        say(f'{INDENT}       controller {c["controller"]} (cntlid '
            f'{c["cntlid"]}): ready {str(c["ready"]).lower()}, attached '
            f'{str(c["attached"]).lower()}, taken on '
            f'{str(c["taken-on"]).lower()}')
    if info['state'] != 'taken-on' or not all(c['taken-on']
                                       for c in info['controllers']):
        raise DemoError('x-query-hotplug: not every host took ns2 on')
    added = noticed(seen, 'dev', '/sys/block/nvme0n2 appeared')
    disks = show_disks(g)
    data, size = first_bytes(disks, 'nvme0n2')
    if data != TAGS['b'].encode() or size != SIZES['b']:
        raise DemoError(f'/dev/nvme0n2 is not disk-b.img: {data!r}, {size}')
    return {'ns_add': added}


def hot_remove_namespace(g):
    """device_del namespace 2; time it going from the guest, blockdev-del."""
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
    gone = noticed(seen, 'gone', '/sys/block/nvme0n2 is gone')
    disks = show_disks(g)
    if [d[0] for d in disks] != ['nvme0n1']:
        raise DemoError(f'expected only nvme0n1, the guest has '
                        f'{[d[0] for d in disks]}')
    r, t = g.cmd('blockdev-del', {'node-name': 'disk-b'})
    show_qmp('blockdev-del', {'node-name': 'disk-b'}, {'return': r}, t)
    return {'ns_del': gone}


def pull_drive(g):
    """drive_del the drive of namespace 1; time the guest's reads failing."""
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


def insert_medium(g):
    """drive_insert disk-c.img into namespace 1; time the guest reading it
    and seeing its new size."""
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


def aer_reset(g):
    """Inject a Surprise Down error on rp0; time the guest's AER recovery
    and check the controller, the disk and the kernel log afterwards."""
    say()
    say('[6] Surprise Down error on rp0: the guest resets the link and the '
        'controller, as after a re-insertion')
    serial = g.sh('cat /sys/class/nvme/nvme0/serial')
    recovered = 'dmesg | grep -q "AER: device recovery"'
    (out, t), seen = g.watch([('aer', recovered)],
                             lambda: g.hmp('pcie_aer_inject_error rp0 SDN'))
    show_hmp('pcie_aer_inject_error rp0 SDN', out, t)
    noticed(seen, 'aer', 'AER recovery finished')
    g.sh('poll 300 \'[ "$(cat /sys/class/nvme/nvme0/state)" = live ]\'',
         timeout=40)
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


# The demo: its steps in order, each with the name errors give it.
STEPS = [
    ('boot', boot),
    ('hot-add namespace 2', hot_add_namespace),
    ('hot-remove namespace 2', hot_remove_namespace),
    ('pull the drive (drive_del)', pull_drive),
    ('insert a new medium (drive_insert)', insert_medium),
    ('AER reset (pcie_aer_inject_error rp0 SDN)', aer_reset),
]


def main():
    """Run the demo with the QEMU in sys.argv[1]; returns the exit code."""
    guestvm.setup()
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
        t_start = time.monotonic()
        g = prepare(qemu_bin, work)
        summary = {}
        try:
            for name, step in STEPS:
                failed = name
                summary.update(step(g) or {})
        except Exception as e:        # pylint: disable=broad-except
            report_failure(g, failed, e)
            raise Reported() from e
        finally:
            g.shutdown()
        say_result(summary, time.monotonic() - t_start)
    except Reported:
        print(f'(full log: {os.path.relpath(work, ROOT)}/demo.log, '
              'console.log)', file=sys.stderr)
        return 1
    except (DemoError, guestvm.GuestError, OSError) as e:
        logging.exception('demo failed')
        print(f'ERROR [demo]: {e}', file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print('interrupted', file=sys.stderr)
        return 130
    return 0


if __name__ == '__main__':
    sys.exit(main())
