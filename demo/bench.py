#!/usr/bin/env python3
"""make bench: measure the hot-swap series with a Linux guest.

    bench.py [series build dir] [unpatched build dir]
    bench.py --plot results.json bench.png     (needs matplotlib only)

One run, one table, printed and written to build/bench/results.md and
results.json, and a plot, build/bench/bench.png:

  a. latency from device_add to the guest seeing the new block device, and
     from device_del to it being gone, for a namespace (nvme-ns on a running
     controller) and for a whole controller with one namespace behind a PCIe
     root port with native PCIe hotplug (pciehp), the case the ratio's
     target is set for; their ratio.
  b. device_del round trip (QMP command sent -> reply) and time to
     DEVICE_DELETED for a namespace with 32 guest reads in flight on a
     backend that takes 500 ms per request (null-co, latency-ns).
  c. guest sequential-read throughput on a cold-plugged namespace, the
     series against the unpatched base, booted the same way and running at
     once, samples interleaved, over several fresh boots of both.
  d. QEMU's RSS over 1000 (and 2000) namespace add/remove cycles, with
     TCG's translation cache shown apart.

All latencies are measured on the host: from just before the QMP command
is sent to the host reading, on the serial console, the report of a loop
that polls in the guest every 2 ms (started before the command), or to
the QEMU timestamp of an event.

The guest is guestvm.py's, as in demo.py; the report's text is
bench-report.md.in and the plot is drawn by bench_plot.py, both next to
this file.
"""

import datetime
import json
import logging
import os
import platform
import random
import re
import shutil
import statistics
import sys
import time

import bench_plot
import guestvm
from guestvm import BUILD, ROOT, DemoError, Guest, MiB, ms

OUT = os.path.join(BUILD, 'bench')
REPORT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      'bench-report.md.in')

# How much to measure.  (Under TCG on 2 cores: a namespace cycle takes
# ~0.3 s, a controller cycle ~7 s because Linux's pciehp waits 5 s after
# the attention button before it powers a slot off, a throughput boot
# ~14 s; about 9 minutes in all.)
N_NS = 30              # namespace add/remove cycles
N_CTRL = 20            # controller add/remove cycles
N_DEL = 10             # device_del with 32 reads in flight
TP_BOOTS = 24          # throughput: fresh boots of both QEMUs
TP_ROUNDS = 30         # ... rounds of one sample each per boot
TP_MIB = 256           # MiB per sample (one varies by ~10 % under TCG here)
N_RSS = 1000           # add/remove cycles for the RSS measurement
RSS_WARM = 100         # ... after which the warm-up-adjusted growth starts
READERS = 32
SLOW_NS = 500_000_000  # null-co latency-ns for (b)

if os.environ.get('BENCH_QUICK'):     # a smoke test of the script itself
    N_NS, N_CTRL, N_DEL, TP_BOOTS, TP_ROUNDS, N_RSS = 3, 2, 2, 2, 5, 200
    RSS_WARM = 50

TARGETS = {'ratio': 0.3, 'del_rt_ms': 10.0, 'tp_pct': 2.0, 'rss_mib': 1.0}


def progress(text):
    """Print a progress line."""
    print(f'==> [bench] {text}', flush=True)


def pct(values, p):
    """The p-th percentile (0-100), linear interpolation between closest
    ranks (statistics.quantiles' 'inclusive' method)."""
    v = sorted(values)
    if len(v) == 1:
        return v[0]
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def summary(values):
    """n, median, p90, min, max and the samples themselves."""
    return {'n': len(values), 'median': statistics.median(values),
            'p90': pct(values, 90), 'min': min(values), 'max': max(values),
            'samples': values}


# ---------------------------------------------------------------------------
# the machines

def base_args(backend):
    """Root port rp0 with controller nvme0 (subsystem subsys0) and
    namespace 1 on the block node backend; an empty root port rp1."""
    # Native PCIe hotplug for (a): its target compares a namespace with a
    # controller behind a pciehp slot.  Under q35's default ACPI hotplug a
    # controller comes and goes about as fast as a namespace (~40 ms).
    return ['-global', 'ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off',
            '-device', 'pcie-root-port,id=rp0,chassis=1,bus=pcie.0',
            '-device', 'pcie-root-port,id=rp1,chassis=2,bus=pcie.0',
            '-device', 'nvme-subsys,id=subsys0,nqn=nqn.2026-01.org.qemu:bench',
            '-device', 'nvme,id=nvme0,serial=BENCH001,subsys=subsys0,bus=rp0',
            '-blockdev', backend,
            '-device', 'nvme-ns,id=ns1,drive=disk1,bus=nvme0,nsid=1']


NULL_16M = 'null-co,node-name=disk1,size=16777216,read-zeroes=on'


def boot(qemu_bin, guest, accel, args, name):
    """Start a Guest, wait for its shell and nvme0n1."""
    g = Guest(qemu_bin, guest, accel, args, OUT, name=name)
    t = g.launch()
    g.sh('poll 300 [ -e /sys/block/nvme0n1 ]', timeout=40)
    progress(f'{name}: guest shell after {t:.1f} s')
    return g


def blockdev(g, node, size, **extra):
    """blockdev-add a null-co node of size bytes that reads zeroes."""
    args = {'driver': 'null-co', 'node-name': node, 'size': size,
            'read-zeroes': True}
    args.update(extra)
    g.cmd('blockdev-add', args)


# ---------------------------------------------------------------------------
# a. namespace vs controller hotplug latency

def hotplug_cycle(g, what, dev_id, disk, add_cmds):
    """One hot-add and hot-remove of dev_id: add_cmds are device_add
    arguments sent back to back; the guest watches /sys/block/<disk>.
    Returns ms from the first command to: the disk appearing, the disk
    gone, X_DEVICE_TAKEN_ON, DEVICE_DELETED, and the device_del reply."""
    g.clear_events()
    wall = []

    def do_add():
        wall.append(time.time())
        for args in add_cmds:
            g.cmd('device_add', args)
    _, seen = g.watch([('v', f'[ -e /sys/block/{disk} ]')], do_add)
    if seen['v'] is None:
        raise DemoError(f'{what}: {disk} never appeared: ' +
                        g.sh('ls /sys/block'))
    added = seen['v']
    taken = ms(g.event('X_DEVICE_TAKEN_ON', dev_id)['wall'] - wall[0])
    wall = []

    def do_del():
        wall.append(time.time())
        return g.cmd('device_del', {'id': dev_id})
    (_, rt), seen = g.watch([('g', f'[ ! -e /sys/block/{disk} ]')], do_del)
    if seen['g'] is None:
        raise DemoError(f'{what}: {disk} never went')
    deleted = ms(g.event('DEVICE_DELETED', dev_id)['wall'] - wall[0])
    return added, seen['g'], taken, deleted, rt


def bench_hotplug(g):
    """(a): namespace and controller hot-add/remove latencies."""
    res = {}
    blockdev(g, 'hot-ns', 16 * MiB)
    add, gone, taken, deleted, del_rt = [], [], [], [], []
    progress(f'(a) namespace hot-add/remove, {N_NS} cycles')
    for i in range(N_NS):
        a, gn, t, d, rt = hotplug_cycle(
            g, f'namespace cycle {i}', 'hns', 'nvme0n2',
            [{'driver': 'nvme-ns', 'id': 'hns', 'drive': 'hot-ns',
              'bus': 'nvme0', 'nsid': 2}])
        add.append(a)
        gone.append(gn)
        taken.append(t)
        deleted.append(d)
        del_rt.append(rt)
        time.sleep(0.1)
    res['ns_add'] = summary(add)
    res['ns_gone'] = summary(gone)
    res['ns_taken_on'] = summary(taken)
    res['ns_deleted'] = summary(deleted)
    res['ns_del_rt_idle'] = summary(del_rt)
    progress(f'    add median {res["ns_add"]["median"]:.1f} ms, remove '
             f'median {res["ns_gone"]["median"]:.1f} ms')

    # A controller with one namespace: nvme (its own, implicit, subsystem)
    # + nvme-ns on its bus, added back to back, so that X_DEVICE_TAKEN_ON
    # is reported for the controller as for a namespace.
    blockdev(g, 'hot-ctrl', 16 * MiB)
    add, gone, taken, deleted = [], [], [], []
    n_ctrl = N_CTRL
    t_start = time.monotonic()
    progress(f'(a) controller hot-add/remove behind rp1, {n_ctrl} cycles '
             '(~7 s each: pciehp waits 5 s before powering a slot off)')
    for i in range(n_ctrl):
        a, gn, t, d, _ = hotplug_cycle(
            g, f'controller cycle {i}', 'hctrl', 'nvme1n1',
            [{'driver': 'nvme', 'id': 'hctrl', 'serial': 'HOTCTRL1',
              'bus': 'rp1'},
             {'driver': 'nvme-ns', 'id': 'hctrl-ns', 'drive': 'hot-ctrl',
              'bus': 'hctrl', 'nsid': 1}])
        add.append(a)
        gone.append(gn)
        taken.append(t)
        deleted.append(d)
        # its namespace outlives it (in the controller's subsystem)
        g.cmd('device_del', {'id': 'hctrl-ns'})
        g.event('DEVICE_DELETED', 'hctrl-ns')
        g.sh('poll 100 [ ! -e /sys/class/nvme/nvme1 ]', timeout=20)
        if (i + 1) % 5 == 0:
            progress(f'    {i + 1}/{n_ctrl} cycles, add median so far '
                     f'{statistics.median(add):.0f} ms')
    res['ctrl_add'] = summary(add)
    res['ctrl_gone'] = summary(gone)
    res['ctrl_taken_on'] = summary(taken)
    res['ctrl_deleted'] = summary(deleted)
    res['ctrl_seconds'] = time.monotonic() - t_start
    res['ratio_add'] = res['ns_add']['median'] / res['ctrl_add']['median']
    res['ratio_gone'] = res['ns_gone']['median'] / res['ctrl_gone']['median']
    return res


# ---------------------------------------------------------------------------
# b. device_del with 32 reads in flight on a slow backend

def bench_del_inflight(g):
    """(b): device_del with READERS reads in flight on a slow backend."""
    progress(f'(b) device_del with {READERS} reads in flight '
             f'(null-co, latency-ns={SLOW_NS}), {N_DEL} runs')
    blockdev(g, 'slow', 1024 * MiB, **{'latency-ns': SLOW_NS})
    rt, deleted, inflight, floor = [], [], [], []
    for i in range(N_DEL):
        g.clear_events()
        g.cmd('device_add', {'driver': 'nvme-ns', 'id': 'sns',
                             'drive': 'slow', 'bus': 'nvme0', 'nsid': 2})
        g.sh('poll 300 [ -e /sys/block/nvme0c0n2 ]', timeout=40)
        # each reader keeps one 4 KiB O_DIRECT read outstanding at a time
        g.sh(f'for i in $(seq {READERS}); do dd if=/dev/nvme0n2 '
             'of=/dev/null bs=4k count=100000 skip=$((i * 1000)) '
             'iflag=direct 2>/dev/null & done')
        g.sh(f'n=300; while [ $n -gt 0 ]; do set -- $(cat '
             '/sys/block/nvme0c0n2/inflight); [ $1 -ge '
             f'{READERS} ] && break; n=$((n - 1)); sleep 0.1; done',
             timeout=60)
        now = int(g.sh('cat /sys/block/nvme0c0n2/inflight').split()[0])
        inflight.append(now)
        wall = time.time()
        r, t = g.qmp('device_del', {'id': 'sns'})
        if 'error' in r:
            raise DemoError(f'device_del: {r["error"]["desc"]}')
        rt.append(t)
        deleted.append(ms(g.event('DEVICE_DELETED', 'sns', 10)['wall'] -
                          wall))
        # the readers fail once the namespace is gone
        g.sh("poll 300 [ ! -e /sys/block/nvme0n2 ]; "
             "poll 300 '! pidof dd >/dev/null'", timeout=60)
        _, t = g.qmp('query-status')
        floor.append(t)
    progress(f'    round trip median {statistics.median(rt):.2f} ms, '
             f'DEVICE_DELETED median {statistics.median(deleted):.0f} ms')
    return {'del_rt': summary(rt), 'del_deleted': summary(deleted),
            'del_inflight': summary(inflight),
            'qmp_floor': summary(floor)}


# ---------------------------------------------------------------------------
# c. throughput: series vs base

def pin_threads(pid):
    """Put QEMU's vCPU thread(s) on CPU 0 and its other threads (main loop,
    where the NVMe device and the block layer run, RCU, monitor) on CPU 1.
    Unpinned, where the scheduler happens to put them made one QEMU
    process up to 10 % faster than another one of the same binary for its
    whole life (tried here: four VMs of one binary), which would swamp a
    2 % comparison.  Returns a description, or None if there are fewer
    than two CPUs to use."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/comm', encoding='ascii',
                      errors='replace') as f:
                comm = f.read().strip()
            os.sched_setaffinity(int(tid), {cpus[0] if comm.startswith('CPU ')
                                            else cpus[1]})
        except (OSError, ValueError):
            pass                      # a thread that has just gone
    return f'vCPU thread on CPU {cpus[0]}, other QEMU threads on CPU {cpus[1]}'


def bootstrap(boots, stat, n=2000):
    """95 % bootstrap interval of stat(list of boots), each boot a list of
    rounds: resample the boots, then the rounds within each (a round: one
    sample of each QEMU, one right after the other)."""
    rng = random.Random(1)
    out = []
    for _ in range(n):
        sample = []
        for _ in boots:
            rounds = boots[rng.randrange(len(boots))]
            sample.append([rounds[rng.randrange(len(rounds))]
                           for _ in rounds])
        out.append(stat(sample))
    out.sort()
    return [out[int(n * 0.025)], out[int(n * 0.975) - 1]]


def ratio_stats(boots, x, y):
    """series/base over all rounds of all boots: median of the per-round
    ratios, ratio of medians, ratio of means, each with its 95 %
    bootstrap interval; and the median per-round ratio of each boot."""
    def flat(bs):
        return [r for rounds in bs for r in rounds]

    def pair(bs):
        return statistics.median([r[x] / r[y] for r in flat(bs)])

    def medians(bs):
        f = flat(bs)
        return (statistics.median([r[x] for r in f]) /
                statistics.median([r[y] for r in f]))

    def means(bs):
        f = flat(bs)
        return (statistics.mean([r[x] for r in f]) /
                statistics.mean([r[y] for r in f]))
    return {'pair': pair(boots), 'pair_ci': bootstrap(boots, pair),
            'medians': medians(boots), 'medians_ci': bootstrap(boots, medians),
            'means': means(boots), 'means_ci': bootstrap(boots, means),
            'per_boot': [pair([b]) for b in boots]}


def bench_throughput(qemus, guest, accel):
    """The series and the base, booted the same way and running at once,
    TP_BOOTS times afresh (which QEMU process is faster varies from boot to
    boot by a few %, more than the 2 % to resolve), TP_ROUNDS rounds of
    one sample each per boot."""
    progress(f'(c) sequential read, {TP_MIB} MiB per sample: {TP_BOOTS} '
             f'boots of both QEMUs x {TP_ROUNDS} interleaved rounds')
    backend = f'null-co,node-name=disk1,size={8 * 1024 * MiB},read-zeroes=on'
    # the guest's monotonic clock, in ns, around dd
    clock = 'head -3 /proc/timer_list | tail -1 | cut -d" " -f3'
    cmd = (f'a=$({clock}); dd if=/dev/nvme0n1 of=/dev/null bs=1M '
           f'count={TP_MIB} iflag=direct 2>/dev/null; r=$?; '
           f'b=$({clock}); [ $r = 0 ] && echo $((b - a))')
    boots = []
    pinning = None
    t0 = time.monotonic()
    for k in range(TP_BOOTS):
        names = ['series', 'base'] if k % 2 == 0 else ['base', 'series']
        vms = {}
        try:
            for name in names:        # boot order alternates too
                # nokaslr: the guest kernel at the same addresses each time
                g = Guest(qemus[name], guest, accel, base_args(backend) +
                          ['-name', f'tp-{name},debug-threads=on'], OUT,
                          name=f'tp-{name}', extra_cmdline='nokaslr')
                vms[name] = g
                g.start()
            for g in vms.values():
                g.ready()
                g.sh('poll 300 [ -e /sys/block/nvme0n1 ]', timeout=40)

            def sample(name):
                ns = int(vms[name].sh(cmd, timeout=300))
                return TP_MIB / (ns / 1e9)
            for name in names:                 # warm-up, not counted
                for _ in range(2):
                    sample(name)
            for g in vms.values():
                pinning = pin_threads(g.pid())
            rounds = []
            for i in range(TP_ROUNDS):
                # each QEMU goes first half of the time
                r = {}
                for name in (names if i % 2 == 0 else names[::-1]):
                    r[name] = sample(name)
                rounds.append(r)
        finally:
            for g in vms.values():
                g.shutdown()
        boots.append(rounds)
        progress(f'    boot {k + 1}/{TP_BOOTS}: medians series ' +
                 str(round(statistics.median([r['series'] for r in rounds])))
                 + ', base ' +
                 str(round(statistics.median([r['base'] for r in rounds]))) +
                 ' MiB/s, series/base (median of the rounds\' ratios) ' +
                 f'{ratio_stats([rounds], "series", "base")["pair"]:.3f}')
    seconds = time.monotonic() - t0
    flat = [r for rounds in boots for r in rounds]
    samples = {n: [r[n] for r in flat] for n in ('series', 'base')}
    return {'tp_series': summary(samples['series']),
            'tp_base': summary(samples['base']),
            'tp': ratio_stats(boots, 'series', 'base'),
            'tp_boots': TP_BOOTS, 'tp_rounds': TP_ROUNDS,
            'tp_seconds': seconds, 'tp_mib': TP_MIB, 'tp_pinning': pinning,
            'tp_cv': {n: statistics.stdev(v) / statistics.mean(v)
                      for n, v in samples.items()}}


# ---------------------------------------------------------------------------
# d. RSS over 1000 add/remove cycles

def memory_kib(pid):
    """(VmRSS, RSS of TCG's translation buffer, RSS of guest RAM) in KiB,
    from /proc/<pid>/smaps.  The translation buffer is QEMU's one large
    anonymous rwx mapping (-accel tcg's tb-size, 1 GiB): it fills, in
    2 MiB transparent huge pages, as the guest runs code not translated
    before; guest RAM is the memfd of the memory backend."""
    total = tcg = ram = 0
    kind = None
    with open(f'/proc/{pid}/smaps', encoding='ascii', errors='replace') as f:
        for line in f:
            w = line.split()
            if not line[0].isupper():           # a mapping's first line
                perms = w[1]
                path = w[5] if len(w) > 5 else ''
                kind = ('ram' if path.startswith('/memfd:') else
                        'tcg' if 'x' in perms and not path else None)
            elif w[0] == 'Size:':
                size = int(w[1])
            elif w[0] == 'Rss:':
                rss = int(w[1])
                total += rss
                if kind == 'tcg' and size >= 256 * 1024:
                    tcg += rss
                elif kind == 'ram':
                    ram += rss
    return total, tcg, ram


def tcg_hash(g):
    """(KiB, translated blocks): TCG's hash table of translated blocks,
    64-byte buckets, doubled as the number of blocks grows (from `info
    jit`)."""
    jit, _ = g.hmp('info jit')
    m = re.search(r'TB hash buckets\s+\d+/(\d+)', jit)
    n = re.search(r'TB count\s+(\d+)', jit)
    return (int(m.group(1)) * 64 // 1024 if m else 0,
            int(n.group(1)) if n else None)


def bench_rss(qemu_bin, guest, accel):
    """VmRSS at checkpoints after 0, RSS_WARM, N_RSS and 2 * N_RSS cycles,
    each time once the guest has caught up (2 s of quiet, then the same
    few commands), and every 50 cycles without waiting (the curve)."""
    progress(f'(d) QEMU RSS over {N_RSS} (then {2 * N_RSS}) namespace '
             'add/remove cycles')
    # preallocated guest RAM: pages the guest touches do not add to RSS
    args = ['-object', 'memory-backend-memfd,id=ram0,size=512M,prealloc=on',
            '-machine', 'memory-backend=ram0'] + base_args(NULL_16M)
    g = boot(qemu_bin, guest, accel, args, 'rss')
    rescans = 'dmesg | grep -c "rescanning namespaces" || true'

    def settle(n):
        out = g.sh('sleep 2; poll 100 [ ! -e /sys/block/nvme0n2 ] && '
                   'dd if=/dev/nvme0n1 of=/dev/null bs=4k count=16 '
                   f'iflag=direct 2>/dev/null && {rescans}', timeout=30)
        total, tcg, ram = memory_kib(g.pid())
        qht, tbs = tcg_hash(g)
        return {'cycles': n, 'vmrss': g.rss_kib(), 'smaps_rss': total,
                'tcg': tcg + qht, 'tcg_code': tcg, 'tcg_hash': qht,
                'tb_count': tbs,
                'ram': ram, 'anon': g.rss_kib('RssAnon'),
                'rescans': int(out.split()[-1])}
    try:
        blockdev(g, 'cyc', 16 * MiB)
        checkpoints = [settle(0)]
        curve = []
        t0 = time.monotonic()
        for i in range(1, 2 * N_RSS + 1):
            g.cmd('device_add', {'driver': 'nvme-ns', 'id': 'cns',
                                 'drive': 'cyc', 'bus': 'nvme0', 'nsid': 2})
            g.cmd('device_del', {'id': 'cns'})
            g.event('DEVICE_DELETED', 'cns', 30)
            g.clear_events()
            if i % 50 == 0:
                total, tcg, _ = memory_kib(g.pid())
                curve.append((i, total, tcg + tcg_hash(g)[0]))
            if i in (RSS_WARM, N_RSS, 2 * N_RSS):
                checkpoints.append(settle(i))
                progress(f'    {i} cycles: VmRSS '
                         f'{checkpoints[-1]["vmrss"] / 1024:.1f} MiB, of '
                         f'which TCG translation cache '
                         f'{checkpoints[-1]["tcg"] / 1024:.1f} MiB')
        seconds = time.monotonic() - t0
        after = g.sh('ls /sys/block | tr "\\n" " "')
    finally:
        g.shutdown()
    c = {x['cycles']: x for x in checkpoints}

    def growth(key, frm, to):
        return c[to][key] - c[frm][key]

    def other(x):
        return x['smaps_rss'] - x['tcg'] - x['ram']
    for x in checkpoints:
        x['other'] = other(x)
    return {'rss_checkpoints': checkpoints, 'rss_curve': curve,
            'rss_growth': growth('vmrss', 0, N_RSS),
            'rss_growth_warm': growth('vmrss', RSS_WARM, N_RSS),
            'rss_growth_2x': growth('vmrss', N_RSS, 2 * N_RSS),
            'rss_other_growth': growth('other', 0, N_RSS),
            'rss_other_growth_warm': growth('other', RSS_WARM, N_RSS),
            'rss_other_growth_2x': growth('other', N_RSS, 2 * N_RSS),
            'rss_tcg_growth': growth('tcg', 0, N_RSS),
            'rss_cycles': N_RSS, 'rss_warm': RSS_WARM,
            'rss_seconds': seconds,
            'rss_guest_rescans': c[2 * N_RSS]['rescans'] - c[0]['rescans'],
            'rss_guest_after': after.strip()}


# ---------------------------------------------------------------------------
# report

def verdict(ok):
    """MET or MISSED."""
    return 'MET' if ok else 'MISSED'


def table(r):
    """The results as a markdown table; returns (markdown, verdicts)."""
    a = r['results']
    rows = []
    verdicts = {}

    def lat(key):
        s = a[key]
        return f'{s["median"]:.1f} / {s["p90"]:.1f}'

    def row(*cells):
        rows.append('| ' + ' | '.join(str(c) for c in cells) + ' |')
    ratio = a['ratio_add']
    verdicts['a'] = ratio <= TARGETS['ratio']
    row('a', 'namespace hot-add: device_add → /sys/block/nvme0n2 in the '
        'guest',
        'ms, median / p90', lat('ns_add'), a['ns_add']['n'], '', '')
    row('a', 'namespace hot-remove: device_del → nvme0n2 gone',
        'ms, median / p90', lat('ns_gone'), a['ns_gone']['n'], '', '')
    row('a', 'controller + 1 namespace hot-add behind a root port → '
        'nvme1n1 in the guest', 'ms, median / p90', lat('ctrl_add'),
        a['ctrl_add']['n'], '', '')
    row('a', 'controller hot-remove → nvme1n1 gone (pciehp waits 5 s)',
        'ms, median / p90', lat('ctrl_gone'), a['ctrl_gone']['n'], '', '')
    row('a', '**ratio namespace / controller hot-add** (medians)', '×',
        f'**{ratio:.2f}**', '', f'≤ {TARGETS["ratio"]}×',
        verdict(verdicts['a']))
    row('a', 'ratio namespace / controller hot-remove (medians)', '×',
        f'{a["ratio_gone"]:.3f}', '', '', '')
    row('a', 'X_DEVICE_TAKEN_ON after device_add: namespace / controller',
        'ms, median', f'{a["ns_taken_on"]["median"]:.1f} / '
        f'{a["ctrl_taken_on"]["median"]:.1f}', a['ns_taken_on']['n'], '', '')
    row('a', 'DEVICE_DELETED after device_del: namespace / controller',
        'ms, median', f'{a["ns_deleted"]["median"]:.1f} / '
        f'{a["ctrl_deleted"]["median"]:.0f}', a['ns_deleted']['n'], '', '')
    rt = a['del_rt']
    verdicts['b'] = rt['max'] <= TARGETS['del_rt_ms']
    row('b', f'**device_del round trip, {READERS} reads in flight** '
        '(500 ms each)', 'ms, median / max',
        f'**{rt["median"]:.2f} / {rt["max"]:.2f}**', rt['n'],
        f'≤ {TARGETS["del_rt_ms"]:.0f} ms', verdict(verdicts['b']))
    d = a['del_deleted']
    row('b', '… time to DEVICE_DELETED (in-flight reads complete first)',
        'ms, median / max', f'{d["median"]:.0f} / {d["max"]:.0f}', d['n'],
        '', '')
    i = a['del_inflight']
    row('b', '… reads in flight in the guest just before device_del',
        'requests, min–max', f'{i["min"]}–{i["max"]}', i['n'], '', '')
    row('b', 'reference: device_del round trip, nothing in flight / '
        'query-status round trip', 'ms, median',
        f'{a["ns_del_rt_idle"]["median"]:.2f} / '
        f'{a["qmp_floor"]["median"]:.2f}',
        f'{a["ns_del_rt_idle"]["n"]} / {a["qmp_floor"]["n"]}', '', '')
    s, b = a['tp_series'], a['tp_base']
    tp = a['tp']
    lo, hi = ((x - 1) * 100 for x in tp['pair_ci'])
    tol = TARGETS['tp_pct']
    if -tol <= lo and hi <= tol:
        status = 'MET'
    elif hi < -tol or lo > tol:
        status = 'MISSED'
    else:
        status = ('MET' if abs(tp['pair'] - 1) * 100 <= tol else 'MISSED') \
            + ' (point estimate only: the 95 % interval crosses ±2 %)'
    verdicts['c'] = status
    cv = a['tp_cv']
    row('c', 'sequential read, dd bs=1M O_DIRECT, series', 'MiB/s, median '
        '(min–max; sample CV)', f'{s["median"]:.0f} ({s["min"]:.0f}–'
        f'{s["max"]:.0f}; {cv["series"] * 100:.0f} %)',
        f'{a["tp_boots"]}×{a["tp_rounds"]}', '', '')
    row('c', 'sequential read, same, unpatched base', 'MiB/s, median '
        '(min–max; sample CV)', f'{b["median"]:.0f} ({b["min"]:.0f}–'
        f'{b["max"]:.0f}; {cv["base"] * 100:.0f} %)',
        f'{a["tp_boots"]}×{a["tp_rounds"]}', '', '')

    def ratio_ci(r, key):
        lo_, hi_ = ((x - 1) * 100 for x in r[key + '_ci'])
        return (f'{r[key]:.3f} ({(r[key] - 1) * 100:+.1f} %) '
                f'[{lo_:+.1f} %, {hi_:+.1f} %]')
    n_tp = f'{a["tp_boots"]}×{a["tp_rounds"]}'
    row('c', '**series / base: median of the per-round ratios** '
        '[95 % bootstrap interval]', '×', f'**{ratio_ci(tp, "pair")}**',
        n_tp, f'±{tol:.0f} %', status)
    row('c', 'series / base: ratio of medians; ratio of means',
        '×', f'{ratio_ci(tp, "medians")}; {ratio_ci(tp, "means")}', n_tp,
        '', '')
    pb = tp['per_boot']
    row('c', 'series / base per boot (median of its rounds\' ratios)',
        '×, min–max', f'{min(pb):.3f}–{max(pb):.3f}', len(pb), '', '')
    n = a['rss_cycles']
    w = a['rss_warm']
    cp = {x['cycles']: x for x in a['rss_checkpoints']}
    g, gw = a['rss_growth'] / 1024, a['rss_growth_warm'] / 1024
    verdicts['d'] = g < TARGETS['rss_mib']
    row('d', f'QEMU VmRSS after 0 / {w} / {n} / {2 * n} cycles (guest '
        'caught up)', 'MiB', ' / '.join(f'{cp[k]["vmrss"] / 1024:.1f}'
                                        for k in (0, w, n, 2 * n)), n, '', '')
    row('d', f'**VmRSS growth over {n} add/remove cycles** (0→{n})', 'MiB',
        f'**{g:+.2f}**', n, f'< {TARGETS["rss_mib"]:.0f} MB',
        verdict(verdicts['d']))
    row('d', f'VmRSS growth, warm-up adjusted ({w}→{n}); next {n} '
        f'({n}→{2 * n})', 'MiB', f'{gw:+.2f}; '
        f'{a["rss_growth_2x"] / 1024:+.2f}', f'{n - w}; {n}',
        f'< {TARGETS["rss_mib"]:.0f} MB', verdict(gw < TARGETS['rss_mib']))
    row('d', f'… of which TCG\'s translation cache (code buffer + hash '
        f'table; 0→{n}; {n}→{2 * n})', 'MiB',
        f'{a["rss_tcg_growth"] / 1024:+.2f}; '
        f'{(cp[2 * n]["tcg"] - cp[n]["tcg"]) / 1024:+.2f}', n, '', '')
    row('d', 'VmRSS without guest RAM and TCG\'s translation cache: '
        f'growth 0→{n}; {w}→{n}; {n}→{2 * n}', 'MiB',
        f'{a["rss_other_growth"] / 1024:+.2f}; '
        f'{a["rss_other_growth_warm"] / 1024:+.2f}; '
        f'{a["rss_other_growth_2x"] / 1024:+.2f}', n,
        f'< {TARGETS["rss_mib"]:.0f} MB',
        verdict(a['rss_other_growth'] / 1024 < TARGETS['rss_mib']))
    other = a['rss_other_growth'] / 1024
    if not verdicts['d'] and other < TARGETS['rss_mib']:
        verdicts['d'] = (f'MISSED on raw VmRSS ({g:+.2f} MiB, of which TCG\'s '
                         f'translation cache {a["rss_tcg_growth"] / 1024:+.2f}'
                         f'); MET without it ({other:+.2f} MiB)')
    head = ['| | measurement | unit | result | n | target | status |',
            '|---|---|---|---|---|---|---|']
    return '\n'.join(head + rows), verdicts


def write_report(r):
    """results.md (REPORT filled in) and results.json; returns what table()
    does."""
    md_table, verdicts = table(r)
    e = r['env']
    a = r['results']
    cps = a['rss_checkpoints']
    with open(REPORT, encoding='utf-8') as f:
        template = ''.join(line for line in f if not line.startswith('%'))
    md = template.format(
        date=e['date'], cpus=e['cpus'], cpu_model=e['cpu_model'],
        accel=e['accel'], guest=e['guest'], minutes=e['seconds'] / 60,
        table=md_table,
        ns_cycles=a['ns_add']['n'], ctrl_cycles=a['ctrl_add']['n'],
        readers=READERS, slow_ns=SLOW_NS,
        tp_mib=a['tp_mib'], tp_boots=a['tp_boots'],
        tp_rounds=a['tp_rounds'], tp_seconds=a['tp_seconds'],
        tp_pinning=a['tp_pinning'] or 'no (one CPU only)',
        rss_guest_rescans=a['rss_guest_rescans'],
        rss_all_cycles=2 * a['rss_cycles'], rss_seconds=a['rss_seconds'],
        tb_count_first=cps[0]['tb_count'], tb_count_last=cps[-1]['tb_count'],
        rss_guest_after=a['rss_guest_after'])
    with open(os.path.join(OUT, 'results.md'), 'w', encoding='utf-8') as f:
        f.write(md)
    r['verdicts'] = {k: v if isinstance(v, str) else verdict(v)
                     for k, v in verdicts.items()}
    with open(os.path.join(OUT, 'results.json'), 'w', encoding='utf-8') as f:
        json.dump(r, f, indent=1)
    return md_table, verdicts


def host_cpu():
    """The host CPU's model name."""
    try:
        with open('/proc/cpuinfo', encoding='ascii', errors='replace') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown CPU'


def main():
    """Measure the QEMUs in sys.argv[1:3], or --plot; returns the exit
    code."""
    if len(sys.argv) == 4 and sys.argv[1] == '--plot':
        bench_plot.plot(sys.argv[2], sys.argv[3], TARGETS, READERS)
        return 0
    series = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(BUILD, 'qemu', 'build')
    base = sys.argv[2] if len(sys.argv) > 2 else \
        os.path.join(BUILD, 'qemu-unpatched', 'build')
    qemus = {'series': os.path.join(series, 'qemu-system-x86_64'),
             'base': os.path.join(base, 'qemu-system-x86_64')}
    for name, q in qemus.items():
        if not os.access(q, os.X_OK):
            print(f'ERROR [bench]: {q} not found ({name}): run '
                  'scripts/build.sh ' +
                  ('base' if name == 'base' else 'default'),
                  file=sys.stderr)
            return 1
    guestvm.setup()       # not for --plot: the system's python runs that
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):          # what the previous run left
        p = os.path.join(OUT, f)
        if f.startswith('qemu-machine-') and os.path.isdir(p):
            shutil.rmtree(p, ignore_errors=True)
        elif f.endswith('.log') and os.path.isfile(p):
            os.unlink(p)
    guestvm.log_to(OUT, 'bench.log')

    t0 = time.monotonic()
    guest = guestvm.guest_kernel(os.path.join(BUILD, 'guest'))
    accel = guestvm.nvme_guest.probe_accel(qemus['series'], guest)
    cpus = os.cpu_count()
    progress(f'accelerator {accel}, {cpus} host cores; results in '
             f'{os.path.relpath(OUT, ROOT)}/')
    env = {'date': datetime.datetime.now().strftime('%Y-%m-%d %H:%M'),
           'cpus': cpus, 'cpu_model': host_cpu(), 'accel': accel,
           'guest': guest.release, 'qemu': qemus}
    results = {}
    step = 'boot'
    g = None
    try:
        step = '(a)/(b) boot'
        g = boot(qemus['series'], guest, accel, base_args(NULL_16M),
                 'hotplug')
        step = '(a) hotplug latency'
        results.update(bench_hotplug(g))
        step = '(b) device_del with reads in flight'
        results.update(bench_del_inflight(g))
        g.shutdown()
        g = None
        step = '(c) throughput'
        results.update(bench_throughput(qemus, guest, accel))
        step = '(d) RSS'
        results.update(bench_rss(qemus['series'], guest, accel))
    except (DemoError, guestvm.GuestError, Exception) as e:  # noqa
        logging.exception('bench failed')
        print(f'ERROR [bench]: {step} failed: {e}', file=sys.stderr)
        if g is not None:
            if g.vm.is_running():
                print('guest dmesg (last 20 lines):', file=sys.stderr)
                for line in g.dmesg_tail(20).splitlines():
                    print('  ' + line, file=sys.stderr)
            else:
                g.shutdown()
                print(f'QEMU has gone: {(g.vm.get_log() or "").strip()}',
                      file=sys.stderr)
        print(f'(log: {os.path.relpath(OUT, ROOT)}/bench.log, console.log)',
              file=sys.stderr)
        return 1
    finally:
        if g is not None:
            g.shutdown()
    env['seconds'] = time.monotonic() - t0
    r = {'env': env, 'results': results}
    md_table, verdicts = write_report(r)
    err = bench_plot.write_plot(os.path.join(OUT, 'results.json'),
                                os.path.join(OUT, 'bench.png'),
                                TARGETS, READERS)
    print()
    print(f'make bench: accelerator {accel}, {cpus} host cores, guest Linux '
          f'{guest.release}, 1 vCPU; {env["seconds"] / 60:.1f} min')
    print(md_table)
    print()
    print('targets: ' + ', '.join(
        f'({k}) {v if isinstance(v, str) else verdict(v)}'
        for k, v in sorted(verdicts.items())))
    print(f'written: {os.path.relpath(OUT, ROOT)}/results.md, results.json'
          + (', bench.png' if err is None else
             f' (no plot: {err})'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
