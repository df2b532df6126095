"""Fuzz target: one input through the whole public path, decode -> detect -> parse -> rules ->
diagnosis, then every renderer, as `analyze` and `batch --details` would show it.

    python fuzz/fuzz_pipeline.py -max_total_time=600        # atheris, seeded with fixtures/
    python fuzz/fuzz_pipeline.py --fallback --seconds=60    # without atheris

See README.md, "Fuzzing".
"""

from __future__ import annotations

from pathlib import Path

from _harness import Target, fixture_seeds, main


def make_target() -> Target:
    import certtriage
    from certtriage.batch import diagnose_case
    from certtriage.render import OutputFormat, render

    def one_input(data: bytes) -> None:
        result = certtriage.analyze_bytes(data, "fuzz/input.txt")
        report = certtriage.report([result])
        for fmt in OutputFormat:
            if fmt is not OutputFormat.TEXT:
                render(report, fmt)
        # the text renderer once, in its widest form: a batch with each input's details
        batch = report.model_copy(update={"cases": (diagnose_case("fuzz", [result]),)})
        render(batch, OutputFormat.TEXT, details=True, color=True, width=80)
        render(batch, OutputFormat.HTML)

    return one_input


def seeds(corpus: Path) -> list[Path]:
    return list(fixture_seeds())


if __name__ == "__main__":
    main("pipeline", make_target, seeds)
