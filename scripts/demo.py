"""Narrated namespace hot-add / hot-remove against a live QEMU."""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from qmp import QMP  # noqa: E402

build = sys.argv[1]
tmp = tempfile.mkdtemp(prefix='nvme-demo-')
sock = os.path.join(tmp, 'qmp.sock')


def image(name, size):
    path = os.path.join(tmp, name)
    subprocess.run([os.path.join(build, 'qemu-img'), 'create', '-q', '-f',
                    'raw', path, size], check=True)
    return path


def nvme_view(qmp):
    """Controllers and namespaces as QOM sees them (namespaces live on the
    subsystem's bus, which 'info qtree' does not reach)."""
    out = []
    for child in qmp.cmd('qom-list', path='/machine/peripheral')['return']:
        path = '/machine/peripheral/' + child['name']
        if child['type'] == 'child<nvme>':
            serial = qmp.cmd('qom-get', path=path, property='serial')
            out.append('    controller %-8s serial %s' %
                       (child['name'], serial['return']))
        elif child['type'] == 'child<nvme-ns>':
            nsid = qmp.cmd('qom-get', path=path, property='nsid')['return']
            drive = qmp.cmd('qom-get', path=path, property='drive')['return']
            out.append('    namespace  %-8s nsid %d drive %s' %
                       (child['name'], nsid, drive))
    return '\n'.join(out)


def step(qmp, title, cmd=None, **args):
    print('\n==> ' + title)
    if cmd:
        print('    QMP %s %s' % (cmd, args))
        r = qmp.cmd(cmd, **args)
        print('    -> %s' % (r.get('return', r.get('error'))))


a = image('ns1.img', '16M')
b = image('ns2.img', '32M')
c = image('ns3.img', '8M')
qemu = subprocess.Popen([
    os.path.join(build, 'qemu-system-x86_64'), '-M', 'q35', '-S',
    '-display', 'none', '-serial', 'none', '-monitor', 'none',
    '-qmp', 'unix:%s,server=on,wait=off' % sock,
    '-device', 'nvme-subsys,id=subsys0,nqn=demo',
    '-device', 'nvme,id=nvme0,serial=demo0001,subsys=subsys0',
    '-drive', 'if=none,id=drv1,format=raw,file=' + a,
    '-drive', 'if=none,id=drv2,format=raw,file=' + b,
    '-drive', 'if=none,id=drv3,format=raw,file=' + c,
    '-device', 'nvme-ns,id=ns1,drive=drv1,bus=nvme0,nsid=1'])
try:
    qmp = QMP(sock)
    step(qmp, 'QEMU is up: one subsystem, one controller, namespace 1')
    print(nvme_view(qmp))
    step(qmp, 'hot-add namespace 2', 'device_add', driver='nvme-ns',
         id='ns2', drive='drv2', bus='nvme0', nsid=2)
    print(nvme_view(qmp))
    step(qmp, 'refused: namespace id 2 is taken', 'device_add',
         driver='nvme-ns', id='ns3', drive='drv3', bus='nvme0', nsid=2)
    step(qmp, 'hot-remove namespace 2', 'device_del', id='ns2')
    ev = qmp.wait_event('DEVICE_DELETED')
    print('    event DEVICE_DELETED %s' % ev['data'])
    print(nvme_view(qmp))
    qmp.cmd('quit')
finally:
    qemu.wait(timeout=30)
print('\ndemo finished')
