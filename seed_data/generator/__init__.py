"""The synthetic seed generator, by job: profiles, simulation, writers (seed_data/generate.py runs it)."""
