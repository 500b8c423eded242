"""make bench's plot: bench.png from results.json.

plot() draws the four measurements of bench.py (a-d) with matplotlib,
which the build's python (QEMU's pyvenv) usually lacks; write_plot() then
runs demo/bench.py --plot with the system's python and, if that has no
matplotlib either, says how to get the PNG.  Nothing here needs QEMU.
"""

import json
import os
import statistics
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bench.py')


def plot(json_path, png_path, targets, readers):
    """bench.png from results.json (run with a python that has
    matplotlib); targets and readers: bench.py's TARGETS and READERS."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    with open(json_path, encoding='utf-8') as f:
        r = json.load(f)
    a = r['results']
    e = r['env']
    fig, ax = plt.subplots(2, 2, figsize=(12, 8.5))
    fig.suptitle(f'NVMe hot-swap series, {e["accel"]}, {e["cpus"]} host '
                 f'cores, {e["date"]}')

    p = ax[0][0]
    data = [a['ns_add']['samples'], a['ns_gone']['samples'],
            a['ctrl_add']['samples'], a['ctrl_gone']['samples']]
    labels = ['namespace\nadd', 'namespace\nremove', 'controller\nadd',
              'controller\nremove']
    p.boxplot(data, whis=(0, 100))
    for i, d in enumerate(data):
        p.scatter([i + 1] * len(d), d, s=8, alpha=0.5)
    p.set_xticks(range(1, 5), labels)
    p.set_yscale('log')
    p.set_ylabel('ms until the guest sees it (log)')
    p.set_title(f'(a) hotplug latency; ns/ctrl add = {a["ratio_add"]:.2f}×')

    p = ax[0][1]
    rt, dd = a['del_rt']['samples'], a['del_deleted']['samples']
    x = range(1, len(rt) + 1)
    p.plot(x, rt, 'o-', label='device_del round trip')
    p.axhline(targets['del_rt_ms'], color='r', ls='--', label='target 10 ms')
    p.set_yscale('log')
    p.plot(x, dd, 's-', label='DEVICE_DELETED')
    p.set_xlabel('run')
    p.set_ylabel('ms (log)')
    p.set_title(f'(b) device_del with {readers} reads of 500 ms in flight')
    p.legend(fontsize=8)

    p = ax[1][0]
    s, b = a['tp_series']['samples'], a['tp_base']['samples']
    n = a['tp_rounds']
    x = range(1, len(s) + 1)
    p.scatter(x, s, s=4, alpha=0.35, label='series')
    p.scatter(x, b, s=4, alpha=0.35, label='base')
    for k in range(a['tp_boots']):
        seg = range(k * n + 1, (k + 1) * n + 1)
        p.plot(seg, [statistics.median(s[k * n:(k + 1) * n])] * n, 'C0-',
               lw=1.5)
        p.plot(seg, [statistics.median(b[k * n:(k + 1) * n])] * n, 'C1-',
               lw=1.5)
        p.axvline(k * n + 0.5, color='0.85', lw=0.5)
    p.set_xlabel(f'round ({a["tp_boots"]} boots × {n} rounds; lines: '
                 'median per boot)')
    p.set_ylabel(f'MiB/s (dd, {a["tp_mib"]} MiB)')
    tp = a['tp']
    lo, hi = tp['pair_ci']
    p.set_title(f'(c) sequential read; series/base = {tp["pair"]:.3f} '
                f'[{lo:.3f}, {hi:.3f}]', fontsize=10)
    p.legend(fontsize=7, markerscale=3)

    p = ax[1][1]
    c = a['rss_curve']
    cps = a['rss_checkpoints']
    base_total = cps[0]['smaps_rss']
    base_other = cps[0]['other']
    x = [0] + [v[0] for v in c]
    p.plot(x, [0] + [(v[1] - base_total) / 1024 for v in c], '-', lw=1,
           label='VmRSS')
    p.plot(x, [0] + [((v[1] - v[2]) - (base_total - cps[0]['tcg']))
                     / 1024 for v in c], '-', lw=1,
           label='VmRSS without TCG translation cache')
    p.plot([k['cycles'] for k in cps],
           [(k['smaps_rss'] - base_total) / 1024 for k in cps], 'o', ms=5,
           color='C0', label='VmRSS, guest caught up')
    p.plot([k['cycles'] for k in cps],
           [(k['other'] - base_other) / 1024 for k in cps], 's', ms=5,
           color='C1', label='… without guest RAM + TCG cache, caught up')
    p.axhline(targets['rss_mib'], color='r', ls='--', label='target 1 MB')
    p.set_xlabel('add/remove cycles')
    p.set_ylabel('growth since cycle 0, MiB')
    p.set_title('(d) QEMU memory over namespace add/remove cycles')
    p.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(png_path, dpi=100)


def write_plot(json_path, png_path, targets, readers):
    """plot(), with this python or else the system's (through bench.py
    --plot); returns None, or why there is no plot."""
    try:
        plot(json_path, png_path, targets, readers)
        return None
    except ImportError:
        pass
    # the build's python has no matplotlib: the system's may
    r = subprocess.run(['/usr/bin/python3', BENCH,
                        '--plot', json_path, png_path],
                       capture_output=True, text=True, check=False)
    if r.returncode:
        last = (r.stderr.strip().splitlines() or ['failed'])[-1]
        if 'matplotlib' in last:
            return ('matplotlib is not installed; apt-get install '
                    'python3-matplotlib, then demo/bench.py --plot '
                    f'{os.path.relpath(json_path, ROOT)} '
                    f'{os.path.relpath(png_path, ROOT)}')
        return last
    return None
