from pathlib import Path
def test_marker(request):
    assert (Path(__file__).parent / "marker.txt").read_text() == "done\n"
