# The two commands a newcomer runs: `make demo` (install, then watch the guard decide on the bundled policies)
# and `make test` (install everything the tests need, then run them all).
.PHONY: demo test lint bench install

demo:
	@scripts/bootstrap.sh
	@.venv/bin/python scripts/demo.py

test:
	@scripts/bootstrap.sh --test
	.venv/bin/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint:
	@scripts/bootstrap.sh --test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

bench:
	@scripts/bootstrap.sh --test
	@for b in benchmarks/*.py; do echo "== $$b"; .venv/bin/python $$b; done
