"""Ray batch throughput with 1 and 2 actors (or any list), in one Ray session, on the generated corpus.

    python eval/bench/ray_scaling.py [--items 200] [--actors 1,2] [--address ADDR]

Each pool gets the machine's cores shared out (cores / actors encoder threads per actor, the CLI's
default), so the figures compare the same CPUs used two ways. Printed as JSON: one line per pool with
`jd_per_s` counted once every actor is up (model loads left out), then the ratio of the last pool to
the first. `--one-thread` adds 1 actor on 1 thread, to show what the second thread gives a single actor.
Nothing is written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_corpus import corpus  # noqa: E402

from suggest import batch_ray  # noqa: E402
from suggest.batch import items_from_rows  # noqa: E402
from suggest.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--actors", default="1,2", help="comma-separated pool sizes, run in this order")
    parser.add_argument("--address", default=None, help="Ray cluster to join (default: a local Ray)")
    parser.add_argument("--one-thread", action="store_true",
                        help="also run 1 actor on 1 thread: what a second thread gives one actor bounds the ratio")
    args = parser.parse_args()
    settings = Settings()
    pools = [int(a) for a in args.actors.split(",")]
    items = items_from_rows(corpus(args.items))
    cores = os.cpu_count() or 1
    if args.one_thread:
        pools.append(1)
    started = batch_ray.start(settings, address=args.address, cpus=max([cores] + pools))
    figures = []
    try:
        for n, actors in enumerate(pools):
            one = args.one_thread and n == len(pools) - 1
            threads = batch_ray.threads_per_actor(actors, requested=1 if one else None, cores=cores,
                                                  on_cluster=bool(args.address), default_threads=settings.torch_threads)
            stats = batch_ray.RayStats(actors=actors, threads_per_actor=threads, address=args.address,
                                       startup_s=started if n == 0 else 0.0)
            done = sum(1 for _ in batch_ray.run(settings, items, actors=actors, threads=threads, stats=stats))
            assert done == len(items)
            figures.append(stats.report(done))
            print(json.dumps(figures[-1]), flush=True)
    finally:
        batch_ray.stop()
    main_pools = figures[:-1] if args.one_thread else figures
    first, last = main_pools[0]["jd_per_s"], main_pools[-1]["jd_per_s"]
    summary = {"cores": cores, "load_average": [round(x, 2) for x in os.getloadavg()],
               f"ratio_{main_pools[-1]['actors']}_to_{main_pools[0]['actors']}_actors":
                   round(last / first, 3) if first else None}
    if args.one_thread and figures[-1]["jd_per_s"]:
        # how much a second encoder thread gives one actor: 2 actors can beat 1 by at most cores / this
        summary["one_actor_threads_gain"] = round(first / figures[-1]["jd_per_s"], 3)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
