#!/usr/bin/env python3
# Write the seed corpus of the nvme-hotplug-fuzz target (QEMU's
# tests/qtest/fuzz/nvme_hotplug_fuzz.c) into the directory given, or this
# script's own.  An input is a list of operations separated by "FUZZ": an
# opcode byte, then its arguments; the opcodes are the target's OP_* enum.
import os
import struct
import sys

(MMIO_WRITE, MMIO_READ, MEM_WRITE, ENABLE, ADMIN_CMD, IO_CMD, CREATE_IOQ,
 REAP, IO_RW, AER, CHANGED_NS_LOG, NS_ADD, NS_DEL, DRIVE_DEL, DRIVE_PULL,
 DRIVE_INSERT, BLOCKDEV_ADD, BLOCKDEV_DEL, BLOCK_RESIZE, SYSTEM_RESET,
 CTRL_DEL, CTRL_EJECT, CTRL_ADD, PCI_CFG_WRITE, PCI_CFG_READ, PCIHP_OUT,
 WAIT, CLOCK_STEP, QUERY_HOTPLUG, REMAP) = range(30)

# the target's name tables
NS = {'ns1': 0, 'ns2': 1, 'hp0': 2, 'hp1': 3, 'hp2': 4, 'hp3': 5}
DRV = {'drv0': 0, 'drv1': 1, 'drv2': 2, 'drv3': 3, 'drv4': 4,
       'spare0': 5, 'spare1': 6}
IO = {'read': 0, 'write': 1, 'flush': 2, 'write-zeroes': 3, 'dsm': 4}


def op(code, *args):
    return bytes([code]) + b''.join(
        a if isinstance(a, bytes) else bytes([a]) for a in args)


def enable(c, css=0):
    return op(ENABLE, c | css << 1)


def io(c, q, nsid, kind, slba=0, nlb=0, page=0):
    return op(IO_RW, c, q - 1, nsid, IO[kind], struct.pack('<H', slba), nlb, page)


def ns_add(slot, drive, ctrl=0, private=False, detached=False, nsid=0):
    return op(NS_ADD, NS[slot] - 2, DRV[drive],
              ctrl | (2 if private else 0) | (4 if detached else 0), nsid)


def identify(c, cns, nsid=0):
    cmd = bytes([0x06, 0, 0, 0]) + struct.pack('<I', nsid) + bytes(32) + \
        struct.pack('<I', cns) + bytes(20)
    return op(ADMIN_CMD, c, 1, cmd)


def host_up(c):
    """Enable, events on, identify, one I/O queue pair."""
    return [enable(c), op(AER, c, 1), identify(c, 1), identify(c, 2),
            op(CREATE_IOQ, c, 0, 0), op(REAP, c)]


SEEDS = {
    'hot-add': host_up(0) + host_up(1) + [
        io(0, 1, 1, 'read', 0, 7, 4),
        ns_add('hp0', 'drv2', nsid=3),
        op(REAP, 0), op(CHANGED_NS_LOG, 0, 0), op(REAP, 1),
        op(CHANGED_NS_LOG, 1, 0), identify(0, 2), identify(0, 0, 3),
        io(0, 1, 3, 'write', 8, 3, 6), io(1, 1, 3, 'read', 8, 3, 8),
        ns_add('hp1', 'drv3', ctrl=1, private=True),
        op(QUERY_HOTPLUG, 0x80), op(WAIT, 8), op(REAP, 0), op(REAP, 1),
    ],
    'hot-remove-io-in-flight': host_up(1) + host_up(0) + [
        io(1, 1, 2, 'write', 0, 15, 0), io(1, 1, 2, 'read', 16, 15, 4),
        io(1, 1, 2, 'flush'),
        op(NS_DEL, NS['ns2']),
        io(1, 1, 2, 'read', 0, 0, 8),
        ns_add('hp2', 'drv3', nsid=5),
        io(0, 1, 5, 'write', 0, 15, 10), io(1, 1, 5, 'dsm', 0, 0, 12),
        op(NS_DEL, NS['hp2']), op(REAP, 0), op(REAP, 1),
        op(CHANGED_NS_LOG, 1, 0), op(WAIT, 15), op(REAP, 1),
        op(CHANGED_NS_LOG, 0, 1), op(REAP, 0),
    ],
    'medium-swap': host_up(0) + [
        io(0, 1, 1, 'write', 0, 3, 2),
        op(DRIVE_DEL, DRV['drv0']),
        io(0, 1, 1, 'read', 0, 3, 4),
        op(DRIVE_INSERT, NS['ns1'], 0),
        op(REAP, 0), op(CHANGED_NS_LOG, 0, 0), io(0, 1, 1, 'read', 0, 3, 6),
        op(DRIVE_PULL, NS['ns1']),
        op(BLOCKDEV_ADD, 0, 3),
        op(DRIVE_INSERT, NS['ns1'], 0x80),
        io(0, 1, 1, 'write-zeroes', 0, 7, 0),
        op(DRIVE_PULL, NS['ns1']), op(DRIVE_INSERT, NS['ns1'], 1),
        io(0, 1, 1, 'read', 0, 3, 6), op(WAIT, 4), op(REAP, 0),
    ],
    'controller-unplug': host_up(0) + host_up(1) + [
        ns_add('hp0', 'drv2', ctrl=1, nsid=7),
        io(1, 1, 7, 'write', 0, 15, 0),
        op(CTRL_DEL, 1), op(WAIT, 2), op(CTRL_EJECT, 1),
        op(REAP, 0), op(CHANGED_NS_LOG, 0, 0),
        op(CTRL_ADD, 1), enable(1), op(AER, 1, 0), identify(1, 2),
        op(SYSTEM_RESET), enable(0), identify(0, 2), op(REAP, 0),
    ],
    'detached-resize': host_up(0) + [
        ns_add('hp3', 'drv2', detached=True, nsid=4),
        # Namespace Attachment, attach to controller 0 (list at page 0)
        op(MEM_WRITE, 0, struct.pack('<I', 0x100000), struct.pack('<HH', 1, 0)),
        op(ADMIN_CMD, 0, 1, bytes([0x15, 0, 0, 0]) + struct.pack('<I', 4) +
           bytes(32) + struct.pack('<I', 0) + bytes(20)),
        op(REAP, 0), op(BLOCK_RESIZE, DRV['drv4'], 8), op(REAP, 0),
        op(CHANGED_NS_LOG, 0, 0), identify(0, 0, 1), op(REAP, 0),
        op(MMIO_READ, 0, 2, struct.pack('<H', 0x1c)),
    ],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    for name, ops in SEEDS.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(b'FUZZ'.join(ops))


if __name__ == '__main__':
    main()
