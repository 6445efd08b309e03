#!/usr/bin/env python3
"""Record a real IPython terminal session (input echoed, tracebacks and all)
through a pty, for tests/data/ipython_session.txt:

    python3 tests/data/record_ipython_session.py INPUT.ipy > out.txt

The committed fixture had its prompts renumbered from 88 and the
terminal title escape and the final `exit` removed."""
import os, pty, sys, time, select
cells = open(sys.argv[1]).read().split('\n')
pid, fd = pty.fork()
if pid == 0:
    os.execvp('ipython', ['ipython', '--simple-prompt', '--colors=NoColor', '--no-banner', '--HistoryManager.enabled=False'])
out = b''
def drain(t=0.5):
    global out
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return
            if not data: return
            out += data
            end = time.time() + t
drain(3)
for line in cells:
    os.write(fd, (line + '\n').encode())
    drain(0.6)
os.write(fd, b'exit\n')
drain(1)
sys.stdout.write(out.decode('utf-8', 'replace').replace('\r\n', '\n').replace('\r', ''))
