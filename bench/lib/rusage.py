# Run a command and report its resources with microsecond precision (GNU time prints
# 10 ms steps): wall time around fork/exec/wait4, user+sys CPU and peak RSS of the
# child from wait4's rusage. Usage: python3 rusage.py OUTFILE cmd args...
# OUTFILE gets "wall_ms cpu_ms maxrss_kb"; the child's exit status is passed on.
import os, signal, sys, time

out, argv = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
# A timeout kills this wrapper (SIGTERM): take the child with it.
def forward(signum, _frame):
    try:
        os.kill(pid, signal.SIGKILL)
    finally:
        os._exit(128 + signum)
signal.signal(signal.SIGTERM, forward)
signal.signal(signal.SIGINT, forward)
_, status, ru = os.wait4(pid, 0)
wall = (time.perf_counter() - t0) * 1000
with open(out, "w") as f:
    f.write("%.3f %.3f %d\n" % (wall, (ru.ru_utime + ru.ru_stime) * 1000, ru.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
