#!/usr/bin/env -S node --max-semi-space-size=8
// --max-semi-space-size=8 (MiB): while a drill runs, the TUI rebuilds its screen several times a second
// (Ink makes about 2 MB of short-lived objects per frame), and V8 answers that garbage by growing the young
// generation to its default ceiling (64 MiB semi-spaces here): 60 MiB more RSS for nothing that lives.
// Capped, the scavenger runs more often (each under a millisecond) and the drill stays under 150 MB
// (docs/benchmarks.md, render-drill). bench/lib/launch.mjs reads these flags from this line.
import '../dist/cli.js';
