# Exercise 7.4: report the copy-on-write of a forked save, as Redis does: INFO persistence's
# rdb_last_cow_size, the bytes the saving child came to hold alone, and a line in the log. Passes
# against redis-server 7 as it is:
#   /usr/bin/python3 -m pytest -q tests/exercises/lab7/test_copy_on_write.py --server /usr/bin/redis-server
from __future__ import annotations

from lab8_nodes import wait_until

KEYS = 20_000
VALUE = "x" * 2_000  # 40 MB of values: a save that takes a while, pages to copy


def test_a_forked_save_reports_its_copy_on_write(start_node):
    node = start_node()
    client = node.client()
    assert client.info("persistence")["rdb_last_cow_size"] == 0  # no save yet

    pipe = client.pipeline(transaction=False)
    for index in range(KEYS):
        pipe.set(f"key:{index}", VALUE)
    pipe.execute()
    assert client.bgsave()
    # Rewrite every value while the child saves: each page the server writes is copied.
    pipe = client.pipeline(transaction=False)
    for index in range(KEYS):
        pipe.set(f"key:{index}", "y" * 2_000)
    pipe.execute()
    wait_until(
        lambda: client.info("persistence")["rdb_bgsave_in_progress"] == 0,
        timeout=60,
        what="the save to end",
    )
    persistence = client.info("persistence")
    assert persistence["rdb_last_bgsave_status"] == "ok"
    copied = persistence["rdb_last_cow_size"]
    assert 0 < copied < 4 * KEYS * len(VALUE), copied
