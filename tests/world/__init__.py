"""The hostile and varied world: generators of portals, captures and attacks the code has
never met, each case carrying its own ground truth (tests/test_world_*.py run them).

WORLD_CASES=all runs every generated case; the default is a fixed, seeded sample."""
