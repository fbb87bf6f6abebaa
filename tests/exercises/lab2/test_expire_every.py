"""Exercise 2.1: `lab2_store --expire-every N` gives every Nth key a deadline (an hour ahead, so
none expires during the run) and the report counts them. Each such key costs an expiry index
node (32 bytes) and its share of the index's buckets (about 8) more than a key without."""

import re


def report(output):
    """The first memory report's rows, as {label: number}."""
    first = output.split("deleted")[0]
    rows = re.findall(r"^  (.+?)\s{2,}(\d+)", first, re.M)
    return {label.strip(): int(number) for label, number in rows}


def test_every_key_with_a_deadline_costs_an_index_node(lab2_store):
    status, plain = lab2_store("--keys", "1000", "--delete-every", "0")
    assert status == 0, plain
    status, expiring = lab2_store("--keys", "1000", "--delete-every", "0", "--expire-every", "1")
    assert status == 0, expiring
    assert "read back 1000 keys: 0 wrong or missing" in expiring, "no key expired during the run"
    rows = report(expiring)
    assert rows.get("keys with a deadline") == 1000, expiring
    extra = rows["estimated bytes per key"] - report(plain)["estimated bytes per key"]
    assert 32 <= extra <= 48, f"a deadline cost {extra} bytes a key"


def test_every_nth_key(lab2_store):
    status, output = lab2_store("--keys", "1000", "--expire-every", "4", "--delete-every", "0")
    assert status == 0, output
    assert report(output).get("keys with a deadline") == 250, output


def test_deleting_keys_removes_their_deadlines(lab2_store):
    status, output = lab2_store("--keys", "1000", "--expire-every", "1", "--delete-every", "10")
    assert status == 0, output
    after = output.split("deleted")[1]
    assert re.search(r"^  keys with a deadline\s+900\b", after, re.M), output


def test_no_deadlines_by_default(lab2_store):
    status, output = lab2_store("--keys", "100")
    assert status == 0, output
    assert report(output).get("keys with a deadline", 0) == 0, output
