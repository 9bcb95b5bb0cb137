"""The bench finds a stack's processes by the ports they listen on and sums the CPU of their whole trees from /proc."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from bench import idle, orders
from bench.procs import CpuMeter, by_app, listening_pids, ours, process_tree, total

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"
# A parent that waits for a line, then runs a child burning CPU and reaps it, says so, then burns some itself in a
# second child it leaves running (asleep) until its stdin closes.
PARENT = f"""
import subprocess, sys
sys.stdin.readline()
subprocess.run([sys.executable, "-c", {BURN.format(seconds=0.4)!r}], check=True)
print("reaped", flush=True)
live = subprocess.Popen([sys.executable, "-c", {BURN.format(seconds=0.3)!r} + "import sys; sys.stdin.read()"],
                        stdin=subprocess.PIPE)
sys.stdin.readline()
live.stdin.close()
live.wait()
"""


def test_a_process_is_found_by_the_port_it_listens_on_and_its_cpu_is_counted():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        found = listening_pids({"me": port, "nobody": 1})
        assert found == {"me": {os.getpid()}}
        child = subprocess.Popen([sys.executable, "-c", BURN.format(seconds=0.3) + "import time; time.sleep(30)"])
        try:
            meter = CpuMeter({"it": {child.pid}}).start()
            time.sleep(1.0)  # the child burns 0.3 s of CPU meanwhile
            used = meter.stop()
        finally:
            child.kill()
            child.wait()
    assert 0.2 <= used["it"] <= 1.0


def test_the_cpu_of_a_whole_process_tree_is_summed_even_of_a_child_that_ended_between_the_readings():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
    )
    try:
        meter = CpuMeter({"app": {parent.pid}}).start()
        assert parent.stdin and parent.stdout
        parent.stdin.write("go\n")
        assert parent.stdout.readline().strip() == "reaped"  # the first child burned 0.4 s and was reaped
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(process_tree({"app": {parent.pid}})) < 2:
            time.sleep(0.05)
        time.sleep(1.0)  # the second child burns 0.3 s and sleeps
        labels = {p.label for p in process_tree({"app": {parent.pid}})}
        used = meter.stop()
        parent.stdin.write("done\n")
        parent.stdin.flush()
        parent.wait(timeout=20)
    finally:
        parent.kill()
    assert labels == {"app", "app python3"} or labels == {"app", "app python"}
    assert 0.3 <= used["app"] <= 1.2  # the reaped child, through the parent's cutime
    live = next(v for label, v in used.items() if label != "app")
    assert 0.2 <= live <= 1.0  # the child still running, under its own label
    assert by_app(used) == {"app": total(used)}


def test_every_process_counts_in_the_total_and_the_old_sum_left_out_the_broker_and_redis():
    used = {"services.orders": 1.0, "services.orders worker": 2.0, "kafka": 5.0, "redis": 0.5, "mongo": 3.0}
    assert total(used) == 11.5
    assert ours(used) == 6.0
    assert by_app(used)["services.orders"] == 3.0
    report = idle.report(used, seconds=100.0, processes=5)
    assert "every process, together" in report and "11.50" in report and "MISSED" in report
    assert idle.report({"redis": 0.5}, seconds=100.0, processes=1).count("met") == 1


def test_the_bench_looks_at_a_pending_order_as_often_as_the_page_does():
    assert orders.page_poll_seconds() == 1.0  # templates/checkout/_status.html: hx-trigger="every 1s"
    assert orders.page_poll_seconds("checkout/_paying.html") == 1.0


def test_the_saga_rows_print_each_target_with_the_figure_the_shopper_waited_for_and_the_old_one_beside_it():
    seen = [orders.Outcome(seen_ms=80.0 + i, stamp_ms=40.0 + i, calls=6) for i in range(10)]
    loop = orders.Loop(outcomes=seen, errors=0, seconds=0.1)  # 100 orders/s
    used = {"services.orders worker": 0.04, "kafka": 0.04, "mongo": 0.04}  # 12 ms an order, 8 without the broker
    latency = "\n".join(orders.Row(8, loop, 0.01, used, 0).verdicts())
    assert "p50 <= 100 ms as the shopper waits: 84 ms, met (to the timeline's stamp: 44 ms)" in latency
    assert (
        "<= 15 ms of CPU per confirmed order, every process: 12.0 ms, met "
        "(without the broker and Redis, as before: 8.0 ms)" in latency
    )
    assert "orders/s" not in latency  # 8 shoppers do not saturate: the throughput target is the 64 shoppers' row
    saturated = "\n".join(orders.Row(64, orders.Loop(seen, 0, 0.2), 0.01, used, 0).verdicts())
    assert ">= 100 orders/s at 64 shoppers: 50.0, MISSED" in saturated and "p50" not in saturated


def test_the_database_operations_are_counted_per_confirmed_order_most_first():
    seen = [orders.Outcome(seen_ms=80.0, stamp_ms=40.0, calls=6) for _ in range(10)]
    row = orders.Row(8, orders.Loop(seen, 0, 1.0), 0.01, {}, 0, {"query": 305, "update": 120, "insert": 0})
    assert row.per_operation() == "      database operations per order (42.5): query 30.5, update 12.0, insert 0.0"


def test_the_bench_reads_a_settled_order_from_the_status_region_as_the_page_renders_it():
    template = (orders.TEMPLATES / "checkout" / "_status.html").read_text()
    assert 'class="order-status order-status-{{ order.status | lower }}"' in template  # the settled answer
    assert orders._settled('<div id="order-status" class="order-status order-status-confirmed" role="status">') == (
        "confirmed"
    )
    assert orders._settled('<div class="order-status order-status-rejected">') == "rejected"
    assert orders._settled('<div class="order-status order-status-pending" hx-trigger="every 1s">') is None
    assert orders._settled('<div class="order-status order-status-awaiting">') is None
